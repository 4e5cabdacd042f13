"""The one way out for what an action causes: typed events, dispatched after commit.

An action describes what happened as a typed event (below) and `publish`es it to a group (a
meeting's or a user's watchers; None for events no page watches). Nothing leaves while the
transaction runs: once it commits, `dispatch` hands each event to every subscriber, one at a
time and each on its own, so that one failing is logged and neither stops the others nor
undoes what was committed. A rolled-back transaction publishes nothing.

Subscribers are registered in the apps' `AppConfig.ready`: deliberation.push renders and
sends the pages' fragments over Channels (the only code talking to the channel layer; ruff's
TID251 enforces it), deliberation.actions.notices tells subscribers and authors
(council.notifications, e-mail), cms approves minutes and indexes the archive.

This module also names the channel groups.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Who watches a meeting. Chair and secretariat share "staff": the consoles differ by which
# fragments they show, not by what they may see.
PUBLIC = "public"
MEMBERS = "members"
STAFF = "staff"
# The room's projector: public information only, laid out to be read from the back.
SCREEN = "screen"
AUDIENCES: tuple[str, ...] = (PUBLIC, MEMBERS, STAFF, SCREEN)

# The consumer method that forwards a push to its socket ("live.push" → `live_push`).
PUSH_TYPE = "live.push"

_MEETING_PREFIX = "meeting-"
_USER_PREFIX = "user-"


def meeting_group(meeting_id: int) -> str:
    return f"{_MEETING_PREFIX}{meeting_id}"


def user_group(user_id: int) -> str:
    """Where actions address a user's own events; each page language listens on its own."""
    return f"{_USER_PREFIX}{user_id}"


def languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_or_default(language: str | None) -> str:
    """The page's language if the site speaks it, else the site's own."""
    return language if language in languages() else settings.LANGUAGE_CODE


def audience_group(meeting_id: int, audience: str, language: str | None = None) -> str:
    """The channel group of one audience of a meeting reading in one language."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}")
    return f"{meeting_group(meeting_id)}.{audience}.{language_or_default(language)}"


def user_push_group(user_id: int, language: str | None = None) -> str:
    """The channel group of one user's pages in one language."""
    return f"{user_group(user_id)}.{language_or_default(language)}"


def parse_group(group: str) -> tuple[str, int]:
    """("meeting", 3) for "meeting-3", ("user", 7) for "user-7"."""
    for kind, prefix in (("meeting", _MEETING_PREFIX), ("user", _USER_PREFIX)):
        if group.startswith(prefix) and group[len(prefix) :].isdigit():
            return kind, int(group[len(prefix) :])
    raise ValueError(f"Not a meeting or user group: {group!r}")


_REGISTRY: dict[str, type[Event]] = {}


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every event: a namespaced type and public fields only."""

    type: ClassVar[str]
    # Pushed to the pages watching its group (deliberation.push): every type that is must
    # have its fragments mapped in deliberation.live. False for events only the other
    # subscribers hear (notifications, e-mails, the archive).
    live: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if isinstance(event_type, str) and cls.live:
            _REGISTRY[event_type] = cls

    def public_fields(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def event_types() -> dict[str, type[Event]]:
    """Every live event class by its type, as declared (used to check the live map covers
    them)."""
    return dict(_REGISTRY)


# A handler receives the group and the event (one of the classes it subscribed to).
Subscriber = Callable[[str | None, Any], None]

# (handler, the event classes it hears; empty: every event), in the order subscribed.
_SUBSCRIBERS: list[tuple[Subscriber, tuple[type[Event], ...]]] = []


def subscribe(handler: Subscriber, *event_classes: type[Event]) -> Subscriber:
    """Call `handler(group, event)` after each commit that published an event (only those
    of `event_classes`, if given). Subscribed once, in an AppConfig.ready; idempotent."""
    if all(existing is not handler for existing, _classes in _SUBSCRIBERS):
        _SUBSCRIBERS.append((handler, event_classes))
    return handler


def publish(group: str | None, event: Event) -> None:
    """Hand `event` (addressed to `group`, a meeting or user group, or None) to every
    subscriber once the current transaction commits; nothing runs if it rolls back."""
    _published.count = published_count() + 1
    # robust: whatever happens after the commit is logged, it cannot fail the action.
    transaction.on_commit(functools.partial(dispatch, group, event), robust=True)


_published = threading.local()


def published_count() -> int:
    """Events this thread has published: what its subscribers read after a commit stays
    true for that commit's other events until it publishes again (deliberation.live)."""
    return getattr(_published, "count", 0)


