"""What one viewer is offered in the room: ballot papers, amendments to act on, forms, the
chair's console. The guards the actions ask decide each offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from deliberation import forms, guards, selectors
from deliberation.live.announcements import result_in_words
from deliberation.live.room import RoomReads
from deliberation.models import (
    AgendaItem,
    Amendment,
    Ballot,
    Choice,
    Meeting,
    Proposal,
)
from deliberation.text.paragraphs import carry_over


@dataclass(frozen=True)
class Offer:
    """A form the page offers, or the reason it does not (the refusal the action would give)."""

    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def offer(*refusals: str | None) -> Offer:
    """Offered when no guard refuses; else the first refusal, to say why in the page."""
    return Offer(next((r for r in refusals if r), ""))


class RoomState(RoomReads):
    """Everything the fragments of one meeting show, for one audience and, on a page, one
    viewer: their ballot papers and amendments, the forms they are offered, the console."""

    @cached_property
    def ballot_papers(self) -> list[dict[str, Any]]:
        """The viewer's ballot papers for the open ballot: one per seat (own vote, proxy)."""
        ballot = self.open_ballot
        user = self.user
        if ballot is None or user is None or not user.is_authenticated:
            return []
        seats = self.presence.seats_of(user.pk)
        if not seats:
            return []
        recorded = {(v.voter_id, v.proxy_for_id): v for v in selectors.own_votes(ballot, user.pk)}
        papers = []
        for seat in seats:
            vote = recorded.get(seat.key)
            choice = getattr(vote, "choice", None) if vote is not None else None
            paper: dict[str, Any] = {
                "ballot": ballot,
                "proxy_for": seat.proxy_for,
                "recorded": vote is not None,
                "choice_label": Choice(choice).label if choice else "",
                # In the room, by show of hands, on paper or at the roll call: no online form.
                "in_room": (guards.guard_online_vote(ballot, seat) or "") if vote is None else "",
            }
            # An election's round has its own ballot paper, on the election's page.
            if vote is None and not paper["in_room"] and ballot.election_id is None:
                bound = self.bound_forms.get("vote")
                if bound is not None and bound.data.get("proxy_for", "") == str(
                    seat.proxy_for.pk if seat.proxy_for else ""
                ):
                    paper["form"] = bound
                else:
                    paper["form"] = forms.build_form(
                        "vote",
                        self,
                        initial={
                            "ballot": ballot.pk,
                            "proxy_for": seat.proxy_for.pk if seat.proxy_for else None,
                        },
                        auto_id=f"id_vote_{ballot.pk}_{seat.key[1] or 0}_%s",
                    )
            papers.append(paper)
        return papers

    @cached_property
    def reply_draft(self) -> dict[str, Any]:
        """A refused reply handed back: which comment it answered, and its bound form."""
        form = self.bound_forms.get("reply")
        if form is None:
            return {}
        try:
            parent = int(form.data.get("parent", ""))
        except ValueError:
            parent = 0
        return {"parent": parent, "form": form}

    @cached_property
    def my_amendments(self) -> list[Amendment]:
        """The viewer's amendments on the current item that they may still act on.

        A pending one can be withdrawn (unless it is being voted on); a stale one carries
        its rebase form, pre-filled with its operations carried over to the current version.
        """
        user = self.user
        if user is None or not user.is_authenticated or not self.is_inside:
            return []
        voted_on = self.open_ballot.amendment_id if self.open_ballot is not None else None
        mine = []
        for proposal in self.proposals:
            amendments = list(proposal.amendments.all())
            restated = {a.rebased_from_id for a in amendments if a.rebased_from_id}
            for amendment in amendments:
                if amendment.author_id != user.pk or amendment.pk in restated:
                    continue
                if amendment.state == Amendment.State.PENDING:
                    amendment.under_vote = amendment.pk == voted_on  # type: ignore[attr-defined]
                elif amendment.state == Amendment.State.STALE:
                    amendment.rebase_form = self._rebase_form(proposal, amendment)  # type: ignore[attr-defined]
                    amendment.proposal_title = proposal.title  # type: ignore[attr-defined]
                else:
                    continue
                mine.append(amendment)
        return mine

    def _rebase_form(self, proposal: Proposal, amendment: Amendment) -> Any:
        bound = self.bound_forms.get("rebase")
        if bound is not None and bound.data.get("amendment") == str(amendment.pk):
            return bound
        operations = carried_over(proposal, amendment)
        initial: dict[str, Any] = {
            "amendment": amendment.pk,
            "justification": amendment.justification,
        }
        for i, operation in enumerate(operations):
            initial.update(
                {
                    f"op_{i}": operation["op"],
                    f"paragraph_{i}": operation["paragraph"],
                    f"text_{i}": operation.get("text", ""),
                }
            )
        return forms.RebaseForm(
            initial=initial, rows=len(operations), auto_id=f"id_rebase_{amendment.pk}_%s"
        )

    def seat_label(self, voter_id: int, proxy_for_id: int | None) -> str:
        seat = next((s for s in self.presence.seats if s.key == (voter_id, proxy_for_id)), None)
        return forms.seat_label(seat) if seat is not None else ""

    @cached_property
    def roll_call(self) -> list[dict[str, Any]]:
        """The open roll-call ballot's seats still to call in the room, one row each."""
        ballot = self.open_ballot
        if ballot is None or not self.is_staff:
            return []
        return [
            {"value": forms.seat_value(*s.key), "label": forms.seat_label(s)}
            for s in self.roll_call_seats
        ]

    @cached_property
    def last_room_entry(self) -> Any:
        """The roll call's last entry, which the secretariat may take back."""
        ballot = self.open_ballot
        if ballot is None or not self.is_staff:
            return None
        vote = selectors.last_room_entry(ballot)
        if vote is not None:
            vote.label = forms.seat_label(vote)  # type: ignore[attr-defined]
        return vote

    @cached_property
    def last_result(self) -> str:
        """The last closed ballot of the current item in words, quorum included if lacking."""
        closed = [b for b in self.ballots if b.state == Ballot.State.CLOSED]
        decision = getattr(closed[-1], "decision", None) if closed else None
        return result_in_words(decision) if decision is not None else ""

    # --- What this viewer is offered: the actions' own guards, asked before offering ---------

    def _may(self, permission: str, obj: Any, message: str) -> str | None:
        return guards.guard_permission(self.user, permission, obj, message)

    @cached_property
    def offers(self) -> dict[str, Offer]:
        """Per viewer: which of the members' room forms this person may use right now.

        Shared fragments (rendered once per audience for a push, without a viewer) offer
        what the audience may do; a page rendered for its viewer asks for that viewer.
        """
        item, meeting = self.item, self.meeting
        offers: dict[str, Offer] = {}
        if self.user is None:
            offers["comment"] = Offer()
        else:
            offers["comment"] = offer(
                guards.guard_comment_role(self.user, meeting),
                _("Aucun point en cours.") if item is None else None,
                guards.guard_comment(self.user, item) if item is not None else None,
            )
        offers["speak"] = offer(
            _("Aucun point en cours.") if item is None else None,
            guards.guard_may_request_floor(self.user, item or meeting),
            guards.guard_request_floor(item, self.viewer)
            if item is not None and self.viewer is not None
            else None,
        )
        offers["proxy"] = offer(
            guards.guard_may_give_proxy(self.user, meeting),
            guards.guard_own_proxy(self.viewer, self.presence),
        )
        return offers

    @property
    def comment_role_refusal(self) -> str:
        """Why this viewer never comments, whatever the phase ("" if they may)."""
        return guards.guard_comment_role(self.user, self.meeting) or ""

    @cached_property
    def console(self) -> Console:
        """The staff console's buttons and forms (the same for every member of staff)."""
        return Console(self)

    @cached_property
    def roll_call_seats(self) -> list[selectors.Seat]:
        """The seats in the room whose vote the secretariat may still record at the roll call."""
        ballot = self.open_ballot
        return selectors.roll_call(ballot, self.presence) if ballot is not None else []

    @cached_property
    def forms(self) -> _Forms:
        return _Forms(self)


