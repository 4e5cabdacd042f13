"""The fragments a page is made of, and which of them each event changes.

A page is a set of fragments, each an element with a stable id rendered by one template
under `templates/deliberation/fragments/`. The full pages include those templates; after an
event, the push renders the fragments that event changed, once per audience.
"""

from __future__ import annotations

from dataclasses import dataclass

from deliberation import events

PUBLIC, MEMBERS, STAFF, SCREEN = events.PUBLIC, events.MEMBERS, events.STAFF, events.SCREEN
# The pages people read; the room's screen has its one fragment of its own.
ALL = frozenset({PUBLIC, MEMBERS, STAFF})
INSIDE = frozenset({MEMBERS, STAFF})


SCREEN_FRAGMENT = "screen"


@dataclass(frozen=True)
class Fragment:
    key: str
    template: str
    audiences: frozenset[str] = ALL
    # False: the template shows the same to every audience that sees the same current item
    # (no form, no audience test), so a push renders it once for all of them.
    per_audience: bool = True


# Fragments shared by an audience. The key is the element's id in every page.
FRAGMENTS: dict[str, Fragment] = {
    fragment.key: fragment
    for fragment in (
        Fragment("live-status", "deliberation/fragments/status.html", per_audience=False),
        Fragment("live-agenda", "deliberation/fragments/agenda.html", per_audience=False),
        Fragment("live-item", "deliberation/fragments/item.html"),
        Fragment("live-speakers", "deliberation/fragments/speakers.html"),
        Fragment("live-attendance", "deliberation/fragments/attendance.html", per_audience=False),
        Fragment("live-ballots", "deliberation/fragments/ballots.html", per_audience=False),
        # Inside live-ballots: the open ballot's count, all that a vote changes there.
        Fragment("live-votes-cast", "deliberation/fragments/votes_cast.html", per_audience=False),
        Fragment("live-participate", "deliberation/fragments/participate.html", INSIDE),
        Fragment("console-items", "deliberation/fragments/console_items.html", frozenset({STAFF})),
        Fragment(
            "console-ballots", "deliberation/fragments/console_ballots.html", frozenset({STAFF})
        ),
        # Inside console-ballots: the open ballot's participation.
        Fragment(
            "console-turnout", "deliberation/fragments/console_turnout.html", frozenset({STAFF})
        ),
        Fragment(
            "console-roll-call", "deliberation/fragments/console_roll_call.html", frozenset({STAFF})
        ),
        # Inside console-roll-call: its count of votes.
        Fragment(
            "console-roll-call-count",
            "deliberation/fragments/console_roll_call_count.html",
            frozenset({STAFF}),
        ),
        Fragment(
            "console-attendance",
            "deliberation/fragments/console_attendance.html",
            frozenset({STAFF}),
        ),
        Fragment(
            "console-timekeeping",
            "deliberation/fragments/console_timekeeping.html",
            frozenset({STAFF}),
        ),
        Fragment(SCREEN_FRAGMENT, "deliberation/fragments/screen.html", frozenset({SCREEN})),
        # Inside the screen: the open ballot's count (and running tally, where shown).
        Fragment(
            "screen-turnout", "deliberation/fragments/screen_turnout.html", frozenset({SCREEN})
        ),
    )
}

# A user's own fragments; their element id carries the meeting id, since one user's group
# serves every meeting page that user has open.
USER_FRAGMENTS: dict[str, str] = {
    "my-vote": "deliberation/fragments/my_vote.html",
    "my-amendments": "deliberation/fragments/my_amendments.html",
    "my-participation": "deliberation/fragments/my_participation.html",
}


def user_fragment_id(key: str, meeting_id: int) -> str:
    return f"{key}-{meeting_id}"


_ITEM = ("live-status", "live-agenda", "live-item", "live-speakers", "live-ballots")
_ITEM_STAFF = (
    "live-participate",
    "console-items",
    "console-ballots",
    "console-roll-call",
    "console-timekeeping",
)
_TEXT = ("live-item", "live-participate", "console-ballots")
_BALLOT = ("live-ballots", "console-ballots", "console-roll-call")
_PRESENCE = ("live-attendance", "console-attendance", "console-roll-call")
# Whether a member may ask for the floor: the queue changed.
_FLOOR = ("my-participation",)

# Which fragments each event type changes; in the second place, which of each seated
# member's own fragments change too (`True`: all of them; `False`: none). An event type
# missing here re-renders everything.
EVENT_FRAGMENTS: dict[str, tuple[tuple[str, ...], bool | tuple[str, ...]]] = {
    "deliberation.meeting_opened": (("live-status", "live-agenda", *_ITEM_STAFF), True),
    "deliberation.meeting_closed": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.agenda_changed": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.item_opened": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.item_closed": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.attendance_changed": ((*_PRESENCE, "live-status"), True),
    "deliberation.proxy_given": ((*_PRESENCE,), True),
    "deliberation.proposal_created": (_TEXT, False),
    "deliberation.amendment_proposed": (_TEXT, False),
    "deliberation.amendment_withdrawn": (_TEXT, False),
    "deliberation.amendment_rebased": (_TEXT, False),
    "deliberation.comment_added": (("live-item",), False),
    "deliberation.comment_moderated": (("live-item",), False),
    "deliberation.speakers_changed": (("live-speakers", "console-timekeeping"), _FLOOR),
    "deliberation.speaking_time_changed": (("live-speakers", "console-timekeeping"), False),
    "deliberation.ballot_opened": ((*_BALLOT, "live-item"), True),
    # A vote from outside the room changes only the counts: not the room's roll call, nor
    # whether the console may close the ballot.
    "deliberation.vote_count_changed": (
        ("live-votes-cast", "console-turnout", "console-roll-call-count", "screen-turnout"),
        False,
    ),
    # A seat in the room voted (online or at the roll call), an entry was taken back or
    # the totals entered: the roll call changes, and whether the ballot can close.
    "deliberation.room_votes_changed": (
        ("live-votes-cast", "console-ballots", "console-roll-call", "screen-turnout"),
        False,
    ),
    "deliberation.version_merged": (_TEXT, False),
    "deliberation.ballot_closed": ((*_BALLOT, *_TEXT), True),
    # Candidacies filed, accepted or withdrawn; a round opened, a runoff called, the elected.
    "deliberation.election_changed": (("live-item", *_BALLOT, "live-participate"), True),
}
# Events sent to a user group re-render these of that user's own fragments (all if unlisted).
USER_EVENT_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "deliberation.own_vote_recorded": ("my-vote",),
}


# Fragments inside another one: rendered with it, pushed alone when only they change.
INNER_FRAGMENTS = frozenset(
    {"live-votes-cast", "console-turnout", "console-roll-call-count", "screen-turnout"}
)

OUTER_FRAGMENTS = tuple(key for key in FRAGMENTS if key not in INNER_FRAGMENTS)

# Events the room's screen does not show (comments stay on the pages people read).
SCREEN_SILENT = frozenset({"deliberation.comment_added", "deliberation.comment_moderated"})


def fragments_for(event_type: str) -> tuple[tuple[str, ...], bool | tuple[str, ...]]:
    if event_type not in EVENT_FRAGMENTS:
        return OUTER_FRAGMENTS, True
    keys, users = EVENT_FRAGMENTS[event_type]
    # The whole screen, unless the event is silent there or names the part it changes.
    if event_type not in SCREEN_SILENT and not any(SCREEN in FRAGMENTS[k].audiences for k in keys):
        keys = (*keys, SCREEN_FRAGMENT)
    return keys, users
