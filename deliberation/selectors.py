"""Reads of the deliberation state, for views, consumers, rules and Wagtail pages.

Each selector runs a fixed number of queries whatever the size of the meeting: related rows
come with select_related/prefetch_related, never one query per row.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from council.models import SEATED_ROLES, VOTING_ROLES, Membership, Role
from deliberation import timekeeping
from deliberation.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Ballot,
    BallotParticipation,
    Channel,
    Choice,
    Comment,
    Decision,
    Meeting,
    Proposal,
    ProposalVersion,
    Proxy,
    SpeakerRequest,
    Vote,
)
from deliberation.text import diff
from deliberation.urn import Urn

SHOW_OF_HANDS = "show_of_hands"
CHOICES: tuple[str, ...] = tuple(Choice.values)
CHANNELS: tuple[str, ...] = (*Channel.values, SHOW_OF_HANDS)
# The parts of a secret ballot's urn: online and proxy votes together, the room's paper.
URN_ONLINE = "online"
URN_PAPER = "paper"
URN_PARTS: tuple[str, ...] = (URN_ONLINE, URN_PAPER)


# --- People and presence -------------------------------------------------------------------


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


def attendances(meeting: Meeting) -> dict[int, Attendance]:
    """Attendance by membership id."""
    return {
        a.membership_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related(
            "membership__user", "replaces__user"
        )
    }


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


def presence(meeting: Meeting) -> Presence:
    """Attendance, proxies, seats and quorum of a meeting, in three queries."""
    memberships = meeting_memberships(meeting)
    by_id = {m.pk: m for m in memberships}
    attendance = attendances(meeting)
    proxies = list(Proxy.objects.filter(meeting=meeting).select_related("giver", "holder"))

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


# --- Agenda and meeting --------------------------------------------------------------------


def meeting_for_update(meeting_id: int) -> Meeting:
    meeting: Meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    return meeting


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.all().order_by("sort_order", "pk"))


def open_ballot_for(item: AgendaItem) -> Ballot | None:
    return (
        Ballot.objects.filter(agenda_item=item, state=Ballot.State.OPEN)
        .select_related("amendment", "proposal", "proposal_version")
        .first()
    )


def ballots_for(item: AgendaItem) -> list[Ballot]:
    return list(
        Ballot.objects.filter(agenda_item=item)
        .select_related("amendment", "proposal", "proposal_version", "decision")
        .order_by("created_at", "pk")
    )


# --- Counting ------------------------------------------------------------------------------


def _empty() -> dict[str, int]:
    return dict.fromkeys(CHOICES, 0)


@dataclasses.dataclass(frozen=True)
class Tally:
    """A ballot's counts. `by_channel` is empty for a secret ballot: its split between online
    and paper is never read out of the urn, so it can be neither shown nor stored."""

    by_channel: dict[str, dict[str, int]]
    totals: dict[str, int]
    ballots: int  # ballots cast: named votes, secret participations, room totals

    @property
    def votes_cast(self) -> int:
        return sum(self.totals.values())

    def as_dict(self) -> dict[str, Any]:
        if not self.by_channel:
            return {"total": dict(self.totals), "ballots": self.ballots}
        return {**{c: dict(v) for c, v in self.by_channel.items()}, "total": dict(self.totals)}


def ballot_urn(ballot: Ballot) -> Urn:
    """A secret ballot's counts as stored now, unsealed (deliberation.urn)."""
    sealed = Ballot.objects.filter(pk=ballot.pk).values_list("urn", flat=True).first()
    if not sealed:
        return Urn.empty(CHOICES, URN_PARTS)
    return Urn.open(sealed, ballot.pk, CHOICES, URN_PARTS)


def tally(ballot: Ballot) -> Tally:
    """Votes by channel and choice (one query at most); room totals included."""
    if ballot.is_secret:
        # Once closed, the urn is emptied and the Decision holds the totals.
        decision = Decision.objects.filter(ballot=ballot).only("tally").first()
        if decision is not None:
            total = decision.tally.get("total", {})
            totals = {choice: int(total.get(choice, 0)) for choice in CHOICES}
            return Tally(
                by_channel={}, totals=totals, ballots=int(decision.tally.get("ballots", 0))
            )
        return Tally(by_channel={}, totals=ballot_urn(ballot).totals(), ballots=votes_cast(ballot))
    by_channel = {channel: _empty() for channel in CHANNELS}
    counted = Counter(Vote.objects.filter(ballot=ballot).values_list("channel", "choice"))
    for (channel, choice), n in counted.items():
        by_channel[channel][choice] += n
    if ballot.has_show_of_hands:
        by_channel[SHOW_OF_HANDS] = {
            Choice.YES: ballot.room_yes or 0,
            Choice.NO: ballot.room_no or 0,
            Choice.ABSTAIN: ballot.room_abstain or 0,
        }
    totals = _empty()
    for counts in by_channel.values():
        for choice, n in counts.items():
            totals[choice] += n
    return Tally(by_channel=by_channel, totals=totals, ballots=sum(totals.values()))


