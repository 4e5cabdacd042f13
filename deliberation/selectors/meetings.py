"""A meeting's agenda, its speakers' list, and the state every room shows at the top."""

from __future__ import annotations

import dataclasses

from deliberation import timekeeping
from deliberation.models import (
    AgendaItem,
    Ballot,
    Meeting,
    SpeakerRequest,
)
from deliberation.selectors.ballots import open_ballot_for, votes_cast
from deliberation.selectors.seats import Presence, presence


def meeting_for_update(meeting_id: int) -> Meeting:
    meeting: Meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    return meeting


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.all().order_by("sort_order", "pk"))


@dataclasses.dataclass(frozen=True)
class Speakers:
    current: SpeakerRequest | None
    queue: list[SpeakerRequest]
    done: list[SpeakerRequest]


def speakers(item: AgendaItem) -> Speakers:
    requests = list(
        SpeakerRequest.objects.filter(agenda_item=item)
        .exclude(state=SpeakerRequest.State.REMOVED)
        .select_related("membership__user")
        .order_by("requested_at", "pk")
    )
    current = next((r for r in requests if r.state == SpeakerRequest.State.SPEAKING), None)
    # Points of order and replies first (deliberation.timekeeping).
    queue = timekeeping.queue_order(r for r in requests if r.state == SpeakerRequest.State.WAITING)
    done = [r for r in requests if r.state == SpeakerRequest.State.DONE]
    return Speakers(current, queue, done)


@dataclasses.dataclass(frozen=True)
class MeetingState:
    meeting: Meeting
    items: list[AgendaItem]
    current_item: AgendaItem | None
    presence: Presence
    open_ballot: Ballot | None
    votes_cast: int
    speakers: Speakers | None


def meeting_state(meeting_id: int) -> MeetingState:
    """What every room shows at the top: agenda, current item, quorum, ballot, speakers."""
    meeting = Meeting.objects.select_related("council", "current_item").get(pk=meeting_id)
    items = agenda(meeting)
    current = meeting.current_item
    ballot = open_ballot_for(current) if current else None
    return MeetingState(
        meeting=meeting,
        items=items,
        current_item=current,
        presence=presence(meeting),
        open_ballot=ballot,
        votes_cast=votes_cast(ballot) if ballot else 0,
        speakers=speakers(current) if current else None,
    )
