"""Rendering fragments: a page's, an audience's after an event, a user's own.

A push is rendered once per audience (and language), never once per watcher; one reading
of the room serves every audience as far as each may see it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from deliberation import events
from deliberation.live.announcements import announcement
from deliberation.live.fragments import (
    FRAGMENTS,
    MEMBERS,
    OUTER_FRAGMENTS,
    SCREEN,
    USER_EVENT_FRAGMENTS,
    USER_FRAGMENTS,
    fragments_for,
    user_fragment_id,
)
from deliberation.live.state import RoomState
from deliberation.models import (
    Amendment,
    Meeting,
)


def render_fragment(key: str, room: RoomState, request: Any = None) -> str:
    fragment = FRAGMENTS[key]
    context = {"room": room, "fragment_id": key, "audience": room.audience}
    return render_to_string(fragment.template, context, request=request)


def render_room(
    room: RoomState,
    keys: Iterable[str] | None = None,
    request: Any = None,
    rendered: dict[tuple[str, int | None], str] | None = None,
) -> dict[str, str]:
    """The room's fragments for its audience; `rendered` keeps, across the audiences of one
    push, those that are the same for every audience seeing the same current item."""
    wanted = OUTER_FRAGMENTS if keys is None else keys
    out: dict[str, str] = {}
    for key in wanted:
        fragment = FRAGMENTS[key]
        if room.audience not in fragment.audiences:
            continue
        if rendered is None or fragment.per_audience:
            out[key] = render_fragment(key, room, request)
            continue
        seen = (key, room.item.pk if room.item is not None else None)
        if seen not in rendered:
            rendered[seen] = render_fragment(key, room, request)
        out[key] = rendered[seen]
    return out


def render_user(
    room: RoomState, request: Any = None, keys: Iterable[str] | None = None
) -> dict[str, str]:
    """The room's user's own fragments: ballot papers, amendments they may act on."""
    context = {"room": room, "audience": room.audience, "viewer": room.user}
    out: dict[str, str] = {}
    wanted = USER_FRAGMENTS if keys is None else keys
    for key in wanted:
        template = USER_FRAGMENTS[key]
        fragment_id = user_fragment_id(key, room.meeting.pk)
        out[fragment_id] = render_to_string(
            template, {**context, "fragment_id": fragment_id}, request=request
        )
    return out


def _in_language(language: str | None, function: Callable[[], Any]) -> Any:
    # A push is rendered outside any request, once per language its watchers read.
    with translation.override(events.language_or_default(language)):
        return function()


def iter_meeting_fragments(
    meeting_id: int, event: events.Event, language: str | None = None
) -> Iterator[tuple[str, dict[str, str], str]]:
    """(audience, {fragment id: html}, announcement) for a meeting-wide event, in `language`,
    one audience at a time."""
    keys, _users = fragments_for(event.type)
    read = _after_commit_reads(meeting_id)
    meeting = read["meeting"]
    if meeting is None:
        return
    rendered: dict[tuple[str, int | None], str] = {}
    for audience in events.AUDIENCES:
        if audience == SCREEN and not any(SCREEN in FRAGMENTS[key].audiences for key in keys):
            continue
        room = RoomState(meeting, audience)
        # One reading of the room serves every audience, as far as each may see it.
        room.__dict__.update(_readable_by(room, read))

        def render(room: RoomState = room) -> tuple[dict[str, str], str]:
            return render_room(room, keys, rendered=rendered), announcement(event, room)

        fragments, sentence = _in_language(language, render)
        _share(room, read)
        yield audience, fragments, sentence


# What one reading of the room serves to every audience, and what only to those who see
# the current item (a closed-session item is hidden from the public).
_MEETING_READS = {"items", "current_item", "presence"}
_ITEM_READS = {"item", "ballots", "open_ballot", "proposals"}

# What the pushes of this thread's latest commit have read of each meeting: a commit's
# events (a vote: the tally for every audience, then the voter's own ballot paper) are
# rendered from one reading, forgotten as soon as the thread publishes again.
_memo = threading.local()


def _after_commit_reads(meeting_id: int) -> dict[str, Any]:
    """The room's reads shared by the pushes of one commit: {"meeting": …, read: value}."""
    generation = events.published_count()
    if getattr(_memo, "generation", None) != generation:
        _memo.generation, _memo.meetings = generation, {}
    read: dict[str, Any] = _memo.meetings.setdefault(meeting_id, {})
    if "meeting" not in read:
        read["meeting"] = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    return read


