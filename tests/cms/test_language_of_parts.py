import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "interface", "content"),
    [("/", "fr", None), ("/nl/", "nl", None), ("/en/", "en", "fr")],
)
def test_untranslated_content_declares_its_own_language(client, demo_site, url, interface, content):
    # WCAG 3.1.2: the English interface shows the French home (no English translation yet),
    # so the main content must say it is French.
    html = client.get(url).content.decode()
    assert re.search(r'<html lang="(\w+)"', html).group(1) == interface
    main = re.search(r"<main[^>]*>", html).group(0)
    if content:
        assert f'lang="{content}"' in main
    else:
        assert "lang=" not in main
