"""The public record: the decisions anyone may read, and a member's public record."""

from __future__ import annotations

import dataclasses
from collections import Counter

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from council.models import PUBLIC_RECORD_ROLES, SEATED_ROLES, Membership
from deliberation.models import (
    Amendment,
    Attendance,
    Ballot,
    Decision,
    Meeting,
    Proposal,
    SpeakerRequest,
    Vote,
)


def public_decisions() -> QuerySet[Decision]:
    """The decisions anyone may read: the public archive's rule, asked by every public page
    (archive, sitemap, follow-up by receipt code). A closed-session item's decision stays in
    the chain but is not public, whenever the item was switched to a closed session."""
    return Decision.objects.filter(agenda_item__is_public=True)


def decisions_for(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).select_related("ballot", "agenda_item")


@dataclasses.dataclass(frozen=True)
class AttendanceYear:
    year: int
    meetings: int
    room: int
    remote: int
    excused: int

    @property
    def absent(self) -> int:
        return self.meetings - self.room - self.remote - self.excused

    @property
    def rate(self) -> int:
        """Per cent of the meetings attended, in the room or from home."""
        return round(100 * (self.room + self.remote) / self.meetings) if self.meetings else 0


def open_votes(*, council_id: int | None = None, user_id: int | None = None) -> QuerySet[Vote]:
    """Every named choice the public may read: open ballots only, closed and recorded in a
    decision, on items of a public session. A secret ballot (an election is always one) has
    no Vote row at all; the filter on secrecy says so twice. `user_id` is whose vote it is
    (the seat's holder, whoever cast it by proxy)."""
    votes = Vote.objects.filter(
        ballot__secrecy=Ballot.Secrecy.OPEN,
        ballot__state=Ballot.State.CLOSED,
        ballot__agenda_item__is_public=True,
        ballot__decision__isnull=False,
        ballot__decision__secrecy=Ballot.Secrecy.OPEN,
    )
    if council_id is not None:
        votes = votes.filter(seat__council_id=council_id)
    if user_id is not None:
        votes = votes.filter(seat__user_id=user_id)
    return votes.select_related(
        "ballot__decision__council", "ballot__decision__meeting", "voter__user", "seat__user"
    ).order_by("-ballot__closed_at", "-pk")


def _decision_key(reference: str) -> tuple[int, int] | None:
    """(year, number) from a decision reference "14/2026", or None."""
    number, _sep, year = reference.strip().partition("/")
    if not (number.isdigit() and year.isdigit() and len(year) == 4 and len(number) < 10):
        return None
    return int(year), int(number)


def link_mandate_decisions(council_id: int, mandates: list[Membership]) -> None:
    """Give each mandate `start_decision_link` and `end_decision_link`: the public Decision
    its reference names, or None. One query for all of them."""
    keys = {
        key
        for m in mandates
        for key in (_decision_key(m.start_decision), _decision_key(m.end_decision))
        if key is not None
    }
    found: dict[tuple[int, int], Decision] = {}
    if keys:
        match = Q()
        for year, number in keys:
            match |= Q(year=year, number=number)
        found = {
            (d.year, d.number): d
            for d in public_decisions()
            .filter(match, council_id=council_id)
            .select_related("council")
        }
    for m in mandates:
        start_key, end_key = _decision_key(m.start_decision), _decision_key(m.end_decision)
        m.start_decision_link = found.get(start_key) if start_key else None  # type: ignore[attr-defined]
        m.end_decision_link = found.get(end_key) if end_key else None  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class MemberRecord:
    mandates: list[Membership]
    attendance: list[AttendanceYear]
    speaking_turns: int
    proposals: list[Proposal]
    amendments: list[Amendment]
    votes: QuerySet[Vote]


def member_record(council_id: int, user_id: int) -> MemberRecord:
    """What the public may know of a person's work on the council, in a fixed number of
    queries: their mandates, their attendance per year at the meetings held during them, their
    speaking turns, the texts they tabled and their choice in every open ballot. Closed-session
    items are left out; a secret ballot gives nothing (its choices are in no row)."""
    mandates = list(
        Membership.objects.filter(
            council_id=council_id, user_id=user_id, role__in=PUBLIC_RECORD_ROLES
        )
        .select_related("user", "succeeds__user")
        .prefetch_related(
            Prefetch("successors", queryset=Membership.objects.select_related("user"))
        )
        .order_by("-start", "-pk")
    )
    link_mandate_decisions(council_id, mandates)
    held = [(m.start, m.end) for m in mandates if m.role in SEATED_ROLES]
    meetings = Meeting.objects.filter(council_id=council_id, state=Meeting.State.CLOSED)
    statuses = dict(
        Attendance.objects.filter(
            meeting__council_id=council_id,
            meeting__state=Meeting.State.CLOSED,
            membership__user_id=user_id,
        ).values_list("meeting_id", "status")
    )
    years: dict[int, Counter[str]] = {}
    for meeting_id, start in meetings.values_list("pk", "start"):
        day = timezone.localdate(start)
        if not any(begin <= day and (end is None or day <= end) for begin, end in held):
            continue
        counts = years.setdefault(day.year, Counter())
        counts["meetings"] += 1
        counts[statuses.get(meeting_id, "")] += 1
    attendance = [
        AttendanceYear(
            year=year,
            meetings=c["meetings"],
            room=c[Attendance.Status.ROOM],
            remote=c[Attendance.Status.REMOTE],
            excused=c[Attendance.Status.EXCUSED],
        )
        for year, c in sorted(years.items(), reverse=True)
    ]
    public_items = {"agenda_item__is_public": True, "agenda_item__meeting__council_id": council_id}
    speaking_turns = SpeakerRequest.objects.filter(
        membership__user_id=user_id, state=SpeakerRequest.State.DONE, **public_items
    ).count()
    proposals = list(
        Proposal.objects.filter(authors__id=user_id, **public_items)
        .select_related("agenda_item__meeting")
        .order_by("-created")
    )
    amendments = list(
        Amendment.objects.filter(
            author_id=user_id,
            **{f"proposal__{key}": value for key, value in public_items.items()},
        )
        .select_related("proposal__agenda_item__meeting")
        .order_by("-pk")
    )
    votes = open_votes(council_id=council_id, user_id=user_id)
    return MemberRecord(mandates, attendance, speaking_turns, proposals, amendments, votes)
