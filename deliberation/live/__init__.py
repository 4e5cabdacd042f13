"""What the live room shows, and which parts of it each event changes.

A page is a set of fragments, each an element with a stable id rendered by one template
under `templates/deliberation/fragments/`. The full pages include those templates; after an
event, the push asks this package to render the fragments that event changed, once per
audience. The same `RoomState` feeds both, so a reload and a push always show the same thing.

- `fragments`: the fragments and which events change them;
- `audience`: who may watch a meeting as what;
- `room`, `state`: what the room holds for an audience, and what one viewer is offered;
- `render`: rendering pages' fragments, pushes and users' own fragments;
- `announcements`: the sentences screen readers hear;
- `consumers`, `routing`: the WebSocket that forwards pushes (imported by council.asgi).
"""

from deliberation.live.announcements import (
    announcement,
    announcement_for_decision,
    result_in_words,
)
from deliberation.live.audience import (
    allowed_audiences,
    audiences_for_user,
    note_language,
    socket_user,
    watched_languages,
)
from deliberation.live.fragments import (
    ALL,
    EVENT_FRAGMENTS,
    FRAGMENTS,
    INSIDE,
    MEMBERS,
    PUBLIC,
    SCREEN,
    SCREEN_FRAGMENT,
    SCREEN_SILENT,
    STAFF,
    USER_EVENT_FRAGMENTS,
    USER_FRAGMENTS,
    Fragment,
    fragments_for,
    user_fragment_id,
)
from deliberation.live.render import (
    iter_meeting_fragments,
    render_fragment,
    render_room,
    render_user,
    render_user_fragments,
    render_users_affected,
)
from deliberation.live.room import SCREEN_NEXT_SPEAKERS, RoomReads
from deliberation.live.state import Offer, RoomState, carried_over, offer

__all__ = [
    "ALL",
    "EVENT_FRAGMENTS",
    "FRAGMENTS",
    "INSIDE",
    "MEMBERS",
    "PUBLIC",
    "SCREEN",
    "SCREEN_FRAGMENT",
    "SCREEN_NEXT_SPEAKERS",
    "SCREEN_SILENT",
    "STAFF",
    "USER_EVENT_FRAGMENTS",
    "USER_FRAGMENTS",
    "Fragment",
    "Offer",
    "RoomReads",
    "RoomState",
    "allowed_audiences",
    "announcement",
    "announcement_for_decision",
    "audiences_for_user",
    "carried_over",
    "fragments_for",
    "iter_meeting_fragments",
    "note_language",
    "offer",
    "render_fragment",
    "render_room",
    "render_user",
    "render_user_fragments",
    "render_users_affected",
    "result_in_words",
    "socket_user",
    "user_fragment_id",
    "watched_languages",
]
