"""Ballots and their counts: the open ballot, tallies, the urn, who voted, the roll call.

Counting rules (`is_adopted`, `outcome`) live here, once: the close and its preview ask them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from council.models import Membership
from deliberation.models import (
    AgendaItem,
    Ballot,
    BallotParticipation,
    Choice,
    Decision,
    Vote,
    VoteChannel,
)
from deliberation.selectors.seats import Presence, Quorum, Seat, active_substitution
from deliberation.urn import Urn

SHOW_OF_HANDS = "show_of_hands"
CHOICES: tuple[str, ...] = tuple(Choice.values)
CHANNELS: tuple[str, ...] = (*VoteChannel.values, SHOW_OF_HANDS)
# The parts of a secret ballot's urn: online and proxy votes together, the room's paper.
URN_ONLINE = "online"
URN_PAPER = "paper"
URN_PARTS: tuple[str, ...] = (URN_ONLINE, URN_PAPER)


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


def urn_options(ballot: Ballot) -> tuple[str, ...]:
    """What a secret ballot's urn counts: yes/no/abstain, or an election round's options."""
    return tuple(str(o) for o in ballot.options) if ballot.options else CHOICES


def ballot_urn(ballot: Ballot) -> Urn:
    """A secret ballot's counts as stored now, unsealed (deliberation.urn)."""
    sealed = Ballot.objects.filter(pk=ballot.pk).values_list("urn", flat=True).first()
    if not sealed:
        return Urn.empty(urn_options(ballot), URN_PARTS)
    return Urn.open(sealed, ballot.pk, urn_options(ballot), URN_PARTS)


def tally(ballot: Ballot) -> Tally:
    """Votes by channel and choice (one query at most); room totals included."""
    if ballot.is_secret:
        # Once closed, the urn is emptied and the Decision holds the totals.
        decision = Decision.objects.filter(ballot=ballot).only("tally").first()
        if decision is not None:
            total = decision.tally.get("total", {})
            totals = {option: int(total.get(option, 0)) for option in urn_options(ballot)}
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


def seat_owner(seat: Seat, presence: Presence) -> Membership:
    """Whose vote a seat carries: the proxy giver, the member a substitute replaces, or own."""
    if seat.proxy_for is not None:
        return seat.proxy_for
    by_id = {m.pk: m for m in presence.memberships}
    replaced = active_substitution(seat.voter, presence.attendance, by_id)
    return replaced or seat.voter


def roll_call(ballot: Ballot, presence: Presence) -> list[Seat]:
    """The seats in the room still to be called in an open roll-call ballot: not yet voted
    (online, by proxy or in the room), with a vote in this meeting. [] for other ballots."""
    if ballot.is_secret or ballot.room_method != Ballot.RoomMethod.ROLL_CALL:
        return []
    voted = voted_seat_ids(ballot)
    return [
        s
        for s in presence.seats
        if s.in_room
        and not online_vote_refusal(ballot, s)
        and seat_owner(s, presence).pk not in voted
    ]


def last_room_entry(ballot: Ballot) -> Vote | None:
    """The latest vote the secretariat recorded at the roll call of an open ballot (which an
    undo takes back). A proxy voted in the room is recorded with the proxy channel, by
    someone other than its holder."""
    if ballot.is_secret or ballot.room_method != Ballot.RoomMethod.ROLL_CALL:
        return None
    # The votes of the room's channels, newest first; a proxy vote counts only if someone
    # else than its holder recorded it (compared here: a negated join makes a subquery).
    votes = (
        Vote.objects.filter(
            ballot=ballot, channel__in=(VoteChannel.ROOM_ROLL_CALL, VoteChannel.PROXY)
        )
        .select_related("voter__user", "proxy_for__user")
        .order_by("-created_at", "-pk")
    )
    return next(
        (
            vote
            for vote in votes
            if vote.channel == VoteChannel.ROOM_ROLL_CALL
            or vote.recorded_by_id != vote.voter.user_id
        ),
        None,
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
