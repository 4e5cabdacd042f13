"""The demo's Dutch tree: the Dutch interface reaches every section of the site in Dutch, its
home lists what the French one does, and what nobody translated says so in Dutch while its
French keeps lang="fr"."""

import re

import pytest
from django.test import Client

from tests.cms.demo.test_english_site import _find, h1, html_lang, main_tag

pytestmark = pytest.mark.django_db

UNTRANSLATED = "Deze pagina is nog niet vertaald: ze bestaat alleen in het Frans."
SECTIONS = {
    "/nl/raad/": "De raad",
    "/nl/vergaderingen/": "Vergaderingen",
    "/nl/aanbevelingen/": "Aanbevelingen",
    "/nl/nieuws/": "Nieuws",
    "/nl/contact/": "Contact",
    "/nl/toegankelijkheid/": "Toegankelijkheidsverklaring",
}


def test_the_dutch_menu_reaches_every_section_in_dutch(demo_site):
    html = Client().get("/nl/").content.decode()
    assert html_lang(html) == "nl"
    menu = _find(r'<nav aria-label="Hoofdnavigatie">(.*?)</nav>', html, 1)
    for path, title in SECTIONS.items():
        if path != "/nl/toegankelijkheid/":
            assert f'href="{path}"' in menu, path
        page = Client().get(path)
        assert page.status_code == 200, path
        assert h1(page.content.decode()) == title, path
        assert "lang=" not in main_tag(page.content.decode()), path


def test_the_dutch_home_lists_what_the_french_one_does(demo_site):
    french = Client().get("/").content.decode()
    dutch = Client().get("/nl/").content.decode()
    for section in ("next-meeting", "latest-recommendations", "latest-decisions", "latest-news"):
        assert f'id="{section}"' in french, section
        assert f'id="{section}"' in dutch, section
    # The recommendations nobody translated are listed in French, and say so.
    listed = re.findall(r'<a href="/nl/aanbevelingen/[^"]+" lang="fr">', dutch)
    assert len(listed) == 3, listed
    # The participation section is said once (the template's, not again in the body).
    assert dutch.count("deelnemen") == 1


def test_an_untranslated_dutch_page_says_so_and_keeps_its_french(demo_site):
    html = Client().get("/nl/aanbevelingen/maisons-multiservices/").content.decode()
    assert html_lang(html) == "nl"
    assert 'lang="fr"' in main_tag(html)
    assert UNTRANSLATED in html
    assert h1(html) == "Ouvrir des maisons multiservices dans les villages"
