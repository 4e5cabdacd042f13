"""Closing an election's round: the count, its Decision, and the mandates it makes.

The round's totals come out of the sealed urn once, under the ballot's row lock;
deliberation.counting applies the rules (absolute majority, second round, the council's
tie-break) and says each step in French; the Decision records the count per candidate and
these steps in the council's chain; the elected receive their office from the decision's
day, with its reference (council.actions.do_assign_office).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from council.actions import do_assign_office
from council.models import Membership, User
from deliberation import chain, counting, events, guards, selectors
from deliberation.actions.common import ActionError, audit, meeting_event, refuse_if, require
from deliberation.actions.elections import election_event
from deliberation.actions.votes import locked_open_ballot
from deliberation.models import Attendance, Ballot, Candidacy, Decision, Election, Proxy
from deliberation.models.elections import BLANK, INVALID, YES_NO_OPTIONS


def _candidates(ballot: Ballot, election: Election) -> list[Candidacy]:
    keys = selectors.round_candidates(ballot)
    found = Candidacy.objects.filter(election=election).select_related("candidate__user")
    if election.mode == Election.Mode.YES_NO:
        return [c for c in found if c.counts]
    by_key = {c.key: c for c in found}
    return [by_key[k] for k in keys if k in by_key]


def _count(ballot: Ballot, election: Election, candidacies: list[Candidacy]) -> Any:
    council = election.agenda_item.meeting.council
    first = selectors.seniority(council.pk, [c.candidate.user_id for c in candidacies])
    candidates = [
        counting.Candidate(
            key=c.key,
            name=str(c.candidate.user),
            seniority=first.get(c.candidate.user_id, c.candidate.start),
            birth_date=c.candidate.user.birth_date,
        )
        for c in candidacies
    ]
    totals = selectors.ballot_urn(ballot).totals()
    if election.mode == Election.Mode.YES_NO:
        votes = {o: totals.get(o, 0) for o in YES_NO_OPTIONS}
    else:
        votes = {c.key: totals.get(c.key, 0) for c in candidates}
    result = counting.count_election(
        mode=election.mode,
        seats=election.seats,
        round_number=ballot.round_number or 1,
        candidates=candidates,
        votes=votes,
        ballots=selectors.votes_cast(ballot),
        blank=totals.get(BLANK, 0),
        invalid=totals.get(INVALID, 0),
        tie_break=council.tie_break,
    )
    return result, totals


def _outcome(result: Any) -> str:
    if result.elected:
        return Decision.Outcome.ELECTED
    if result.runoff:
        return Decision.Outcome.RUNOFF
    return Decision.Outcome.NO_RESULT


@transaction.atomic
def do_close_round(ballot_id: int, *, acting_user: User) -> Decision:
    locked_open_ballot(ballot_id)
    ballot = Ballot.objects.select_related("agenda_item__meeting__council", "election").get(
        pk=ballot_id
    )
    election = ballot.election
    assert election is not None
    meeting = ballot.agenda_item.meeting
    presence = selectors.presence(meeting)
    refuse_if(guards.guard_close_ballot(ballot, presence))
    candidacies = _candidates(ballot, election)
    # The record is written in the council's language, whoever's page closed the round.
    with translation.override(settings.LANGUAGE_CODE):
        result, totals = _count(ballot, election, candidacies)
        office_label = str(election.get_office_display())
    names = {c.key: str(c.candidate.user) for c in candidacies}
    outcome = _outcome(result)
    now = timezone.now()
    ballot.state = Ballot.State.CLOSED
    ballot.closed_at = now
    ballot.closed_by = acting_user
    ballot.urn = None
    ballot.save(update_fields=["state", "closed_at", "closed_by", "urn"])
    decision = Decision(
        council_id=meeting.council_id,
        ballot=ballot,
        meeting=meeting,
        agenda_item=ballot.agenda_item,
        outcome=outcome,
        subject=Ballot.Subject.ELECTION,
        question=ballot.question,
        secrecy=ballot.secrecy,
        rule=ballot.rule,
        tally={
            "total": dict(totals),
            "ballots": result.ballots,
            "valid": result.valid,
            "blank": result.blank,
            "invalid": result.invalid,
            "majority": result.majority,
            "voters": len(presence.seats),
        },
        quorum=presence.quorum.as_dict(),
        named_votes=[],
        text_voted={
            "kind": "election",
            "election": election.pk,
            "office": election.office,
            "office_label": office_label,
            "body": election.body,
            "seats": election.seats,
            "mode": election.mode,
            "round": ballot.round_number,
            "candidates": [{"key": k, "name": n} for k, n in names.items()],
            "elected": list(result.elected),
            "elected_names": [names.get(k, k) for k in result.elected],
            "runoff": list(result.runoff),
            "steps": [str(s) for s in result.steps],
        },
        opened_at=ballot.opened_at or now,
        closed_at=now,
        closed_by=acting_user,
    )
    chain.lock_chain()
    chain.link(decision, Decision)
    decision.save(force_insert=True)
    _conclude(election, decision, [c for c in candidacies if c.key in result.elected], outcome)
    audit(
        "election_round_closed",
        actor=acting_user,
        meeting=meeting,
        ballot=ballot,
        outcome=outcome,
        totals=totals,
        decision=decision.reference,
        decision_hash=decision.hash,
    )
    meeting_event(
        meeting.pk,
        events.BallotClosed(
            meeting_id=meeting.pk,
            item_id=ballot.agenda_item_id,
            ballot_id=ballot.pk,
            decision_id=decision.pk,
            outcome=outcome,
        ),
    )
    meeting_event(
        meeting.pk, events.DecisionRecorded(meeting_id=meeting.pk, decision_id=decision.pk)
    )
    return decision


def _conclude(
    election: Election, decision: Decision, elected: list[Candidacy], outcome: str
) -> None:
    """The election's state after the round; the elected receive their office."""
    if outcome == Decision.Outcome.RUNOFF:
        election_event(election, "runoff")
        return
    start = timezone.localdate(decision.closed_at)
    for candidacy in elected:
        do_assign_office(
            election.agenda_item.meeting.council,
            candidacy.candidate.user,
            election.role,
            start=start,
            decision=decision.reference,
            body=election.body,
            acting_user=decision.closed_by,
        )
    _carry_seats(election.agenda_item.meeting.council_id, start)
    election.state = Election.State.DECIDED if elected else Election.State.NO_RESULT
    election.save(update_fields=["state"])
    election_event(election, election.state)


