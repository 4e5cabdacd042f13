"""The one way out to Channels.

Actions describe what happened as a typed event and hand it to `send_event_on_commit`;
nothing else in the code base talks to the channel layer (ruff's TID251 enforces it).
Events leave only once the transaction that caused them has committed, so no watcher
ever sees a state that was rolled back.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every event: a namespaced type and public fields only."""

    type: ClassVar[str]

    def as_message(self) -> dict[str, Any]:
        # Channels routes "a.b" to the consumer method "a_b".
        return {"type": self.type, **dataclasses.asdict(self)}


def send_event_on_commit(group: str, event: Event) -> None:
    """Send `event` to `group` once the current transaction commits."""
    message = event.as_message()

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    transaction.on_commit(send, robust=True)


# Events of the deliberation domain (emitted by deliberation.actions). Meeting-wide ones go
# to meeting_group(meeting_id); OwnVoteRecorded goes to the voter's user_group(user_id).


@dataclasses.dataclass(frozen=True)
class MeetingOpened(Event):
    type: ClassVar[str] = "deliberation.meeting_opened"
    meeting_id: int


@dataclasses.dataclass(frozen=True)
class MeetingClosed(Event):
    type: ClassVar[str] = "deliberation.meeting_closed"
    meeting_id: int


@dataclasses.dataclass(frozen=True)
class AgendaChanged(Event):
    type: ClassVar[str] = "deliberation.agenda_changed"
    meeting_id: int


@dataclasses.dataclass(frozen=True)
class AttendanceChanged(Event):
    """Someone's presence changed; the quorum shown with attendance changes with it."""

    type: ClassVar[str] = "deliberation.attendance_changed"
    meeting_id: int
    membership_id: int


@dataclasses.dataclass(frozen=True)
class ProxyGiven(Event):
    type: ClassVar[str] = "deliberation.proxy_given"
    meeting_id: int
    proxy_id: int
    giver_id: int
    holder_id: int


@dataclasses.dataclass(frozen=True)
class ItemOpened(Event):
    type: ClassVar[str] = "deliberation.item_opened"
    meeting_id: int
    item_id: int


@dataclasses.dataclass(frozen=True)
class ItemClosed(Event):
    type: ClassVar[str] = "deliberation.item_closed"
    meeting_id: int
    item_id: int


@dataclasses.dataclass(frozen=True)
class ProposalCreated(Event):
    type: ClassVar[str] = "deliberation.proposal_created"
    meeting_id: int
    item_id: int
    proposal_id: int


@dataclasses.dataclass(frozen=True)
class AmendmentProposed(Event):
    type: ClassVar[str] = "deliberation.amendment_proposed"
    meeting_id: int
    item_id: int
    proposal_id: int
    amendment_id: int


@dataclasses.dataclass(frozen=True)
class AmendmentWithdrawn(Event):
    type: ClassVar[str] = "deliberation.amendment_withdrawn"
    meeting_id: int
    item_id: int
    proposal_id: int
    amendment_id: int


@dataclasses.dataclass(frozen=True)
class AmendmentRebased(Event):
    """A stale amendment was restated on the current version as a new amendment."""

    type: ClassVar[str] = "deliberation.amendment_rebased"
    meeting_id: int
    item_id: int
    proposal_id: int
    amendment_id: int
    new_amendment_id: int


@dataclasses.dataclass(frozen=True)
class VersionMerged(Event):
    """An adopted amendment produced a new version; pending ones on its paragraphs went stale."""

    type: ClassVar[str] = "deliberation.version_merged"
    meeting_id: int
    item_id: int
    proposal_id: int
    version_id: int
    amendment_id: int
    stale_amendment_ids: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class CommentAdded(Event):
    type: ClassVar[str] = "deliberation.comment_added"
    meeting_id: int
    item_id: int
    proposal_id: int
    amendment_id: int | None
    comment_id: int


@dataclasses.dataclass(frozen=True)
class SpeakersChanged(Event):
    type: ClassVar[str] = "deliberation.speakers_changed"
    meeting_id: int
    item_id: int


@dataclasses.dataclass(frozen=True)
class BallotOpened(Event):
    type: ClassVar[str] = "deliberation.ballot_opened"
    meeting_id: int
    item_id: int
    ballot_id: int


@dataclasses.dataclass(frozen=True)
class VoteCountChanged(Event):
    """How many have voted (never what) in an open ballot."""

    type: ClassVar[str] = "deliberation.vote_count_changed"
    meeting_id: int
    item_id: int
    ballot_id: int
    votes_cast: int


@dataclasses.dataclass(frozen=True)
class OwnVoteRecorded(Event):
    """To the voter's own group: their ballot paper now shows the vote as recorded."""

    type: ClassVar[str] = "deliberation.own_vote_recorded"
    meeting_id: int
    ballot_id: int


@dataclasses.dataclass(frozen=True)
class BallotClosed(Event):
    type: ClassVar[str] = "deliberation.ballot_closed"
    meeting_id: int
    item_id: int
    ballot_id: int
    decision_id: int
    outcome: str
