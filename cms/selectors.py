"""Reads the public pages need, each a fixed number of queries whatever the content size."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

HOME_LIST_SIZE = 3


def latest_recommendations(root: Page, limit: int = HOME_LIST_SIZE):
    from cms.models import RecommendationPage

    return list(
        RecommendationPage.objects.descendant_of(root)
        .live()
        .public()
        .order_by("-date", "-pk")[:limit]
    )


def latest_news(root: Page, limit: int = HOME_LIST_SIZE):
    from cms.models import NewsPage

    return list(
        NewsPage.objects.descendant_of(root).live().public().order_by("-date", "-pk")[:limit]
    )


def home_highlights(home: Page) -> dict[str, Any]:
    return {
        "latest_recommendations": latest_recommendations(home),
        "latest_news": latest_news(home),
    }
