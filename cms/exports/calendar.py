"""iCalendar (RFC 5545) for meetings, built with the icalendar package."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.http import HttpResponse
from django.utils.translation import gettext as _

from deliberation.models import Meeting

# A meeting without an end time is shown with this length in calendars.
DEFAULT_LENGTH = datetime.timedelta(hours=2)
_STATUS = {
    Meeting.State.DRAFT: "TENTATIVE",
    Meeting.State.CONVENED: "CONFIRMED",
    Meeting.State.IN_SESSION: "CONFIRMED",
    Meeting.State.CLOSED: "CONFIRMED",
}


def _location(meeting: Meeting) -> str:
    mode = meeting.get_mode_display()
    if meeting.mode == Meeting.Mode.ONLINE or not meeting.place:
        return str(mode)
    return f"{meeting.place} ({mode})"


def build(pages: Iterable, request, *, name: str) -> icalendar.Calendar:
    """One VEVENT per meeting page; `pages` come with their meeting select_related."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Conseil ouvert//Séances//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    host = request.get_host().split(":")[0]
    for page in pages:
        meeting = page.meeting
        url = page.get_full_url(request)
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", meeting.updated)
        event.add("last-modified", meeting.updated)
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end or meeting.start + DEFAULT_LENGTH)
        event.add("summary", meeting.title)
        event.add("location", _location(meeting))
        event.add("url", url)
        event.add(
            "description",
            _("Modalité : %(mode)s. Ordre du jour et suivi en direct : %(url)s")
            % {"mode": meeting.get_mode_display(), "url": url},
        )
        event.add("status", _STATUS.get(meeting.state, "CONFIRMED"))
        cal.add_component(event)
    return cal


def response(cal: icalendar.Calendar, *, filename: str) -> HttpResponse:
    result = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