class Console:
    """The staff console's offers, each asked only when a fragment shows it: a vote's push
    re-renders the ballot panels, which need neither the agenda's nor the proxies' guards."""

    def __init__(self, room: RoomState) -> None:
        self._room = room

    @cached_property
    def close_meeting(self) -> Offer:
        room = self._room
        return offer(guards.guard_close_meeting(room.meeting, ballot_open=room.ballot_open))

    @cached_property
    def items(self) -> list[tuple[AgendaItem, Offer]]:
        """(item, the offer of its button: close if open, else open)."""
        ballot_open = self._room.ballot_open
        return [
            (
                item,
                offer(
                    guards.guard_close_item(item, ballot_open=ballot_open)
                    if item.state == AgendaItem.State.OPEN
                    else guards.guard_open_item(item, ballot_open=ballot_open)
                ),
            )
            for item in self._room.items
        ]

    @cached_property
    def items_held(self) -> str:
        """A refusal that holds back every item that could be opened (an open ballot holds
        them all): the agenda says it once above its rows rather than on each."""
        reasons = [o.reason for item, o in self.items if item.state != AgendaItem.State.OPEN]
        if len(reasons) > 1 and all(r and r == reasons[0] for r in reasons):
            return reasons[0]
        return ""

    @cached_property
    def close_ballot(self) -> Offer:
        room = self._room
        if room.open_ballot is None:
            return offer()
        return offer(guards.guard_close_ballot(room.open_ballot, room.presence))

    @cached_property
    def _closed(self) -> str | None:
        if self._room.meeting.state == Meeting.State.CLOSED:
            return str(_("La séance est close."))
        return None

    @cached_property
    def attendance(self) -> Offer:
        return offer(self._closed)

    @cached_property
    def staff_proxy(self) -> Offer:
        presence = self._room.presence
        return offer(
            self._closed,
            None
            if guards.proxy_givers(presence)
            else _("Aucun membre absent ne peut donner procuration pour l'instant."),
            None
            if guards.proxy_holders(presence)
            else _("Aucun membre présent ne peut recevoir de procuration pour l'instant."),
        )


def carried_over(proposal: Proposal, amendment: Amendment) -> list[dict[str, Any]]:
    """The amendment's operations with paragraph numbers moved to the current version.

    Each version merged since the amendment's base shifted paragraphs (insertions,
    deletions); the arithmetic is deliberation.text.paragraphs.carry_over.
    """
    versions = list(proposal.versions.all())
    amendments = {a.pk: a for a in proposal.amendments.all()}
    base_number = amendment.base_version.number
    previous = next((v for v in versions if v.number == base_number), None)
    merges: list[tuple[int, list[dict[str, Any]]]] = []
    for version in versions:
        if version.number <= base_number or previous is None:
            continue
        source = amendments.get(version.from_amendment_id or 0)
        if source is not None:
            merges.append((len(previous.paragraphs), source.operations))
        previous = version
    length = len(previous.paragraphs) if previous is not None else 0
    return carry_over(amendment.operations, merges, length)


class _Forms:
    """Blank forms built from the room's state, unless the page handed back a bound one."""

    def __init__(self, room: RoomState) -> None:
        self._room = room
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._room.bound_forms:
            return self._room.bound_forms[name]
        if name not in self._cache:
            self._cache[name] = forms.blank_form(name, self._room)
        return self._cache[name]
