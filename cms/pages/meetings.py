"""The meetings' pages: the list by year, and one meeting's facts, agenda and decisions."""

from __future__ import annotations

from typing import Any

from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models.base import paginate
from cms.models.minutes import published_minutes
from cms.pages.agenda import visible_agenda
from deliberation import selectors as deliberation_selectors
from deliberation.models import Meeting


def meeting_index(pages, request) -> dict[str, Any]:
    """Upcoming meetings, then past ones (most recent first), optionally for one year."""
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
