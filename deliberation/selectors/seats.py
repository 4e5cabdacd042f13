"""Who sits in a meeting: mandates, attendance, seats (own votes and proxies) and the quorum."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils.translation import gettext as _

from council.models import VOTING_ROLES, Membership, Role
from deliberation.models import (
    Attendance,
    Meeting,
    Proxy,
)


def meeting_memberships(meeting: Meeting) -> list[Membership]:
    """Mandates current on the meeting's day, with their people."""
    return list(
        Membership.objects.current(on=meeting.start.date())
        .filter(council_id=meeting.council_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def is_full_voting(membership: Membership) -> bool:
    return membership.role in VOTING_ROLES and membership.has_voting_right


def attendances(
    meeting: Meeting, memberships: list[Membership] | None = None
) -> dict[int, Attendance]:
    """Attendance by membership id, each with its mandates (taken from `memberships`, the
    meeting's, when given: the rows are not read twice)."""
    rows = list(Attendance.objects.filter(meeting=meeting))
    by_id = _with_missing(
        {m.pk: m for m in memberships or ()},
        {pk for a in rows for pk in (a.membership_id, a.replaces_id) if pk},
    )
    for a in rows:
        a.membership = by_id[a.membership_id]
        if a.replaces_id:
            a.replaces = by_id[a.replaces_id]
    return {a.membership_id: a for a in rows}


def _with_missing(by_id: dict[int, Membership], wanted: set[int]) -> dict[int, Membership]:
    """`by_id` completed with the mandates of `wanted` it lacks (ended ones), read at once."""
    missing = wanted - by_id.keys()
    if missing:
        by_id = {**by_id, **Membership.objects.select_related("user").in_bulk(missing)}
    return by_id


@dataclasses.dataclass(frozen=True)
class Seat:
    """One vote that can be cast in a meeting: by `voter`, in their name or for `proxy_for`."""

    voter: Membership
    proxy_for: Membership | None
    status: str  # the voter's attendance: room or remote

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.voter.pk, self.proxy_for.pk if self.proxy_for else None)

    @property
    def in_room(self) -> bool:
        return self.status == Attendance.Status.ROOM


@dataclasses.dataclass(frozen=True)
class Quorum:
    members_with_vote: int
    present: int
    required: int
    second_convocation: bool

    @property
    def reached(self) -> bool:
        return self.second_convocation or self.present >= self.required

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "reached": self.reached}


@dataclasses.dataclass(frozen=True)
class Presence:
    """A meeting's attendance worked out once: who sits, who votes, the quorum."""

    memberships: list[Membership]
    attendance: dict[int, Attendance]
    proxies: list[Proxy]
    seats: list[Seat]
    quorum: Quorum

    def seats_of(self, user_id: int) -> list[Seat]:
        return [s for s in self.seats if s.voter.user_id == user_id]

    def membership_of(self, user_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.user_id == user_id), None)


def _is_present(attendance: dict[int, Attendance], membership_id: int) -> bool:
    a = attendance.get(membership_id)
    return a is not None and a.is_present


def active_substitution(
    membership: Membership, attendance: dict[int, Attendance], by_id: dict[int, Membership]
) -> Membership | None:
    """The absent full member this substitute replaces right now, if any."""
    a = attendance.get(membership.pk)
    if membership.role != Role.SUBSTITUTE or a is None or not a.is_present or not a.replaces_id:
        return None
    replaced = by_id.get(a.replaces_id)
    if replaced is None or not is_full_voting(replaced):
        return None
    if _is_present(attendance, replaced.pk):
        return None
    return replaced


# Within `one_presence()`: each meeting's presence, read once.
_read_once: ContextVar[dict[int, Presence] | None] = ContextVar("presence_read_once", default=None)


@contextmanager
def one_presence() -> Iterator[None]:
    """Within, `presence(meeting)` reads each meeting once: for a write's permission check
    and the write itself, under the same lock, with nothing changing the attendance between
    them. Left before the commit: what runs after it reads afresh."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def presence(meeting: Meeting) -> Presence:
    """Attendance, proxies, seats and quorum of a meeting, in three queries."""
    read = _read_once.get()
    if read is None:
        return _presence(meeting)
    if meeting.pk not in read:
        read[meeting.pk] = _presence(meeting)
    return read[meeting.pk]


def _presence(meeting: Meeting) -> Presence:
    memberships = meeting_memberships(meeting)
    by_id = {m.pk: m for m in memberships}
    attendance = attendances(meeting, memberships)
    proxies = list(Proxy.objects.filter(meeting=meeting))
    people = _with_missing(by_id, {pk for p in proxies for pk in (p.giver_id, p.holder_id)})
    for proxy in proxies:
        proxy.giver, proxy.holder = people[proxy.giver_id], people[proxy.holder_id]

    full = [m for m in memberships if is_full_voting(m)]
    own_seats: dict[int, Seat] = {}
    present_count = 0
    for m in full:
        if _is_present(attendance, m.pk):
            own_seats[m.pk] = Seat(m, None, attendance[m.pk].status)
            present_count += 1
    replaced_ids: set[int] = set()
    for m in memberships:
        replaced = active_substitution(m, attendance, by_id)
        if replaced is not None:
            own_seats[m.pk] = Seat(m, None, attendance[m.pk].status)
            replaced_ids.add(replaced.pk)
            present_count += 1
    seats = list(own_seats.values())
    for proxy in proxies:
        holder_seat = own_seats.get(proxy.holder_id)
        giver = by_id.get(proxy.giver_id)
        if (
            holder_seat is not None
            and giver is not None
            and is_full_voting(giver)
            and not _is_present(attendance, giver.pk)
            and giver.pk not in replaced_ids
        ):
            seats.append(Seat(holder_seat.voter, giver, holder_seat.status))
    quorum = Quorum(
        members_with_vote=len(full),
        present=present_count,
        required=len(full) // 2 + 1,
        second_convocation=meeting.second_convocation,
    )
    return Presence(memberships, attendance, proxies, seats, quorum)


def quorum_sentence(quorum: Quorum) -> str:
    """The quorum in words, as the chair reads it before and after a close."""
    if quorum.second_convocation:
        return _("Seconde convocation : pas de condition de quorum.")
    values = {
        "present": quorum.present,
        "total": quorum.members_with_vote,
        "required": quorum.required,
    }
    if quorum.reached:
        return (
            _("Quorum atteint : %(present)s présents sur %(total)s, il en faut %(required)s.")
            % values
        )
    return (
        _("Quorum non atteint : %(present)s présents sur %(total)s, il en faut %(required)s.")
        % values
    )


def quorum_from_record(record: Any) -> Quorum | None:
    """A Decision's stored quorum (Quorum.as_dict) read back, or None if it is not one."""
    try:
        return Quorum(
            members_with_vote=int(record["members_with_vote"]),
            present=int(record["present"]),
            required=int(record["required"]),
            second_convocation=bool(record["second_convocation"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def quorum_for(meeting: Meeting) -> Quorum:
    return presence(meeting).quorum


def voters_for(meeting: Meeting) -> list[Seat]:
    """Every vote that may be cast now: present voting members, active substitutes, proxies."""
    return presence(meeting).seats
