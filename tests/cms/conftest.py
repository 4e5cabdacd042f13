import datetime

import pytest

from cms.demo import seed_site
from cms.models import (
    CouncilPage,
    NewsIndexPage,
    NewsPage,
    RecommendationIndexPage,
    RecommendationPage,
)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_recommendation(index, n: int, **fields) -> RecommendationPage:
    defaults = {
        "title": f"Recommandation {n}",
        "slug": f"recommandation-{n}",
        "date": datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        "summary": f"En bref, la recommandation {n}.",
        "body": [("paragraph", f"<p>Texte de la recommandation {n}.</p>")],
    }
    return publish(index, RecommendationPage(**{**defaults, **fields}))


def add_news(index, n: int, **fields) -> NewsPage:
    defaults = {
        "title": f"Actualité {n}",
        "slug": f"actualite-{n}",
        "date": datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        "intro": f"Résumé de l'actualité {n}.",
        "body": [("paragraph", f"<p>Texte de l'actualité {n}.</p>")],
    }
    return publish(index, NewsPage(**{**defaults, **fields}))


@pytest.fixture
def home(db):
    return seed_site()


@pytest.fixture
def council_page(home, council):
    return publish(
        home,
        CouncilPage(title="Le conseil", slug="conseil", council=council, intro="Qui nous sommes."),
    )


@pytest.fixture
def recommendation_index(home):
    return publish(home, RecommendationIndexPage(title="Recommandations", slug="recommandations"))


@pytest.fixture
def news_index(home):
    return publish(home, NewsIndexPage(title="Actualités", slug="actualites"))


def add_meeting(council, index, n: int, *, start=None, items=None, publish_page=True, **fields):
    """A meeting written through deliberation's action, and its published page."""
    from django.utils import timezone

    from cms.models import MeetingPage
    from deliberation.actions import do_create_meeting
    from deliberation.models import AgendaItem

    start = start or timezone.now() + datetime.timedelta(days=n)
    meeting = do_create_meeting(
        council,
        title=fields.pop("title", f"Séance {n}"),
        start=start,
        place=fields.pop("place", "Salle du conseil, hôtel de ville"),
        items=items
        if items is not None
        else [
            (f"Point public {n}", AgendaItem.Kind.DEBATE, f"Description publique {n}."),
            (f"Point décision {n}", AgendaItem.Kind.DECISION, "Texte soumis."),
        ],
        acting_user=None,
        **fields,
    )
    page = MeetingPage(title=meeting.title, slug=f"seance-{n}", meeting=meeting)
    if publish_page:
        publish(index, page)
    else:
        page.live = False
        index.add_child(instance=page)
    return meeting, page


@pytest.fixture
def meeting_index(home):
    from cms.models import MeetingIndexPage

    return publish(home, MeetingIndexPage(title="Séances", slug="seances"))