def votes_cast(ballot: Ballot) -> int:
    """How many have voted (shown while a ballot is open, never what they chose)."""
    model = BallotParticipation if ballot.is_secret else Vote
    n = model.objects.filter(ballot=ballot).count()
    if ballot.has_show_of_hands:
        n += (ballot.room_yes or 0) + (ballot.room_no or 0) + (ballot.room_abstain or 0)
    return n + (ballot.paper_ballots or 0)


def voted_seat_ids(ballot: Ballot) -> set[int]:
    """The seats (memberships whose vote it is) already cast in this ballot."""
    model = BallotParticipation if ballot.is_secret else Vote
    return set(model.objects.filter(ballot=ballot).values_list("seat_id", flat=True))


def public_channels(decision: Decision) -> dict[str, dict[str, int]]:
    """A decision's counts by channel, as the public record may show them: an open ballot's
    only. A secret ballot shows its totals alone, whatever an older record stored."""
    if decision.secrecy == Ballot.Secrecy.SECRET or not isinstance(decision.tally, dict):
        return {}
    return {
        channel: counts
        for channel, counts in decision.tally.items()
        if channel in CHANNELS and isinstance(counts, dict)
    }


def is_adopted(rule: str, yes: int, no: int, abstain: int) -> bool:
    """Whether a rule adopts with these counts. A tie always rejects."""
    if yes == no:
        return False
    if rule == Ballot.Rule.SIMPLE:
        return yes > no
    if rule == Ballot.Rule.ABSOLUTE:
        return 2 * yes > yes + no + abstain
    if rule == Ballot.Rule.TWO_THIRDS:
        return yes > 0 and 3 * yes >= 2 * (yes + no)
    raise ValueError(rule)


def outcome(rule: str, quorum: Quorum, totals: dict[str, int]) -> str:
    """What closing a ballot records now: no quorum first, then the majority rule."""
    if not quorum.reached:
        return Decision.Outcome.NO_QUORUM
    if is_adopted(rule, totals["yes"], totals["no"], totals["abstain"]):
        return Decision.Outcome.ADOPTED
    return Decision.Outcome.REJECTED


@dataclasses.dataclass(frozen=True)
class ClosePreview:
    """What closing an open ballot would record, stated to the chair before they confirm."""

    ballot: Ballot
    votes_cast: int
    voters: int  # votes that may be cast now (seats)
    quorum: Quorum
    totals: dict[str, int]
    outcome: str
    blocked: str  # why the close would be refused now, or ""

    @property
    def quorum_sentence(self) -> str:
        return quorum_sentence(self.quorum)

    @property
    def not_voted(self) -> int:
        return max(self.voters - self.votes_cast, 0)

    @property
    def outcome_label(self) -> str:
        return str(Decision.Outcome(self.outcome).label) if self.outcome else ""


def close_preview(ballot: Ballot, presence: Presence) -> ClosePreview:
    """The turnout, quorum and outcome a close would record (the same rules as the close)."""
    from deliberation import guards  # guards read through selectors

    # A secret ballot's urn is opened by its close alone: counts watched while votes come in
    # would tell the chair each new vote. The preview states turnout and quorum only.
    totals = {} if ballot.is_secret else tally(ballot).totals
    return ClosePreview(
        ballot=ballot,
        votes_cast=votes_cast(ballot),
        voters=len(presence.seats),
        quorum=presence.quorum,
        totals=totals,
        outcome=outcome(ballot.rule, presence.quorum, totals) if totals else "",
        blocked=guards.guard_close_ballot(ballot, presence) or "",
    )


def roll_call(ballot: Ballot, presence: Presence) -> list[Seat]:
    """The seats in the room still to be called in an open roll-call ballot: not yet voted
    (online, by proxy or in the room), with a vote in this meeting. [] for other ballots."""
    if ballot.is_secret or ballot.room_method != Ballot.RoomMethod.ROLL_CALL:
        return []
    from deliberation import guards  # guards read through selectors

    voted = voted_seat_ids(ballot)
    return [
        s
        for s in presence.seats
        if s.in_room
        and not online_vote_refusal(ballot, s)
        and guards.seat_owner(s, presence).pk not in voted
    ]


def last_room_entry(ballot: Ballot) -> Vote | None:
    """The latest vote the secretariat recorded at the roll call of an open ballot (which an
    undo takes back). A proxy voted in the room is recorded with the proxy channel, by
    someone other than its holder."""
    if ballot.is_secret:
        return None
    return (
        Vote.objects.filter(ballot=ballot)
        .filter(
            Q(channel=Channel.ROOM_ROLL_CALL)
            | (Q(channel=Channel.PROXY) & ~Q(recorded_by_id=F("voter__user_id")))
        )
        .select_related("voter__user", "proxy_for__user")
        .order_by("-created_at", "-pk")
        .first()
    )


