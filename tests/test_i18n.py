"""The interface speaks French first, then Dutch and English (catalogues compiled by make)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 vote exprimé"), (1, "1 vote exprimé"), (2, "2 votes exprimés")]
)
def test_french_plural_rule_counts_zero_as_singular(count, expected):
    with translation.override("fr"):
        text = ngettext("%(counter)s vote exprimé", "%(counter)s votes exprimés", count)
    assert text % {"counter": count} == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("nl", "Naar de inhoud"), ("en", "Skip to content")]
)
def test_interface_is_translated(language, expected):
    with translation.override(language):
        assert gettext("Aller au contenu") == expected
