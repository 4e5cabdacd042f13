"""What each public page type tells search engines: one meta description taken from its own
content, an absolute canonical address, and its addresses in fr, nl and en (hreflang, with
x-default) when it exists in more than one language."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.text import Truncator
from wagtail.models import Locale

from cms.archive import views as archive
from cms.models import HomePage, MeetingPage, NewsPage, RecommendationPage, StandardPage
from deliberation.selectors.consultations import public_consultations
from tests.cms.conftest import add_news

HOST = "http://testserver"


class HeadReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.descriptions: list[str] = []
        self.canonicals: list[str] = []
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") == "description":
            self.descriptions.append(attributes.get("content") or "")
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonicals.append(attributes.get("href") or "")
        elif tag == "link" and attributes.get("rel") == "alternate" and "hreflang" in attributes:
            self.alternates[attributes["hreflang"] or ""] = attributes.get("href") or ""


def brief(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(160)


def head_of(path: str) -> HeadReader:
    response = Client().get(path)
    assert response.status_code == 200, path
    reader = HeadReader()
    reader.feed(response.content.decode())
    assert len(reader.descriptions) == 1, (path, reader.descriptions)
    assert len(reader.canonicals) == 1, (path, reader.canonicals)
    return reader


@pytest.fixture
def page_types(demo_site) -> dict[str, str]:
    decision = archive.public_decisions()[0]
    consultation = public_consultations()[0]
    french = {"locale__language_code": "fr"}
    meeting_page = MeetingPage.objects.live().filter(**french).first()
    return {
        "home": "/",
        "standard page": StandardPage.objects.live().get(slug="contact", **french).url,
        "meeting page": meeting_page.url,
        "recommendation": RecommendationPage.objects.live().filter(**french).first().url,
        "news": NewsPage.objects.live().filter(**french).first().url,
        "decisions": "/decisions/",
        "decision": archive.decision_url(decision),
        "consultations": "/consultations/",
        "consultation": f"/consultations/{consultation.pk}/",
        "live page": f"/seances/{meeting_page.meeting.pk}/direct/",
        "follow-up": "/suivi-des-recommandations/",
    }


def test_every_page_type_has_a_description_and_a_canonical_address(page_types):
    descriptions = {}
    for name, path in page_types.items():
        head = head_of(path)
        description = head.descriptions[0]
        assert 20 <= len(description) <= 160, (name, description)
        assert head.canonicals == [HOST + path], name
        descriptions[name] = description
    # Each page speaks of itself, not the site's default sentence over and over.
    assert len(set(descriptions.values())) == len(descriptions), descriptions


def test_a_description_comes_from_the_page_search_description_then_summary_then_intro(
    demo_site,
):
    recommendation = RecommendationPage.objects.live().first()
    assert recommendation.summary and not recommendation.search_description
    assert head_of(recommendation.url).descriptions == [brief(recommendation.summary)]
    recommendation.search_description = "Ce que la recommandation demande, en une phrase."
    recommendation.save_revision().publish()
    assert head_of(recommendation.url).descriptions == [recommendation.search_description]
    news = NewsPage.objects.live().first()
    assert news.intro and not news.search_description
    assert head_of(news.url).descriptions == [brief(news.intro)]


def test_views_beside_the_pages_name_their_three_languages(page_types):
    for name in ("decisions", "decision", "consultations", "consultation", "live page"):
        path = page_types[name]
        head = head_of(path)
        assert head.alternates == {
            "fr": HOST + path,
            "nl": HOST + "/nl" + path,
            "en": HOST + "/en" + path,
            "x-default": HOST + path,
        }, name
        dutch = head_of("/nl" + path)
        assert dutch.canonicals == [HOST + "/nl" + path], name
        assert dutch.alternates == head.alternates, name


def test_a_translated_page_names_its_translations(demo_site):
    home = HomePage.objects.get(locale__language_code="fr")
    head = head_of("/")
    translations = {p.locale.language_code: p.url for p in home.get_translations(inclusive=True)}
    assert {"fr", "nl"} <= set(translations)
    assert head.alternates == {
        **{code: HOST + url for code, url in translations.items()},
        "x-default": HOST + "/",
    }


def test_an_untranslated_alias_names_its_original_and_is_no_alternate(news_index):
    news = add_news(news_index, 1)
    english = Locale.objects.get_or_create(language_code="en")[0]
    alias = news.copy_for_translation(english, copy_parents=True, alias=True)
    assert alias.alias_of_id == news.pk
    head = head_of(alias.url)
    assert head.canonicals == [HOST + news.url]
    assert "en" not in head.alternates
    assert head_of(news.url).canonicals == [HOST + news.url]