def online_vote_refusal(ballot: Ballot, seat: Seat) -> str:
    """Why a seat in the room cannot vote online in this ballot ("" if it can).

    The action asks it before recording a vote, the members' room before offering a ballot
    paper: no form is offered that the action would refuse.
    """
    if not seat.in_room:
        return ""
    if ballot.room_method == Ballot.RoomMethod.SHOW_OF_HANDS:
        return _("Vous êtes en salle : ce scrutin s'y vote à main levée.")
    if ballot.room_method == Ballot.RoomMethod.PAPER:
        return _(
            "Vous êtes en salle : ce scrutin secret s'y vote sur bulletin papier, remis aux "
            "scrutateurs."
        )
    return ""


def own_votes(ballot: Ballot, user_id: int) -> list[Vote] | list[BallotParticipation]:
    """What this user recorded in the ballot: their votes (open) or participations (secret)."""
    if ballot.is_secret:
        return list(
            BallotParticipation.objects.filter(
                ballot=ballot, voter__user_id=user_id
            ).select_related("proxy_for__user")
        )
    return list(
        Vote.objects.filter(ballot=ballot, voter__user_id=user_id).select_related("proxy_for__user")
    )


def named_votes(ballot: Ballot) -> list[Vote]:
    """Who voted what in an open ballot (published at close); [] for a secret ballot."""
    if ballot.is_secret:
        return []
    return list(
        Vote.objects.filter(ballot=ballot)
        .select_related("voter__user", "proxy_for__user", "recorded_by")
        .order_by("voter__user__last_name", "voter__user__first_name", "pk")
    )


# --- Speakers ------------------------------------------------------------------------------


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


# --- Proposals and amendments --------------------------------------------------------------


def latest_version(proposal: Proposal) -> ProposalVersion:
    return proposal.versions.order_by("-number").first()  # type: ignore[return-value]


def _comments_prefetch(prefix: str = "") -> list[Prefetch[Any]]:
    visible = Comment.objects.filter(parent__isnull=True).select_related("author")
    replies = Comment.objects.select_related("author").order_by("created", "pk")
    return [
        Prefetch(
            f"{prefix}comments",
            queryset=visible.prefetch_related(Prefetch("replies", queryset=replies)),
            to_attr="top_comments",
        )
    ]


def proposals_for(item: AgendaItem) -> QuerySet[Proposal]:
    """An item's proposals with authors, versions, amendments and comment threads."""
    return (
        Proposal.objects.filter(agenda_item=item)
        .prefetch_related(
            "authors",
            Prefetch("versions", queryset=ProposalVersion.objects.order_by("number")),
            Prefetch(
                "amendments",
                queryset=Amendment.objects.select_related("author", "base_version").order_by(
                    "number"
                ),
            ),
            *_comments_prefetch(),
            *_comments_prefetch("amendments__"),
        )
        .order_by("created", "pk")
    )


@dataclasses.dataclass(frozen=True)
class ParagraphChange:
    """One operation of an amendment, for display."""

    op: str
    paragraph: int  # 1-based number in the base version
    html: SafeString  # the word diff, with <ins>/<del>


def amendment_changes(amendment: Amendment) -> list[ParagraphChange]:
    """The amendment's operations as word diffs against its base version (no query)."""
    base: Sequence[str] = amendment.base_version.paragraphs
    out = []
    for op in amendment.operations:
        n = int(op["paragraph"])
        old = base[n - 1] if 0 < n <= len(base) else ""
        if op["op"] == Amendment.Op.REPLACE:
            html = diff.word_diff(old, op.get("text", ""))
        elif op["op"] == Amendment.Op.DELETE:
            html = diff.deleted(old)
        else:
            html = diff.inserted(op.get("text", ""))
        out.append(ParagraphChange(op["op"], n, html))
    return out


def amendments_for(version: ProposalVersion) -> list[tuple[Amendment, list[ParagraphChange]]]:
    """Amendments filed against a version, each with its word diffs."""
    amendments = (
        Amendment.objects.filter(base_version=version)
        .select_related("author", "base_version", "rebased_from")
        .order_by("number")
    )
    return [(a, amendment_changes(a)) for a in amendments]


# --- A meeting at a glance -----------------------------------------------------------------


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


def public_decisions() -> QuerySet[Decision]:
    """The decisions anyone may read: the public archive's rule, asked by every public page
    (archive, sitemap, follow-up by receipt code). A closed-session item's decision stays in
    the chain but is not public, whenever the item was switched to a closed session."""
    return Decision.objects.filter(agenda_item__is_public=True)


def decisions_for(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).select_related("ballot", "agenda_item")


# --- A member's public record -------------------------------------------------------------


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
        Membership.objects.filter(council_id=council_id, user_id=user_id, role__in=SEATED_ROLES)
        .select_related("user")
        .order_by("-start")
    )
    held = [(m.start, m.end) for m in mandates]
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
    votes = (
        Vote.objects.filter(
            seat__user_id=user_id,
            seat__council_id=council_id,
            ballot__secrecy=Ballot.Secrecy.OPEN,
            ballot__state=Ballot.State.CLOSED,
            ballot__agenda_item__is_public=True,
            ballot__decision__isnull=False,
        )
        .select_related("ballot__decision__council", "ballot__decision__meeting", "voter__user")
        .order_by("-ballot__closed_at", "-pk")
    )
    return MemberRecord(mandates, attendance, speaking_turns, proposals, amendments, votes)
