"""Follow-up of recommendations: status, counts, average response time, overdue ones."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import FollowUpStep, RecommendationPage
from cms.pages import follow_up
from tests.cms.conftest import add_recommendation

TODAY = datetime.date(2026, 6, 1)
URL = "/suivi-des-recommandations/"


def _day(days_before: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_before)


def _with_steps(index, n: int, steps) -> RecommendationPage:
    page = add_recommendation(index, n)
    page.follow_up_steps = [
        FollowUpStep(date=_day(days), kind=kind, status=status, text=text, sort_order=i)
        for i, (days, kind, status, text) in enumerate(steps)
    ]
    page.save_revision().publish()
    return page


@pytest.fixture
def frozen(monkeypatch, settings):
    settings.FOLLOW_UP_DAYS = 90
    monkeypatch.setattr(follow_up, "today", lambda: TODAY)


@pytest.fixture
def recommendations(recommendation_index, frozen):
    return {
        "implemented": _with_steps(
            recommendation_index,
            1,
            [
                (150, "sent", "pending", ""),
                (110, "response", "accepted", "Le collège accepte."),
                (20, "update", "implemented", "Chose faite."),
            ],
        ),
        "partly": _with_steps(
            recommendation_index,
            2,
            [(60, "sent", "pending", ""), (40, "response", "partly_accepted", "En partie.")],
        ),
        "overdue": _with_steps(recommendation_index, 3, [(91, "sent", "pending", "")]),
        "waiting": _with_steps(recommendation_index, 4, [(90, "sent", "pending", "")]),
        "not_sent": add_recommendation(recommendation_index, 5),
    }


def test_status_response_time_and_overdue_of_each_recommendation(recommendations):
    rows = {
        key: follow_up.follow_up_of(page, list(page.follow_up_steps.all()), TODAY)
        for key, page in recommendations.items()
    }
    assert rows["implemented"].status == "implemented"
    assert rows["implemented"].response_days == 40
    assert rows["partly"].status == "partly_accepted"
    assert rows["partly"].response_days == 20
    # 91 days without a response is past the 90-day limit; 90 days is not.
    assert rows["overdue"].overdue and rows["overdue"].waiting_days == 91
    assert not rows["waiting"].overdue and rows["waiting"].waiting_days == 90
    assert rows["not_sent"].status is None and not rows["not_sent"].overdue
    assert not rows["implemented"].overdue


def test_the_limit_is_a_setting(recommendations, settings):
    settings.FOLLOW_UP_DAYS = 30
    page = recommendations["partly"]
    steps = [s for s in page.follow_up_steps.all() if s.kind == "sent"]
    row = follow_up.follow_up_of(page, steps, TODAY)
    assert row.overdue and row.waiting_days == 60


def test_public_page_counts_by_status_average_and_flags_overdue(recommendations):
    response = Client().get(URL)
    assert response.status_code == 200
    context = response.context
    counts = {row["status"]: row["count"] for row in context["by_status"]}
    assert counts == {
        None: 1,
        "pending": 2,
        "answered": 0,
        "accepted": 0,
        "partly_accepted": 1,
        "rejected": 0,
        "implemented": 1,
    }
    assert context["average_response_days"] == 30  # (40 + 20) / 2
    newest = max(p.last_published_at for p in RecommendationPage.objects.live())
    assert context["updated"] == newest
    assert "Dernière mise à jour" in response.content.decode()
    assert [row.page.pk for row in context["overdue"]] == [recommendations["overdue"].pk]
    html = " ".join(response.content.decode().split())
    assert "Délai moyen de réponse du collège : 30 jours" in html
    assert "en retard : pas de réponse depuis 91 jours" in html
    assert html.count("en retard :") == 1
    assert "1 recommandation sans réponse après 90 jours." in html


def test_recommendation_page_shows_its_timeline_and_links_the_follow_up(recommendations):
    html = Client().get(recommendations["implemented"].url).content.decode()
    assert 'id="suivi"' in html
    assert "Le collège accepte." in html and "Chose faite." in html
    assert "Mise en œuvre" in html
    assert reverse("cms:follow_up") in html


def test_recommendations_index_links_the_follow_up(recommendation_index):
    html = Client().get(recommendation_index.url).content.decode()
    assert reverse("cms:follow_up") in html


def test_follow_up_page_query_count_does_not_grow(recommendation_index, frozen):
    client = Client()

    def count() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    steps = [(100, "sent", "pending", ""), (50, "response", "answered", "Reçu.")]
    for n in range(1, 3):
        _with_steps(recommendation_index, n, steps)
    few = count()
    for n in range(3, 23):
        _with_steps(recommendation_index, n, steps)
    assert count() == few


def test_empty_follow_up_page_says_so(home):
    response = Client().get(URL)
    assert response.status_code == 200
    assert "Aucune recommandation publiée." in response.content.decode()


def test_decision_permalink_links_the_follow_up(demo_site):
    from cms.archive.links import decision_url

    page = RecommendationPage.objects.live().filter(decision__isnull=False).first()
    html = Client().get(decision_url(page.decision)).content.decode()
    assert f"{page.url}#suivi" in html


def test_demo_covers_several_statuses(demo_site):
    response = Client().get(URL)
    statuses = {row.status for row in response.context["rows"]}
    assert {"implemented", "partly_accepted", "answered", "pending", None} <= statuses
    assert response.context["overdue"]
