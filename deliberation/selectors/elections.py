"""Elections of persons: the elections on an item, their candidacies and rounds."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Min, Prefetch

from council.models import Membership
from deliberation.models import AgendaItem, Ballot, Candidacy, Election
from deliberation.models.elections import BLANK, INVALID, YES_NO_OPTIONS


@dataclasses.dataclass(frozen=True)
class ElectionView:
    """An election as the item's pages show it."""

    election: Election
    candidacies: list[Candidacy]  # live (not withdrawn), in the order filed
    rounds: list[Ballot]

    @property
    def standing(self) -> list[Candidacy]:
        """The candidacies that count: consented, not withdrawn."""
        return [c for c in self.candidacies if c.counts]

    @property
    def open_round(self) -> Ballot | None:
        return next((b for b in self.rounds if b.state == Ballot.State.OPEN), None)

    @property
    def last_round(self) -> Ballot | None:
        return self.rounds[-1] if self.rounds else None


def _live_candidacies() -> Any:
    return Prefetch(
        "candidacies",
        queryset=Candidacy.objects.filter(withdrawn_at__isnull=True).select_related(
            "candidate__user", "proposed_by__user"
        ),
        to_attr="live_candidacies",
    )


def _rounds() -> Any:
    return Prefetch(
        "rounds",
        queryset=Ballot.objects.select_related("decision").order_by("round_number"),
        to_attr="all_rounds",
    )


def _view(election: Election) -> ElectionView:
    return ElectionView(
        election,
        list(getattr(election, "live_candidacies", [])),
        list(getattr(election, "all_rounds", [])),
    )


def elections_for(item: AgendaItem) -> list[ElectionView]:
    """The item's elections with their live candidacies and rounds (three queries)."""
    found = Election.objects.filter(agenda_item=item).prefetch_related(
        _live_candidacies(), _rounds()
    )
    return [_view(e) for e in found]


def election_view(election_id: int) -> ElectionView | None:
    election = (
        Election.objects.filter(pk=election_id)
        .select_related("agenda_item__meeting__council")
        .prefetch_related(_live_candidacies(), _rounds())
        .first()
    )
    if election is None:
        return None
    return _view(election)


def council_seat(user_id: int, council_id: int) -> Membership | None:
    """The user's current seat in the council (a member's mandate), if any."""
    return (
        Membership.objects.current()
        .filter(user_id=user_id, council_id=council_id, has_voting_right=True)
        .select_related("user")
        .order_by("start", "pk")
        .first()
    )


def seniority(council_id: int, user_ids: list[int]) -> dict[int, datetime.date]:
    """The start of each person's first mandate in the council (the tie-break's seniority)."""
    rows = (
        Membership.objects.filter(council_id=council_id, user_id__in=user_ids)
        .values("user_id")
        .annotate(first=Min("start"))
    )
    return {row["user_id"]: row["first"] for row in rows}


def round_options(election: Election, keys: list[str]) -> tuple[str, ...]:
    """A round's urn options: the candidacies' keys (or yes/no/abstain), blank, invalid."""
    if election.mode == Election.Mode.YES_NO:
        return (*YES_NO_OPTIONS, BLANK, INVALID)
    return (*keys, BLANK, INVALID)


def round_candidates(ballot: Ballot) -> list[str]:
    """The candidacy keys a round's ballot paper names ([] in a yes/no round)."""
    return [str(o) for o in ballot.options if o not in (*YES_NO_OPTIONS, BLANK, INVALID)]


def members_with_vote(council_id: int) -> list[Membership]:
    """The council's current seats with a vote, by name (whom a member may propose)."""
    return list(
        Membership.objects.current()
        .filter(council_id=council_id, has_voting_right=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
