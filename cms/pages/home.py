"""The home page's highlights: the next meeting, the latest recommendations, decisions
and news.

Three queries whatever the site holds: the latest decisions (with the id of their
meeting's page), every page the home page lists (one query on the page tree, each page
with its own type's fields joined in), and the next meeting's agenda. Wagtail's
`.public()` would add a query per list (it reads every view restriction first): the
restrictions under the home page are read once, with those that apply to it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cms.models.base import HOME_LIST_SIZE
from cms.models.meetings import MeetingPage
from cms.models.news import NewsPage
from cms.models.recommendations import RecommendationPage
from deliberation import selectors as deliberation_selectors
from deliberation.models import AgendaItem

# The subclasses the home page lists, joined to the page tree in the same query.
LISTED_TYPES = ("meetingpage", "recommendationpage", "newspage")
# What the home page shows of them (a page's address: its path and locale), the rest of
# their columns left unread.
LISTED_FIELDS = (
    "title",
    "url_path",
    "locale__language_code",
    "alias_of__locale__language_code",
    "meetingpage__meeting__title",
    "meetingpage__meeting__start",
    "meetingpage__meeting__place",
    "meetingpage__meeting__mode",
    "recommendationpage__date",
    "recommendationpage__summary",
    "newspage__date",
)


def restricted_paths(root: Page) -> list[str]:
    """The paths of the pages under `root` (itself included) that have a view restriction.
    Serving the home page reads them already (`HomePage.get_view_restrictions`)."""
    paths = getattr(root, "restricted_paths", None)
    if paths is None:
        paths = list(
            PageViewRestriction.objects.filter(page__path__startswith=root.path).values_list(
                "page__path", flat=True
            )
        )
    return paths


def published_under(model: type[Page], root: Page, restricted: list[str]) -> QuerySet:
    """Live pages under `root`, none at or under a view restriction: Wagtail's
    `.public()`, without its query."""
    pages = model.objects.descendant_of(root).live()
    for path in restricted:
        pages = pages.exclude(path__startswith=path)
    return pages


def latest_decisions(root: Page, restricted: list[str], limit: int = HOME_LIST_SIZE) -> list[Any]:
    """Decisions on public items of meetings that have a published page; each carries the
    id of that page (`page_id`)."""
    pages = published_under(MeetingPage, root, restricted)
    return list(
        deliberation_selectors.public_decisions()
        .filter(meeting_id__in=pages.values("meeting_id"))
        .annotate(
            page_id=Subquery(
                pages.filter(meeting_id=OuterRef("meeting_id")).order_by("pk").values("pk")[:1]
            )
        )
        .only("question", "outcome", "closed_at")
        .order_by("-closed_at", "-pk")[:limit]
    )


def _specific(page: Page, name: str) -> Any:
    try:
        return getattr(page, name)
    except ObjectDoesNotExist:
        return None


def next_agenda(page: MeetingPage | None) -> list[AgendaItem]:
    """The agenda's titles in order (the home page shows no documents)."""
    if page is None:
        return []
    return list(
        AgendaItem.objects.filter(meeting_id=page.meeting_id)
        .only("title", "number", "sort_order")
        .order_by("sort_order", "pk")
    )


def prime_home(home: Page, row: Page) -> None:
    """Hand the home page its locale, or its original with its locale, read with the list."""
    if row.pk == home.pk:
        Page.locale.field.set_cached_value(home, row.locale)
    else:
        Page.alias_of.field.set_cached_value(home, row)


def home_highlights(home: Page) -> dict[str, Any]:
    now = timezone.now()
    restricted = restricted_paths(home)
    decisions = latest_decisions(home, restricted)
    next_meeting = (
        published_under(MeetingPage, home, restricted)
        .filter(meeting__start__gte=now)
        .order_by("meeting__start", "pk")
    )
    recommendations = published_under(RecommendationPage, home, restricted).order_by("-date", "-pk")
    news = published_under(NewsPage, home, restricted).order_by("-date", "-pk")
    listed = (
        Page.objects.filter(
            Q(pk__in=next_meeting.values("pk")[:1])
            | Q(pk__in=recommendations.values("pk")[:HOME_LIST_SIZE])
            | Q(pk__in=news.values("pk")[:HOME_LIST_SIZE])
            | Q(pk__in=[d.page_id for d in decisions])
            # The home page itself (and the original it is an alias of): the frame asks
            # their locale for the page's language.
            | Q(pk__in=[home.pk, home.alias_of_id or home.pk])
        )
        .select_related("locale", "alias_of__locale", "meetingpage__meeting", *LISTED_TYPES[1:])
        .only(*LISTED_FIELDS)
        .order_by("pk")
    )
    meeting_pages: dict[int, MeetingPage] = {}
    found: dict[str, list[Any]] = {"recommendationpage": [], "newspage": []}
    for page in listed:
        if page.pk in (home.pk, home.alias_of_id):
            prime_home(home, page)
            continue
        meeting_page = _specific(page, "meetingpage")
        if meeting_page is not None:
            meeting_pages[page.pk] = meeting_page
            continue
        for name, pages in found.items():
            specific = _specific(page, name)
            if specific is not None:
                pages.append(specific)
    # The earliest upcoming meeting among those read is the next one: it was read.
    upcoming = sorted(
        (p for p in meeting_pages.values() if p.meeting.start >= now),
        key=lambda p: (p.meeting.start, p.pk),
    )
    next_page = upcoming[0] if upcoming else None

    def newest(pages: list[Any]) -> list[Any]:
        return sorted(pages, key=lambda p: (p.date, p.pk), reverse=True)

    return {
        "next_meeting_page": next_page,
        "next_meeting_items": next_agenda(next_page),
        "latest_recommendations": newest(found["recommendationpage"]),
        "latest_decisions": [
            {"decision": d, "page": meeting_pages[d.page_id]}
            for d in decisions
            if d.page_id in meeting_pages
        ],
        "latest_news": newest(found["newspage"]),
    }
