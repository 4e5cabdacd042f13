"""The demo's English tree: /en/ in English, its links in /en/, and the pages nobody has
translated (meetings, minutes) saying so in English while their French keeps lang="fr"."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from wagtail.models import Locale, Page

from cms.models import MeetingPage, MinutesPage, RecommendationPage
from tests.cms.demo.test_demo_site import sitemap_paths

pytestmark = pytest.mark.django_db

UNTRANSLATED = "This page has not been translated yet: it is only available in French."


class Links(HTMLParser):
    """The href of every link in the page's header, main content and footer."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")


def _find(pattern: str, html: str, group: int = 0) -> str:
    found = re.search(pattern, html, re.S)
    assert found, f"{pattern} not in the page"
    return found.group(group)


def html_lang(html: str) -> str:
    return _find(r'<html lang="([\w-]+)"', html, 1)


def main_tag(html: str) -> str:
    return _find(r"<main[^>]*>", html)


def h1(html: str) -> str:
    return unescape(_find(r"<h1[^>]*>(.*?)</h1>", html, 1).strip())


def test_english_home_is_in_english_and_its_links_stay_in_english(demo_site):
    html = Client().get("/en/").content.decode()
    assert html_lang(html) == "en"
    assert "lang=" not in main_tag(html)
    assert h1(html) == "Welcome to the digital advisory council"
    assert "What the council stands for" in html
    assert "Bienvenue au conseil consultatif" not in html
    assert "Ce que le conseil défend" not in html
    # The home's lists come from the English tree.
    assert "Put participation at the heart of digitisation" in html
    assert "The library&#x27;s EPN now opens on Saturday mornings" in html
    # What comes from the council's record (meetings, agendas, decisions) is French.
    assert re.search(r'<ol lang="fr"><li value=', html)
    assert re.search(r'<a href="/en/meetings/[\w-]+/" lang="fr">', html)
    nav = re.search(r'<nav aria-label="Main navigation">(.*?)</nav>', html, re.S).group(1)
    for title in ("Home", "The council", "Meetings", "Recommendations", "News"):
        assert f">{title}</a>" in nav
    assert "Séances" not in nav
    links = Links()
    links.feed(html)
    local = [
        href
        for href in links.hrefs
        if href.startswith("/") and not href.startswith(("/documents/", "/static/"))
    ]
    assert local
    # Only the language switcher leads out of the English site.
    outside = {href for href in local if not href.startswith("/en/")}
    assert outside == {"/", "/nl/"}
    assert "/en/accessibility/" in local
    # The French home is left as it was, and announces its English translation.
    french = Client().get("/").content.decode()
    assert html_lang(french) == "fr"
    assert h1(french) == "Bienvenue au conseil consultatif du numérique"
    assert "lang=" not in main_tag(french)
    assert UNTRANSLATED not in french
    assert 'lang="fr"' not in french[french.index("<main") : french.index("</main>")]
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in french


def test_every_english_page_in_the_sitemap_answers_in_english(demo_site):
    client = Client()
    paths = [path for path in sitemap_paths(client) if path.startswith("/en/")]
    english = Page.objects.live().public().filter(locale__language_code="en")
    assert len(paths) == english.count() > 20
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert html_lang(response.content.decode()) == "en", path


def test_translated_pages_have_english_content(demo_site):
    english = RecommendationPage.objects.filter(locale__language_code="en")
    assert english.count() == RecommendationPage.objects.filter(locale__language_code="fr").count()
    assert not english.filter(alias_of__isnull=False).exists()
    page = english.get(slug="multi-service-centres")
    html = Client().get(page.url).content.decode()
    assert h1(html) == "Open multi-service centres in the villages"
    assert "lang=" not in main_tag(html)
    assert UNTRANSLATED not in html
    assert "two multi-service centres next year" in html  # the follow-up, translated
    assert "In brief" in html


def test_untranslated_pages_say_so_and_keep_their_french(demo_site):
    from cms.models import MinutesApproval

    french = MeetingPage.objects.filter(locale__language_code="fr").live().first()
    english = MeetingPage.objects.get(
        translation_key=french.translation_key, locale__language_code="en"
    )
    assert english.alias_of_id == french.pk
    assert english.url.startswith("/en/meetings/")
    html = Client().get(english.url).content.decode()
    assert html_lang(html) == "en"
    assert 'lang="fr"' in main_tag(html)
    notice = re.search(r'<p class="message untranslated" lang="en">(.*?)</p>', html).group(1)
    assert notice == UNTRANSLATED
    # The French page itself: the title and the page's own headings, in French.
    assert h1(html) == french.title
    assert "Ordre du jour" in html
    # The site around it stays English.
    assert "Taking part without a computer" in html

    # Minutes too, with the same approval as the French original.
    approved = MinutesApproval.objects.select_related("minutes").first().minutes
    english = MinutesPage.objects.get(
        translation_key=approved.translation_key, locale__language_code="en"
    )
    html = Client().get(english.url).content.decode()
    french_html = Client().get(approved.url).content.decode()
    assert UNTRANSLATED in html
    assert UNTRANSLATED not in french_html
    main = html[html.index("<main") :]
    french_main = french_html[french_html.index("<main") :]
    # Same approval stated in the English tree as in the French.
    approval = re.search(r"Approuvé par le conseil le [^<]*", french_main).group(0)
    assert approval in main


def _language_links(html: str) -> dict[str, str]:
    menu = _find(r'<ul class="languages">(.*?)</ul>', html, 1)
    return dict(re.findall(r'<a href="([^"]+)" lang="([\w-]+)"', menu)[i][::-1] for i in range(3))


def test_the_language_menu_of_a_page_without_translation_leads_to_each_home(demo_site):
    """A page with no Dutch version offers the Dutch home, from any interface."""
    page = Page.objects.live().filter(locale__language_code="en").exclude(depth__lte=2).first()
    page.get_translation(Locale.objects.get(language_code="nl")).delete()
    html = Client().get(page.url).content.decode()
    links = _language_links(html)
    assert links["nl"] == "/nl/", links
    assert links["en"] == page.url, links


def test_the_contact_box_keeps_the_french_it_is_written_in(demo_site):
    """The contact settings are written once, in French: inside the English and Dutch
    interfaces their hours and addresses declare lang="fr" (WCAG 3.1.2)."""
    for path in ("/en/", "/nl/"):
        html = Client().get(path).content.decode()
        box = _find(r'<aside class="contact wrap".*?</aside>', html)
        assert re.search(r'<span lang="fr">[^<]*9 h', box), (path, box)
    html = Client().get("/").content.decode()
    assert 'lang="fr"' not in _find(r'<aside class="contact wrap".*?</aside>', html)