def _readable_by(room: RoomState, read: dict[str, Any]) -> dict[str, Any]:
    """What an earlier rendering read that this audience may see too."""
    wanted = set(_MEETING_READS)
    item = read.get("item")
    # An earlier audience saw the item: whoever else may see it sees the same.
    if item is not None and (room.is_inside or item.is_public):
        wanted |= _ITEM_READS
    return {key: value for key, value in read.items() if key in wanted}


def _share(room: RoomState, read: dict[str, Any]) -> None:
    """Keep what this rendering read for the next ones."""
    for key, value in room.__dict__.items():
        if key in _MEETING_READS or (key in _ITEM_READS and room.__dict__.get("item")):
            read.setdefault(key, value)


_AMENDMENT_EVENTS = {
    "deliberation.amendment_proposed",
    "deliberation.amendment_withdrawn",
    "deliberation.amendment_rebased",
    "deliberation.version_merged",
}


def _authors_concerned(event: events.Event) -> set[int]:
    """Authors whose own amendments the event changed (their "my amendments" list)."""
    if event.type not in _AMENDMENT_EVENTS:
        return set()
    fields = event.public_fields()
    ids = [fields.get("amendment_id"), fields.get("new_amendment_id")]
    ids += list(fields.get("stale_amendment_ids") or ())
    wanted = [pk for pk in ids if pk]
    if not wanted:
        return set()
    return set(Amendment.objects.filter(pk__in=wanted).values_list("author_id", flat=True))


def render_users_affected(
    meeting_id: int, event: events.Event, language: str | None = None
) -> dict[int, dict[str, str]]:
    """{user id: {fragment id: html}} for each user whose own fragments changed.

    Seated members when a meeting-wide change alters everyone's ballot paper; the authors
    of the amendments an event touched, whose list of amendments changed.
    """
    _keys, users = fragments_for(event.type)
    authors = _authors_concerned(event)
    if not users and not authors:
        return {}

    def render() -> dict[int, dict[str, str]]:
        read = _after_commit_reads(meeting_id)
        meeting = read["meeting"]
        if meeting is None:
            return {}
        out = {}
        shared = _members_room(meeting, read)
        people = {m.user_id: m.user for m in shared.members} if users else {}
        _share(shared, read)
        missing = authors - people.keys()
        if missing:
            people.update(get_user_model().objects.in_bulk(missing))
        for user_id, user in people.items():
            # One reading of the room serves every member's rendering.
            room = _members_room(meeting, read, user)
            out[user_id] = render_user(room, keys=_user_keys(users, user_id in authors))
            _share(room, read)
        return out

    result: dict[int, dict[str, str]] = _in_language(language, render)
    return result


def _user_keys(users: bool | tuple[str, ...], author: bool) -> tuple[str, ...] | None:
    """Which of one user's fragments an event changed (None: all)."""
    if users is True:
        return None
    keys = tuple(users or ())
    return (*keys, "my-amendments") if author and "my-amendments" not in keys else keys


def render_user_fragments(
    user_id: int, event: events.Event, language: str | None = None
) -> dict[str, str]:
    """A user-group event: that user's fragments for the meeting the event names."""
    meeting_id = getattr(event, "meeting_id", None)
    if meeting_id is None:
        return {}
    read = _after_commit_reads(meeting_id)
    user = _seated_user(read, user_id) or get_user_model().objects.filter(pk=user_id).first()
    if user is None or read["meeting"] is None:
        return {}
    room = _members_room(read["meeting"], read, user)
    keys = USER_EVENT_FRAGMENTS.get(event.type)
    result: dict[str, str] = _in_language(language, lambda: render_user(room, keys=keys))
    _share(room, read)
    return result


def _seated_user(read: dict[str, Any], user_id: int) -> Any:
    """The user, if the room's reading of this commit has their mandate (a voter's has)."""
    presence = read.get("presence")
    memberships = presence.memberships if presence is not None else ()
    return next((m.user for m in memberships if m.user_id == user_id), None)


def _members_room(meeting: Meeting, read: dict[str, Any], user: Any = None) -> RoomState:
    room = RoomState(meeting, MEMBERS, user=user)
    room.__dict__.update(_readable_by(room, read))
    return room