def _carry_seats(council_id: int, start: datetime.date) -> None:
    """A seat that continues under another office from `start` (the elected, an outgoing
    chair back to a member's seat) keeps its place in the meetings held from that day — the
    one electing them goes on: their attendance and proxies move to the new mandate."""
    successors = Membership.objects.filter(
        council_id=council_id, start=start, succeeds__isnull=False
    )
    from_day = {"meeting__start__date__gte": start}
    for new in successors:
        old = new.succeeds_id
        if old is None:
            continue
        Attendance.objects.filter(membership_id=old, **from_day).update(membership=new)
        Attendance.objects.filter(replaces_id=old, **from_day).update(replaces=new)
        Proxy.objects.filter(giver_id=old, **from_day).update(giver=new)
        Proxy.objects.filter(holder_id=old, **from_day).update(holder=new)


def check_close_round(ballot_id: Any, *, acting_user: User) -> Decision:
    try:
        pk = int(ballot_id.pk if isinstance(ballot_id, Ballot) else ballot_id)
    except (TypeError, ValueError):
        pk = 0
    ballot = (
        Ballot.objects.filter(pk=pk, election__isnull=False)
        .select_related("agenda_item__meeting")
        .first()
    )
    if ballot is None:
        raise ActionError(_("Ce tour de scrutin n'existe pas."))
    if ballot.state == Ballot.State.CLOSED:
        raise ActionError(_("Ce tour de scrutin est déjà clos."))
    require(
        "deliberation.close_election_round",
        acting_user,
        ballot,
        _("Seule la présidence clôt un tour de scrutin."),
    )
    return do_close_round(ballot.pk, acting_user=acting_user)
