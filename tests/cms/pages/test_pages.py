import re

import pytest
from django.test import Client

from council.models import Role
from tests.cms.conftest import add_news, add_recommendation
from tests.factories import make_membership, make_user


@pytest.fixture
def client():
    return Client()


def test_home_lists_latest_recommendations_news_and_ways_to_take_part(
    client, home, recommendation_index, news_index
):
    add_recommendation(recommendation_index, 1, title="Garder les guichets")
    add_news(news_index, 1, title="Séance publique en mars")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Garder les guichets" in html
    assert "Séance publique en mars" in html
    for way in ("En ligne", "Par téléphone", "Au guichet", "espace public numérique"):
        assert way in html
    assert "Dernière mise à jour" in html


def test_council_page_lists_current_mandates_in_role_order(client, council_page, council):
    make_membership(Role.MEMBER, council, make_user(first_name="Zoé", last_name="Arnaud"))
    make_membership(
        Role.CHAIR, council, make_user(first_name="Marie", last_name="Lambert"), organisation="LDF"
    )
    gone = make_user(first_name="Ancien", last_name="Membre")
    import datetime

    make_membership(Role.MEMBER, council, gone, end=datetime.date(2021, 1, 1))
    response = client.get(council_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert text.index("Marie Lambert — LDF") < text.index("Zoé Arnaud")
    assert "Ancien Membre" not in html
    assert "Présidence" in html


def test_recommendation_index_and_page(client, recommendation_index):
    rec = add_recommendation(recommendation_index, 1, summary="Un guichet reste ouvert.")
    index = client.get(recommendation_index.url)
    assert index.status_code == 200
    assert rec.title in index.content.decode()
    page = client.get(rec.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "En bref" in html and "Un guichet reste ouvert." in html


def test_news_index_and_page(client, news_index):
    item = add_news(news_index, 1)
    assert client.get(news_index.url).status_code == 200
    response = client.get(item.url)
    assert response.status_code == 200
    assert "Texte de l&#x27;actualité 1." in response.content.decode() or "actualité 1" in (
        response.content.decode()
    )


def test_draft_recommendation_is_not_listed(client, recommendation_index):
    from cms.models import RecommendationPage

    draft = RecommendationPage(title="Brouillon secret", slug="brouillon", summary="x", body=[])
    recommendation_index.add_child(instance=draft)
    draft.unpublish()
    assert "Brouillon secret" not in client.get(recommendation_index.url).content.decode()
    assert client.get("/recommandations/brouillon/").status_code == 404


@pytest.mark.parametrize("page_param", ["0", "-1", "999999", "abc", "1" * 5000, "%00"])
def test_wrong_page_numbers_give_a_page_not_an_error(client, recommendation_index, page_param):
    for n in range(12):
        add_recommendation(recommendation_index, n)
    response = client.get(recommendation_index.url, {"page": page_param})
    assert response.status_code == 200
    assert "Page " in response.content.decode()
