"""The sentences screen readers hear after an event, and a decision in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation import election_record, events, selectors
from deliberation.models import (
    Ballot,
    Decision,
)

if TYPE_CHECKING:
    from deliberation.live.room import RoomReads


def _result_phrase(subject: str, outcome: str) -> str:
    # Whole phrases, not a noun and an adjective glued together: the participle agrees with
    # the noun in French (amendement adopté, proposition adoptée) and word order differs.
    phrases: dict[tuple[str, str], str] = {
        (Ballot.Subject.AMENDMENT, Decision.Outcome.ADOPTED): _("amendement adopté"),
        (Ballot.Subject.AMENDMENT, Decision.Outcome.REJECTED): _("amendement rejeté"),
        (Ballot.Subject.PROPOSAL, Decision.Outcome.ADOPTED): _("proposition adoptée"),
        (Ballot.Subject.PROPOSAL, Decision.Outcome.REJECTED): _("proposition rejetée"),
        (Ballot.Subject.PROCEDURAL, Decision.Outcome.ADOPTED): _("question adoptée"),
        (Ballot.Subject.PROCEDURAL, Decision.Outcome.REJECTED): _("question rejetée"),
    }
    return phrases.get((subject, outcome)) or (
        _("question adoptée") if outcome == Decision.Outcome.ADOPTED else _("question rejetée")
    )


def announcement_for_decision(decision: Decision) -> str:
    """ "Scrutin clos : amendement adopté, 9 pour, 3 contre, 1 abstention", in the active
    language, with each count's plural from the catalogue (French: 0 and 1 are singular)."""
    if decision.outcome == Decision.Outcome.NO_QUORUM:
        return _("Scrutin clos : quorum non atteint")
    if election_record.is_election(decision):
        # An election round: the votes per candidate, blank, invalid, and who is elected.
        return _("Scrutin clos : %(summary)s") % {
            "summary": election_record.election_summary(decision)
        }
    total = decision.tally.get("total", {}) if isinstance(decision.tally, dict) else {}
    yes, no, abstain = (int(total.get(key, 0)) for key in ("yes", "no", "abstain"))
    return _("Scrutin clos : %(result)s, %(yes)s, %(no)s, %(abstain)s") % {
        "result": _result_phrase(decision.subject, decision.outcome),
        "yes": ngettext("%(count)s pour", "%(count)s pour", yes) % {"count": yes},
        "no": ngettext("%(count)s contre", "%(count)s contre", no) % {"count": no},
        "abstain": ngettext("%(count)s abstention", "%(count)s abstentions", abstain)
        % {"count": abstain},
    }


def result_in_words(decision: Decision) -> str:
    """A decision as the chair reads it after the close; a lacking quorum said in full."""
    if decision.outcome != Decision.Outcome.NO_QUORUM:
        return announcement_for_decision(decision) + "."
    quorum = selectors.quorum_from_record(decision.quorum)
    if quorum is None:
        return _("Scrutin clos, rien n’est décidé : quorum non atteint.")
    return " ".join([_("Scrutin clos, rien n’est décidé."), selectors.quorum_sentence(quorum)])


def announcement(event: events.Event, room: RoomReads) -> str:
    """A sentence for screen readers, or "" for changes that should pass silently."""
    if event.type == "deliberation.ballot_closed":
        decision = (
            Decision.objects.filter(ballot_id=getattr(event, "ballot_id", 0))
            .select_related("agenda_item")
            .first()
        )
        if decision is None or (room.is_public and not decision.agenda_item.is_public):
            return ""
        if decision.outcome == Decision.Outcome.NO_QUORUM:
            return result_in_words(decision)
        return announcement_for_decision(decision)
    if event.type == "deliberation.ballot_opened":
        ballot = room.open_ballot
        return _("Scrutin ouvert : %(question)s") % {"question": ballot.question} if ballot else ""
    if event.type == "deliberation.item_opened" and room.current_item is not None:
        return _("Point %(number)s ouvert : %(title)s") % {
            "number": room.current_item.display_number,
            "title": room.current_item.title,
        }
    return ""
