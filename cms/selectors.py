"""Reads the public pages need, each a fixed number of queries whatever the content size.

Deliberation's state is read through deliberation.selectors where one fits; the queries
here are the publication's own views of it (which meetings have a published page, what a
visitor may see of an agenda)."""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from deliberation import selectors as deliberation_selectors
from deliberation.models import AgendaItem, Meeting

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


def meeting_pages(root: Page):
    """Published meeting pages under root, with their meeting, in chronological order."""
    from cms.models import MeetingPage

    return (
        MeetingPage.objects.descendant_of(root)
        .live()
        .public()
        .select_related("meeting")
        .order_by("meeting__start", "pk")
    )


def next_meeting_page(root: Page):
    return meeting_pages(root).filter(meeting__start__gte=timezone.now()).first()


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


def meeting_index(index: Page, request) -> dict[str, Any]:
    """Upcoming meetings, then past ones (most recent first), optionally for one year."""
    from cms.models import paginate

    pages = meeting_pages(index)
    local_year = ExtractYear("meeting__start", tzinfo=timezone.get_current_timezone())
    years = sorted(
        set(pages.annotate(year=local_year).values_list("year", flat=True)), reverse=True
    )
    raw_year = request.GET.get("annee", "")
    year: int | None = None
    error = ""
    if raw_year:
        if raw_year.isdigit() and int(raw_year) in years:
            year = int(raw_year)
        else:
            error = _(
                "Aucune séance n'est publiée pour l'année demandée. Voici toutes les séances."
            )
    if year is not None:
        pages = pages.filter(meeting__start__year=year)
    now = timezone.now()
    upcoming = list(pages.filter(meeting__start__gte=now))
    past = paginate(
        request, pages.filter(meeting__start__lt=now).order_by("-meeting__start", "-pk")
    )
    return {
        "years": years,
        "year": year,
        "year_error": error,
        "upcoming": upcoming,
        "past": past,
        "query_string": f"annee={year}" if year else "",
    }


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, documents included, in two queries."""
    return list(
        meeting.agenda_items.all()
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("documents"))
    )


def visible_agenda(meeting: Meeting, user) -> list[dict[str, Any]]:
    """Each item with what this visitor may read of it: a closed item is a title only,
    except for those the deliberation rules let in (members, secretariat, observers)."""
    rows = []
    for item in meeting_agenda(meeting):
        full = item.is_public or (
            getattr(user, "is_authenticated", False)
            and user.has_perm("deliberation.view_item", item)
        )
        rows.append({"item": item, "full": full})
    return rows


def meeting_page_context(meeting: Meeting, user) -> dict[str, Any]:
    decisions = [
        d for d in deliberation_selectors.decisions_for(meeting) if d.agenda_item.is_public
    ]
    return {
        "meeting": meeting,
        "agenda": visible_agenda(meeting, user),
        "decisions": decisions,
        "is_upcoming": meeting.start >= timezone.now(),
        "has_live_room": meeting.state in (Meeting.State.CONVENED, Meeting.State.IN_SESSION),
        "minutes": published_minutes(meeting),
    }


# --- Minutes -------------------------------------------------------------------------------


def published_minutes(meeting: Meeting):
    from cms.models import MinutesPage
    from cms.translation import in_reader_language

    return in_reader_language(MinutesPage.objects.live().public().filter(meeting=meeting))


def minutes_context(page) -> dict[str, Any]:
    """A minutes page's decisions (read from the immutable records, not the editable text)
    and its approval by the council, in three queries."""
    from cms.archive import decision_url
    from cms.models import MinutesApproval

    decisions = list(
        deliberation_selectors.public_decisions()
        .filter(meeting_id=page.meeting_id)
        .select_related("council")
        .order_by("position")
    )
    for decision in decisions:
        decision.url = decision_url(decision)  # type: ignore[attr-defined]
    approval = (
        MinutesApproval.objects.filter(minutes__translation_key=page.translation_key)
        .select_related("decision__council")
        .first()
    )
    parent = page.get_parent()
    return {
        "meeting": page.meeting,
        "meeting_page": parent if parent.live else None,
        "decisions": decisions,
        "approval": approval,
        "approval_url": decision_url(approval.decision) if approval else None,
    }


# --- Follow-up of recommendations ----------------------------------------------------------


@dataclasses.dataclass
class FollowUp:
    page: Any
    url: str
    steps: list[Any]
    sent_on: datetime.date | None
    answered_on: datetime.date | None
    status: str | None
    status_label: str
    overdue: bool
    waiting_days: int | None

    @property
    def response_days(self) -> int | None:
        if self.sent_on and self.answered_on:
            return (self.answered_on - self.sent_on).days
        return None


def today() -> datetime.date:
    """The date overdue follow-ups are counted from (a seam for tests)."""
    return timezone.localdate()


def follow_up_days() -> int:
    return int(getattr(settings, "FOLLOW_UP_DAYS", 90))


def follow_up_of(page, steps: list[Any], today: datetime.date, url: str = "") -> FollowUp:
    from cms.models import FollowUpStep

    ordered = sorted(steps, key=lambda s: (s.date, s.sort_order or 0, s.pk or 0))
    sent_on = next((s.date for s in ordered if s.kind == FollowUpStep.Kind.SENT), None)
    answered_on = next(
        (
            s.date
            for s in ordered
            if s.kind == FollowUpStep.Kind.RESPONSE and (sent_on is None or s.date >= sent_on)
        ),
        None,
    )
    status = ordered[-1].status if ordered else None
    label = FollowUpStep.Status(status).label if status else _("pas encore transmise au collège")
    waiting = (today - sent_on).days if sent_on and not answered_on else None
    overdue = waiting is not None and waiting > follow_up_days()
    return FollowUp(page, url, ordered, sent_on, answered_on, status, str(label), overdue, waiting)


def follow_ups(request, on: datetime.date | None = None) -> dict[str, Any]:
    """Every published recommendation with its follow-up, counts by status, the average
    response time and the overdue ones: two queries whatever the number of recommendations."""
    from cms.models import FollowUpStep, RecommendationPage

    on = on or today()
    pages = list(
        RecommendationPage.objects.live()
        .public()
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .prefetch_related("follow_up_steps")
        .order_by("-date", "-pk")
    )
    rows = [
        follow_up_of(page, list(page.follow_up_steps.all()), on, page.get_url(request) or "")
        for page in pages
    ]
    counts = Counter(row.status for row in rows)
    by_status = [
        {"status": None, "label": _("pas encore transmise au collège"), "count": counts[None]},
        *(
            {"status": value, "label": label, "count": counts[value]}
            for value, label in FollowUpStep.Status.choices
        ),
    ]
    durations = [row.response_days for row in rows if row.response_days is not None]
    return {
        "rows": rows,
        "by_status": by_status,
        "answered_count": len(durations),
        "average_response_days": round(sum(durations) / len(durations)) if durations else None,
        "overdue": [row for row in rows if row.overdue],
        "follow_up_days": follow_up_days(),
        "today": on,
        # Steps are edited on their recommendation's page: its publication dates the list.
        "updated": max((p.last_published_at for p in pages if p.last_published_at), default=None),
    }
