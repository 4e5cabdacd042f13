"""Speaking time: how long a speaker may speak, who goes first, how time spoken reads.

The server keeps the clock: a turn's start and deadline are stored when the floor is given,
and pages only count down to the deadline they were sent. Rules live here once, for the
actions, the selectors, the pages and the minutes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation.models import SpeakerRequest

# Points of order interrupt the debate; a reply answers the speech that was just made: both
# go before the ordinary speakers, points of order first, each kind in order of request.
PRIORITY: dict[str, int] = {
    SpeakerRequest.Kind.POINT_OF_ORDER: 0,
    SpeakerRequest.Kind.REPLY: 1,
    SpeakerRequest.Kind.SPEECH: 2,
}

MAX_SECONDS = 2 * 3600


def queue_order(requests: Iterable[SpeakerRequest]) -> list[SpeakerRequest]:
    """The waiting list in the order the floor is given."""
    return sorted(requests, key=lambda r: (PRIORITY.get(r.kind, 2), r.requested_at, r.pk))


def time_limit(turn: SpeakerRequest) -> int | None:
    """Seconds the speaker may speak (None: no limit): theirs, else the item's, else the
    meeting's. Zero at any level means no limit."""
    item = turn.agenda_item
    for value in (turn.time_limit, item.speaking_time, item.meeting.speaking_time):
        if value is not None:
            return value or None
    return None


def deadline_for(turn: SpeakerRequest) -> datetime.datetime | None:
    limit = time_limit(turn)
    if limit is None or turn.started_at is None:
        return None
    return turn.started_at + datetime.timedelta(seconds=limit)


def seconds_between(start: datetime.datetime | None, end: datetime.datetime) -> int | None:
    if start is None:
        return None
    return max(0, round((end - start).total_seconds()))


def duration(seconds: int | None) -> str:
    """ "3 min 05 s", "45 s", "2 min": for people, in the active language."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return ngettext("%(s)s s", "%(s)s s", rest) % {"s": rest}
    if not rest:
        return ngettext("%(m)s min", "%(m)s min", minutes) % {"m": minutes}
    return _("%(m)s min %(s)02d s") % {"m": minutes, "s": rest}


def parse_minutes(value: object) -> int:
    """Minutes typed by the chair (“3”, “2,5”, “1:30”) as seconds; ValueError if not one."""
    text = str(value).strip().replace(",", ".")
    if ":" in text:
        minutes, _sep, seconds = text.partition(":")
        total = int(minutes or 0) * 60 + int(seconds or 0)
        if not 0 <= int(seconds or 0) < 60:
            raise ValueError(text)
    else:
        total = round(float(text) * 60)
    if not 0 <= total <= MAX_SECONDS:
        raise ValueError(text)
    return total
