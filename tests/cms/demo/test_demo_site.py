"""The demo's whole site: every page in the sitemap answers, search finds the demo's
recommendations, the Dutch home page is announced with hreflang."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest
from django.test import Client
from wagtail.models import Page

from cms.archive import views as archive
from cms.models import (
    CouncilPage,
    HomePage,
    MeetingIndexPage,
    MeetingPage,
    NewsPage,
    RecommendationPage,
    StandardPage,
)
from deliberation.models import Decision
from deliberation.selectors.consultations import public_consultations


def sitemap_paths(client: Client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    # Our own sitemap, read back in a test.
    root = ET.fromstring(response.content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [urlparse(loc.text or "").path for loc in root.findall("s:url/s:loc", ns)]


def test_sitemap_lists_every_public_page_and_each_answers(demo_site):
    client = Client()
    paths = sitemap_paths(client)
    public = Page.objects.live().public().filter(depth__gt=1)
    records = {"/decisions/", "/suivi-des-recommandations/", "/consultations/"}
    records |= {archive.decision_url(d) for d in archive.public_decisions()}
    records |= {f"/consultations/{c.pk}/" for c in public_consultations()}
    assert len(paths) == len(set(paths))
    expected = {urlparse(page.get_url()).path for page in public} | records
    assert set(paths) == expected
    assert "/nl/" in paths
    # A closed-session item's decision is in the chain, not in the public sitemap.
    private = Decision.objects.filter(agenda_item__is_public=False)
    assert not {archive.decision_url(d) for d in private} & set(paths)
    for path in paths:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("language", ["fr", "en"])
def test_demo_builds_every_page_type(demo_site, language):
    assert HomePage.objects.filter(locale__language_code="nl").live().exists()

    def live(model):
        return model.objects.live().filter(locale__language_code=language)

    assert live(HomePage).count() == 1
    assert live(CouncilPage).count() == 1
    assert live(RecommendationPage).count() == 5
    assert all(p.summary for p in RecommendationPage.objects.all())
    assert live(NewsPage).count() == 2
    assert live(MeetingIndexPage).count() == 1
    assert live(MeetingPage).count() >= 4
    assert "contact" in set(live(StandardPage).values_list("slug", flat=True))
    assert StandardPage.objects.filter(slug="accessibilite", locale__language_code="fr").exists()
    # Recommendations that come out of a vote point to their decision.
    assert RecommendationPage.objects.filter(decision__isnull=False).exists()


def test_search_finds_a_demo_recommendation_by_a_word_of_its_body(demo_site):
    html = Client().get("/recherche/", {"q": "plateformes"}).content.decode()
    assert "Mettre la participation au cœur de la numérisation" in html


def test_home_announces_its_dutch_translation(demo_site):
    client = Client()
    french = client.get("/").content.decode()
    assert '<html lang="fr">' in french
    assert '<link rel="alternate" hreflang="nl" href="http://testserver/nl/">' in french
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/">' in french
    dutch = client.get("/nl/")
    assert dutch.status_code == 200
    html = dutch.content.decode()
    assert '<html lang="nl">' in html
    assert "Welkom bij de adviesraad voor digitalisering" in html


@pytest.mark.parametrize("path", ["/recherche/", "/flux/actualites.rss", "/seances/"])
def test_shared_views_answer_in_every_language(demo_site, path):
    client = Client()
    for prefix in ("", "/nl", "/en"):
        url = prefix + path
        if path == "/seances/" and prefix:
            continue  # the meetings pages are not translated in the demo
        assert client.get(url).status_code == 200, url


def test_the_home_page_says_each_heading_once(demo_site):
    html = Client().get("/").content.decode()
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    assert headings and len(headings) == len(set(headings)), headings
