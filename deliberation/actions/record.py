"""Closing a ballot: the Decision it records, chained to the council's previous one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import User
from deliberation import chain, events, guards, selectors
from deliberation.actions.amendments import merge_amendment
from deliberation.actions.common import (
    ActionError,
    audit,
    meeting_event,
    refuse_if,
    require,
)
from deliberation.actions.votes import clean_ballot_id, locked_open_ballot, refuse_election_round
from deliberation.models import (
    Amendment,
    Ballot,
    Decision,
    Proposal,
    ProposalVersion,
)


def _text_voted(ballot: Ballot) -> dict[str, Any]:
    if ballot.subject == Ballot.Subject.AMENDMENT and ballot.amendment is not None:
        base = ballot.amendment.base_version
        return {
            "kind": "amendment",
            "proposal": ballot.amendment.proposal.title,
            "amendment": ballot.amendment.number,
            "base_version": base.number,
            "base_paragraphs": list(base.paragraphs),
            "operations": list(ballot.amendment.operations),
            "justification": ballot.amendment.justification,
        }
    if ballot.subject == Ballot.Subject.PROPOSAL and ballot.proposal_version is not None:
        return {
            "kind": "proposal",
            "proposal": ballot.proposal_version.proposal.title,
            "version": ballot.proposal_version.number,
            "paragraphs": list(ballot.proposal_version.paragraphs),
        }
    return {"kind": "procedural", "question": ballot.question}


def _amendment_record(amendment: Amendment) -> dict[str, Any]:
    return {
        "id": amendment.pk,
        "number": amendment.number,
        "author": str(amendment.author),
        "operations": list(amendment.operations),
        "base_version": amendment.base_version.number,
    }


@transaction.atomic
def do_close_ballot(ballot_id: int, *, acting_user: User) -> Decision:
    """Close the ballot and record its Decision; an adopted amendment is merged into the text."""
    locked = locked_open_ballot(ballot_id)
    ballot = Ballot.objects.select_related(
        "agenda_item__meeting",
        "amendment__proposal",
        "amendment__base_version",
        "amendment__author",
        "proposal_version__proposal",
    ).get(pk=locked.pk)
    meeting = ballot.agenda_item.meeting
    presence = selectors.presence(meeting)
    refuse_if(guards.guard_close_ballot(ballot, presence))
    counted = selectors.tally(ballot)
    totals = counted.totals
    outcome = selectors.outcome(ballot.rule, presence.quorum, totals)
    now = timezone.now()
    ballot.state = Ballot.State.CLOSED
    ballot.closed_at = now
    ballot.closed_by = acting_user
    # A secret ballot's totals now live in the Decision; its urn, with the split between
    # online and paper, is emptied.
    ballot.urn = None
    ballot.save(update_fields=["state", "closed_at", "closed_by", "urn"])

    resulting_version: ProposalVersion | None = None
    applied: list[dict[str, Any]] = []
    stale: list[int] = []
    amendment = ballot.amendment
    if amendment is not None:
        if outcome == Decision.Outcome.ADOPTED:
            resulting_version, stale = merge_amendment(amendment, acting_user=acting_user)
            applied = [_amendment_record(amendment)]
        elif outcome == Decision.Outcome.REJECTED:
            amendment.state = Amendment.State.REJECTED
            amendment.save(update_fields=["state"])
    elif ballot.proposal_version is not None:
        proposal = ballot.proposal_version.proposal
        resulting_version = ballot.proposal_version
        applied = [
            _amendment_record(a)
            for a in Amendment.objects.filter(
                proposal=proposal, state=Amendment.State.ADOPTED
            ).select_related("author", "base_version")
        ]
        if outcome != Decision.Outcome.NO_QUORUM:
            proposal.state = (
                Proposal.State.ADOPTED
                if outcome == Decision.Outcome.ADOPTED
                else Proposal.State.REJECTED
            )
            proposal.save(update_fields=["state"])

    named = [
        {
            "membership": v.voter_id,
            "name": str(v.voter.user),
            "choice": v.choice,
            "channel": v.channel,
            "proxy_for": v.proxy_for_id,
            "proxy_for_name": str(v.proxy_for.user) if v.proxy_for else None,
            "recorded_by": str(v.recorded_by),
        }
        for v in selectors.named_votes(ballot)
    ]
    decision = Decision(
        council_id=meeting.council_id,
        ballot=ballot,
        meeting=meeting,
        agenda_item=ballot.agenda_item,
        outcome=outcome,
        subject=ballot.subject,
        question=ballot.question,
        secrecy=ballot.secrecy,
        rule=ballot.rule,
        tally={**counted.as_dict(), "voters": len(presence.seats)},
        quorum=presence.quorum.as_dict(),
        named_votes=named,
        text_voted=_text_voted(ballot),
        amendments_applied=applied,
        resulting_version=resulting_version,
        opened_at=ballot.opened_at or now,
        closed_at=now,
        closed_by=acting_user,
    )
    chain.lock_chain()
    chain.link(decision, Decision)
    decision.save(force_insert=True)
    audit(
        "ballot_closed",
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
    if amendment is not None and resulting_version is not None:
        meeting_event(
            meeting.pk,
            events.VersionMerged(
                meeting_id=meeting.pk,
                item_id=ballot.agenda_item_id,
                proposal_id=amendment.proposal_id,
                version_id=resulting_version.pk,
                amendment_id=amendment.pk,
                stale_amendment_ids=tuple(stale),
            ),
        )
    # Once committed: the notifications, the minutes it approves, the archive's index.
    meeting_event(
        meeting.pk, events.DecisionRecorded(meeting_id=meeting.pk, decision_id=decision.pk)
    )
    return decision


def check_close_ballot(ballot_id: Any, *, acting_user: User) -> Decision:
    ballot = (
        Ballot.objects.filter(pk=clean_ballot_id(ballot_id))
        .select_related("agenda_item__meeting")
        .first()
    )
    if ballot is None:
        raise ActionError(_("Ce scrutin n'existe pas."))
    if ballot.state == Ballot.State.CLOSED:
        raise ActionError(_("Ce scrutin est déjà clos."))
    require(
        "deliberation.close_ballot",
        acting_user,
        ballot,
        _("Seuls la présidence et le secrétariat clôturent un scrutin."),
    )
    refuse_election_round(ballot)
    return do_close_ballot(ballot.pk, acting_user=acting_user)
