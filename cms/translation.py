"""One page tree per language, with Wagtail's own translation tools.

A page that nobody has translated yet still has its place in the other trees, as a Wagtail
alias of the original: it keeps the original's text (and follows it at each publication)
and says, in the reader's language, that it exists in that language only."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language
from wagtail.models import Page


def content_language(page: Page | None) -> str:
    """The language a page's own text is written in: an alias shows its original's text."""
    if page is None or not getattr(page, "locale_id", None):
        return get_language() or settings.LANGUAGE_CODE
    source = page.alias_of if page.alias_of_id else page
    return source.locale.language_code


def alias_in_other_trees(page: Page) -> list[Page]:
    """Give a new page its place in every other language's tree where its parent has a
    translation: an alias until someone translates it."""
    parent = page.get_parent()
    aliases = []
    for translated_parent in parent.get_translations().select_related("locale"):
        if not page.has_translation(translated_parent.locale):
            aliases.append(page.copy_for_translation(translated_parent.locale, alias=True))
    return aliases


def in_reader_language(pages: QuerySet) -> Page | None:
    """Of the pages that present one thing in several trees, the one in the active
    language, else the original in the default language."""
    language = get_language() or settings.LANGUAGE_CODE
    for code in (language, settings.LANGUAGE_CODE):
        page = pages.filter(locale__language_code=code).first()
        if page is not None:
            return page
    return pages.first()
