import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.cms.conftest import add_news, add_recommendation


def parse(xml: bytes) -> ET.Element:
    # Our own feed, read back in a test: the XML-attack warning does not apply.
    return ET.fromstring(xml)  # noqa: S314


@pytest.fixture
def client():
    return Client()


def test_recommendations_rss_parses_and_lists_live_items_newest_first(client, recommendation_index):
    for n in range(3):
        add_recommendation(recommendation_index, n, summary=f"Résumé {n} <b>gras</b> & co")
    response = client.get("/flux/recommandations.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "Recommandation 2",
        "Recommandation 1",
        "Recommandation 0",
    ]
    assert items[0].findtext("link") == "http://testserver/recommandations/recommandation-2/"
    assert items[0].findtext("description") == "Résumé 2 <b>gras</b> & co"


def test_news_rss_parses(client, news_index):
    add_news(news_index, 1, title="Nouvel EPN")
    channel = parse(client.get("/flux/actualites.rss").content).find("channel")
    assert [i.findtext("title") for i in channel.findall("item")] == ["Nouvel EPN"]


def test_every_page_announces_both_feeds(client, home):
    html = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'href="/flux/actualites.rss"' in html
    assert 'href="/flux/recommandations.rss"' in html


def test_robots_txt_points_to_the_sitemap(client, home):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
