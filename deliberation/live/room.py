"""What the room holds, for one audience: the reads every fragment shares.

`RoomState` (deliberation.live.state) adds what one viewer is offered. One reading of the
room serves every audience of a push (deliberation.live.render).
"""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import Any

from django.utils import timezone

from council.models import SEATED_ROLES, Membership
from deliberation import selectors
from deliberation.live.fragments import INSIDE, PUBLIC, SCREEN, STAFF
from deliberation.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Ballot,
    Meeting,
    Proposal,
    Proxy,
    SpeakerRequest,
)

# How many of the waiting speakers the screen names (then "and 3 more").
SCREEN_NEXT_SPEAKERS = 4


class RoomReads:
    """What the fragments of one meeting show, for one audience, read lazily: the agenda,
    the current item and its texts, speakers, presence and ballots.

    `forms` lets a page hand back a bound form (with its errors) in place of the blank one.
    """

    def __init__(
        self,
        meeting: Meeting,
        audience: str,
        *,
        user: Any = None,
        forms: dict[str, Any] | None = None,
    ) -> None:
        self.meeting = meeting
        self.audience = audience
        self.user = user
        self.bound_forms = forms or {}

    @property
    def is_public(self) -> bool:
        """Whether this audience sees only what the public may see (the screen does too)."""
        return self.audience in (PUBLIC, SCREEN)

    @property
    def is_screen(self) -> bool:
        return self.audience == SCREEN

    @property
    def is_inside(self) -> bool:
        return self.audience in INSIDE

    @property
    def is_staff(self) -> bool:
        return self.audience == STAFF

    @cached_property
    def items(self) -> list[AgendaItem]:
        return selectors.agenda(self.meeting)

    @cached_property
    def current_item(self) -> AgendaItem | None:
        item_id = self.meeting.current_item_id
        return next((item for item in self.items if item.pk == item_id), None)

    @cached_property
    def item(self) -> AgendaItem | None:
        """The current item, if this audience may see its content."""
        item = self.current_item
        if item is None or (self.is_public and not item.is_public):
            return None
        return item

    @cached_property
    def elections(self) -> list[selectors.ElectionView]:
        """The current item's elections and their candidacies (the list published on it)."""
        return selectors.elections_for(self.item) if self.item is not None else []

    @property
    def item_is_closed_session(self) -> bool:
        return self.current_item is not None and self.item is None

    @cached_property
    def proposals(self) -> list[Proposal]:
        if self.item is None:
            return []
        proposals = list(selectors.proposals_for(self.item))
        for proposal in proposals:
            versions = list(proposal.versions.all())
            # Annotations the fragment templates read.
            proposal.current_version = versions[-1] if versions else None  # type: ignore[attr-defined]
            proposal.earlier_versions = versions[-2::-1]  # type: ignore[attr-defined]
            for amendment in proposal.amendments.all():
                amendment.changes = [  # type: ignore[attr-defined]
                    {
                        "paragraph": change.paragraph,
                        "label": Amendment.Op(change.op).label,
                        "html": change.html,
                    }
                    for change in selectors.amendment_changes(amendment)
                ]
        return proposals

    @cached_property
    def speakers(self) -> selectors.Speakers | None:
        return selectors.speakers(self.item) if self.item is not None else None

    @property
    def current_speaker(self) -> SpeakerRequest | None:
        return self.speakers.current if self.speakers else None

    @property
    def waiting_speakers(self) -> list[SpeakerRequest]:
        return self.speakers.queue if self.speakers else []

    @cached_property
    def presence(self) -> selectors.Presence:
        return selectors.presence(self.meeting)

    @property
    def quorum(self) -> selectors.Quorum:
        return self.presence.quorum

    @property
    def quorum_sentence(self) -> str:
        return selectors.quorum_sentence(self.quorum)

    @property
    def attendances(self) -> list[Attendance]:
        return list(self.presence.attendance.values())

    @property
    def proxies(self) -> list[Proxy]:
        """The meeting's proxies, their giver's and holder's mandates with them."""
        return self.presence.proxies

    @cached_property
    def ballots(self) -> list[Ballot]:
        if self.item is None:
            return []
        ballots = [b for b in selectors.ballots_for(self.item) if b.state != Ballot.State.DRAFT]
        for ballot in ballots:
            ballot.votes_cast = (  # type: ignore[attr-defined]
                selectors.votes_cast(ballot) if ballot.state == Ballot.State.OPEN else 0
            )
        return ballots

    @cached_property
    def open_ballot(self) -> Ballot | None:
        return next((b for b in self.ballots if b.state == Ballot.State.OPEN), None)

    # --- What the room's screen shows --------------------------------------------------

    @cached_property
    def now(self) -> datetime.datetime:
        """The server's time at rendering: the clock, and the reference countdowns count from."""
        return timezone.now()

    @cached_property
    def screen_ballot(self) -> Ballot | None:
        """The open ballot, else the last one closed on the current item (its result)."""
        if self.open_ballot is not None:
            return self.open_ballot
        closed = [b for b in self.ballots if b.state == Ballot.State.CLOSED]
        return closed[-1] if closed else None

    @property
    def voters(self) -> int:
        """Votes that can be cast now: seats present, proxies included."""
        return len(self.presence.seats)

    @cached_property
    def running_tally(self) -> dict[str, int] | None:
        """Counts while the ballot is open, only where the chair chose to show them, and
        never for a secret ballot (each count after each vote would reveal every choice)."""
        ballot = self.open_ballot
        if ballot is None or ballot.is_secret or not ballot.show_running_tally:
            return None
        return dict(selectors.tally(ballot).totals)

    @cached_property
    def screen_amendment(self) -> Amendment | None:
        """The amendment the screen's ballot is about, with its word diffs."""
        ballot = self.screen_ballot
        if ballot is None or not ballot.amendment_id:
            return None
        for proposal in self.proposals:
            for amendment in proposal.amendments.all():
                if amendment.pk == ballot.amendment_id:
                    amendment.proposal_title = proposal.title  # type: ignore[attr-defined]
                    return amendment
        return None

    @property
    def next_speakers(self) -> list[SpeakerRequest]:
        return self.waiting_speakers[:SCREEN_NEXT_SPEAKERS]

    @property
    def more_speakers(self) -> int:
        return max(0, len(self.waiting_speakers) - SCREEN_NEXT_SPEAKERS)

    @property
    def members(self) -> list[Membership]:
        return [m for m in self.presence.memberships if m.role in SEATED_ROLES]

    @cached_property
    def viewer(self) -> Membership | None:
        """The viewer's mandate in the meeting's council, if any."""
        user = self.user
        if user is None or not user.is_authenticated:
            return None
        return self.presence.membership_of(user.pk)

    @cached_property
    def ballot_open(self) -> bool:
        """Any ballot of the meeting open (the current item's, as the actions ensure)."""
        if self.current_item is not None and self.item is not None:
            return self.open_ballot is not None
        return Ballot.objects.filter(
            agenda_item__meeting=self.meeting, state=Ballot.State.OPEN
        ).exists()
