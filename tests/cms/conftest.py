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
