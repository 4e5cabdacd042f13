import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "interface", "content"),
    [("/", "fr", None), ("/nl/", "nl", None), ("/en/", "en", None)],
)
def test_untranslated_content_declares_its_own_language(client, demo_site, url, interface, content):
    # WCAG 3.1.2: each home is written in its interface's language; a page that is not
    # translated declares its own (tests/cms/demo/test_english_site.py).
    html = client.get(url).content.decode()
    assert re.search(r'<html lang="(\w+)"', html).group(1) == interface
    main = re.search(r"<main[^>]*>", html).group(0)
    if content:
        assert f'lang="{content}"' in main
    else:
        assert "lang=" not in main
