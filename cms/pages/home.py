"""The home page's highlights: the next meeting, the latest recommendations, decisions
and news."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from cms.models.base import HOME_LIST_SIZE
from cms.models.meetings import meeting_pages, next_meeting_page
from cms.models.news import latest_news
from cms.models.recommendations import latest_recommendations
from cms.pages.agenda import meeting_agenda
from deliberation import selectors as deliberation_selectors


def latest_decisions(root: Page, limit: int = HOME_LIST_SIZE) -> list[dict[str, Any]]:
    """Decisions on public items of meetings that have a published page."""
    pages = {page.meeting_id: page for page in meeting_pages(root)}
    decisions = (
        deliberation_selectors.public_decisions()
        .filter(meeting_id__in=list(pages))
        .select_related("agenda_item")
        .order_by("-closed_at", "-pk")[:limit]
    )
    return [{"decision": d, "page": pages[d.meeting_id]} for d in decisions]


def home_highlights(home: Page) -> dict[str, Any]:
    next_page = next_meeting_page(home)
    return {
        "next_meeting_page": next_page,
        "next_meeting_items": meeting_agenda(next_page.meeting) if next_page else [],
        "latest_recommendations": latest_recommendations(home),
        "latest_decisions": latest_decisions(home),
        "latest_news": latest_news(home),
    }
