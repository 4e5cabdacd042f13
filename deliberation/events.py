"""The one way out to Channels.

Actions describe what happened as a typed event and hand it to `send_event_on_commit`;
nothing else in the code base talks to the channel layer (ruff's TID251 enforces it).
Events leave only once the transaction that caused them has committed, so no watcher
ever sees a state that was rolled back.

What leaves is not the bare event: for a meeting group, the HTML fragments the event
changes are rendered once per audience (public, members, staff) by the templates the pages
use, and each audience's group receives its own rendering. A user group receives that
user's own fragments. `deliberation.live` knows which fragments each event type touches.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
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


# Which languages a meeting is watched in: the site's own always; another once a page in it
# has connected (kept for the cache's lifetime, so a push is rendered only in languages
# someone reads, and a language nobody watches costs nothing).
def _language_key(meeting_id: int, language: str) -> str:
    return f"live-language:{meeting_id}:{language}"


def note_language(meeting_id: int, language: str) -> None:
    if language != settings.LANGUAGE_CODE:
        cache.add(_language_key(meeting_id, language), True, timeout=None)


def watched_languages(meeting_id: int) -> list[str]:
    others = [code for code in languages() if code != settings.LANGUAGE_CODE]
    seen = cache.get_many([_language_key(meeting_id, code) for code in others])
    return [settings.LANGUAGE_CODE] + [c for c in others if _language_key(meeting_id, c) in seen]


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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if isinstance(event_type, str):
            _REGISTRY[event_type] = cls

    def public_fields(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def event_types() -> dict[str, type[Event]]:
    """Every event class by its type, as declared (used to check the live map covers them)."""
    return dict(_REGISTRY)


def iter_pushes(group: str, event: Event) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (channel group, message) pairs that announce `event` to `group`'s watchers, one
    at a time: each leaves while the next is being rendered."""
    # Imported here: live imports selectors and models, which the actions importing this
    # module must not pull in a cycle.
    from deliberation import live

    kind, object_id = parse_group(group)
    data = event.public_fields()

    def message(fragments: dict[str, str], announcement: str = "") -> dict[str, Any]:
        payload: dict[str, Any] = {"event": event.type, "data": data, "fragments": fragments}
        if announcement:
            payload["announce"] = announcement
        # Encoded once here, not once per socket: the consumer forwards the text as is.
        return {
            "type": PUSH_TYPE,
            "event": event.type,
            "text": json.dumps(payload, cls=DjangoJSONEncoder),
        }

    if kind == "user":
        meeting_id = getattr(event, "meeting_id", None)
        if meeting_id is None:
            return
        for language in watched_languages(meeting_id):
            fragments = live.render_user_fragments(object_id, event, language)
            if fragments:
                yield user_push_group(object_id, language), message(fragments)
        return
    # Rendered once per audience and language read, whatever the number of watchers.
    for language in watched_languages(object_id):
        rendered = live.iter_meeting_fragments(object_id, event, language)
        for audience, fragments, announcement in rendered:
            yield audience_group(object_id, audience, language), message(fragments, announcement)
        # Per-user fragments that a meeting-wide change alters (a ballot opening gives each
        # voter a ballot paper) go to each concerned user's own group.
        for user_id, fragments in live.render_users_affected(object_id, event, language).items():
            yield user_push_group(user_id, language), message(fragments)


def deliver(group: str, event: Event) -> None:
    """Render and send now; `send_event_on_commit` calls this once the transaction commits."""
    layer = get_channel_layer()
    if layer is None:
        return
    for channel_group, message in iter_pushes(group, event):
        async_to_sync(layer.group_send)(channel_group, message)


def send_event_on_commit(group: str, event: Event) -> None:
    """Send `event` to `group`'s watchers once the current transaction commits."""

    def send() -> None:
        deliver(group, event)

    # robust: a failed broadcast is logged, it must not undo or fail a committed vote.
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