def dispatch(group: str | None, event: Event) -> None:
    """Run each subscriber of `event` now, each on its own: one that fails is logged and
    the others still run. Called by `publish` once the transaction has committed."""
    for handler, classes in tuple(_SUBSCRIBERS):
        if classes and not isinstance(event, classes):
            continue
        try:
            handler(group, event)
        except Exception:
            logger.exception(
                "subscriber %s failed on %s (%s); the committed change stands",
                getattr(handler, "__qualname__", handler),
                event.type,
                group,
            )


# Events of the deliberation domain (from deliberation.actions), to a meeting's or user's group.


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
class CommentModerated(Event):
    """A comment in a meeting's thread hidden (its reason shown instead) or published again."""

    type: ClassVar[str] = "deliberation.comment_moderated"
    meeting_id: int
    comment_id: int


@dataclasses.dataclass(frozen=True)
class SpeakersChanged(Event):
    type: ClassVar[str] = "deliberation.speakers_changed"
    meeting_id: int
    item_id: int


@dataclasses.dataclass(frozen=True)
class SpeakingTimeChanged(Event):
    """The speaking time of the meeting, of an item (item_id) or of one speaker changed."""

    type: ClassVar[str] = "deliberation.speaking_time_changed"
    meeting_id: int
    item_id: int | None = None


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
class RoomVotesChanged(VoteCountChanged):
    """The count changed by a vote of a seat in the room (online or at the roll call), a
    roll-call entry taken back or the room's totals: the roll call and whether the ballot
    can close change with it."""

    type: ClassVar[str] = "deliberation.room_votes_changed"


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


# Events no page renders (live = False): heard by the notifications, the e-mails and cms.


@dataclasses.dataclass(frozen=True)
class MeetingSaved(Event):
    """A meeting and its agenda were saved; previous_state: its state before (None: new)."""

    type: ClassVar[str] = "deliberation.meeting_saved"
    live: ClassVar[bool] = False
    meeting_id: int
    previous_state: str | None


@dataclasses.dataclass(frozen=True)
class DecisionRecorded(Event):
    """A ballot's close recorded its Decision (BallotClosed tells the pages)."""

    type: ClassVar[str] = "deliberation.decision_recorded"
    live: ClassVar[bool] = False
    meeting_id: int
    decision_id: int


@dataclasses.dataclass(frozen=True)
class ConsultationSaved(Event):
    """A consultation was opened or changed in the admin."""

    type: ClassVar[str] = "deliberation.consultation_saved"
    live: ClassVar[bool] = False
    consultation_id: int


@dataclasses.dataclass(frozen=True)
class CommentAuthorTold(Event):
    """A moderator's decision on a comment, written for its author (mailed after commit)."""

    type: ClassVar[str] = "deliberation.comment_author_told"
    live: ClassVar[bool] = False
    comment_id: int
    address: str
    subject: str
    message: str


# An election's call, candidacies or state changed (`what` says which): the item's pages
# show the elections and their candidacies, so they refresh.
@dataclasses.dataclass(frozen=True)
class ElectionChanged(Event):
    type: ClassVar[str] = "deliberation.election_changed"
    meeting_id: int
    election_id: int
    what: str
