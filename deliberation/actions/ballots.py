"""Opening a ballot: its subject, question, rule, secrecy and how the room votes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import User
from deliberation import events, selectors
from deliberation.actions.common import (
    QUESTION_MAX,
    ActionError,
    audit,
    clean_seconds,
    clean_text,
    meeting_event,
    require,
)
from deliberation.models import (
    AgendaItem,
    Amendment,
    Ballot,
    Election,
    Proposal,
)


def ballot_event(ballot: Ballot, votes: int, *, room: bool = False) -> None:
    """The count changed: by a vote from outside the room, or (`room`) by a seat in the room
    or the room's totals."""
    meeting_id = ballot.agenda_item.meeting_id
    event = events.RoomVotesChanged if room else events.VoteCountChanged
    meeting_event(
        meeting_id,
        event(
            meeting_id=meeting_id,
            item_id=ballot.agenda_item_id,
            ballot_id=ballot.pk,
            votes_cast=votes,
        ),
    )


def _default_question(subject: str, amendment: Amendment | None, proposal: Proposal | None) -> str:
    if subject == Ballot.Subject.AMENDMENT and amendment is not None:
        return _("Adopter l'amendement n° %(number)s à « %(title)s » ?") % {
            "number": amendment.number,
            "title": amendment.proposal.title,
        }
    if proposal is not None:
        return _("Adopter « %(title)s » ?") % {"title": proposal.title}
    return ""


@transaction.atomic
def do_open_ballot(
    item: AgendaItem,
    *,
    subject: str,
    question: str,
    amendment: Amendment | None = None,
    proposal: Proposal | None = None,
    secrecy: str = Ballot.Secrecy.OPEN,
    rule: str = Ballot.Rule.SIMPLE,
    room_method: str = Ballot.RoomMethod.ROLL_CALL,
    show_running_tally: bool = False,
    duration: int | None = None,
    election: Election | None = None,
    round_number: int | None = None,
    options: tuple[str, ...] = (),
    acting_user: User,
) -> Ballot:
    meeting = selectors.meeting_for_update(item.meeting_id)
    quorum = selectors.quorum_for(meeting)
    if not quorum.reached:
        raise ActionError(
            _(
                "Quorum non atteint : %(present)s membres présents sur %(total)s, "
                "il en faut %(required)s pour voter."
            )
            % {
                "present": quorum.present,
                "total": quorum.members_with_vote,
                "required": quorum.required,
            }
        )
    version = None
    if amendment is not None:
        version = amendment.base_version
        proposal = amendment.proposal
    elif proposal is not None:
        version = selectors.latest_version(proposal)
    now = timezone.now()
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                agenda_item=item,
                subject=subject,
                amendment=amendment,
                proposal=proposal,
                proposal_version=version,
                question=question,
                secrecy=secrecy,
                rule=rule,
                room_method=room_method,
                show_running_tally=show_running_tally,
                state=Ballot.State.OPEN,
                opened_at=now,
                # Announced, not enforced: the chair closes the ballot.
                deadline=now + datetime.timedelta(seconds=duration) if duration else None,
                opened_by=acting_user,
                election=election,
                round_number=round_number,
                options=list(options),
            )
    except IntegrityError:
        raise ActionError(_("Un scrutin est déjà ouvert sur ce point.")) from None
    if ballot.is_secret:
        # Sealed empty from the start: every version of the urn has the same size.
        ballot.urn = selectors.ballot_urn(ballot).seal(ballot.pk)
        ballot.save(update_fields=["urn"])
    audit(
        "ballot_opened",
        actor=acting_user,
        meeting=meeting,
        ballot=ballot,
        subject=subject,
        secrecy=secrecy,
        rule=rule,
        room_method=room_method,
        quorum=quorum.as_dict(),
    )
    meeting_event(
        meeting.pk,
        events.BallotOpened(meeting_id=meeting.pk, item_id=item.pk, ballot_id=ballot.pk),
    )
    return ballot


def _room_method_for(secrecy: str, room_method: Any) -> str:
    """How the room votes: chosen, or by default roll call (open) or paper ballots (secret).

    A secret ballot's room part is paper ballots counted by the tellers, entered as totals:
    a roll call would have the secretariat write down each member's choice by name, and a
    show of hands lets everyone in the room see it. Paper ballots are anonymous, so they
    cannot make an open (named) vote.
    """
    secret = secrecy == Ballot.Secrecy.SECRET
    if room_method in (None, ""):
        return Ballot.RoomMethod.PAPER if secret else Ballot.RoomMethod.ROLL_CALL
    if room_method not in Ballot.RoomMethod.values:
        raise ActionError(_("Choisissez comment la salle vote."), "room_method")
    if secret and room_method == Ballot.RoomMethod.ROLL_CALL:
        raise ActionError(
            _(
                "Un scrutin secret ne se vote pas par appel nominal : en salle, il se vote "
                "sur bulletins papier comptés par les scrutateurs."
            ),
            "room_method",
        )
    if secret and room_method == Ballot.RoomMethod.SHOW_OF_HANDS:
        raise ActionError(
            _(
                "Un scrutin secret ne se vote pas à main levée : en salle, il se vote sur "
                "bulletins papier comptés par les scrutateurs."
            ),
            "room_method",
        )
    if not secret and room_method == Ballot.RoomMethod.PAPER:
        raise ActionError(
            _(
                "Les bulletins papier sont anonymes : ils servent aux scrutins secrets. Pour un "
                "vote nominatif, la salle vote par appel nominal ou à main levée."
            ),
            "room_method",
        )
    return str(room_method)


def check_open_ballot(
    item: AgendaItem,
    *,
    subject: Any,
    amendment_id: Any = None,
    proposal_id: Any = None,
    question: Any = "",
    secrecy: Any = Ballot.Secrecy.OPEN,
    rule: Any = Ballot.Rule.SIMPLE,
    room_method: Any = "",
    show_running_tally: bool = False,
    duration: Any = None,
    acting_user: User,
) -> Ballot:
    require(
        "deliberation.open_ballot",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat ouvrent un scrutin, sur le point en cours."),
    )
    if subject not in Ballot.Subject.values:
        raise ActionError(_("Choisissez l'objet du scrutin."), "subject")
    if secrecy not in Ballot.Secrecy.values:
        raise ActionError(_("Choisissez un vote nominatif ou secret."), "secrecy")
    if rule not in Ballot.Rule.values:
        raise ActionError(_("Choisissez la règle de majorité."), "rule")
    room_method = _room_method_for(secrecy, room_method)
    if secrecy == Ballot.Secrecy.SECRET and show_running_tally:
        # Each count pushed after each vote would reveal every choice, one by one.
        raise ActionError(
            _("Un scrutin secret n'affiche pas de résultats en cours de vote."),
            "show_running_tally",
        )
    amendment = proposal = None
    if subject == Ballot.Subject.AMENDMENT:
        try:
            amendment = (
                Amendment.objects.select_related("proposal", "base_version")
                .filter(pk=int(amendment_id), proposal__agenda_item=item)
                .first()
            )
        except (TypeError, ValueError):
            amendment = None
        if amendment is None:
            raise ActionError(_("Amendement introuvable sur ce point."), "amendment")
        if amendment.state != Amendment.State.PENDING:
            raise ActionError(
                _("Cet amendement est « %(state)s » : il ne peut pas être mis aux voix.")
                % {"state": amendment.get_state_display()},
                "amendment",
            )
        if amendment.proposal.state != Proposal.State.DRAFT:
            raise ActionError(_("Le texte amendé n'est plus en débat."), "amendment")
    elif subject == Ballot.Subject.PROPOSAL:
        try:
            proposal = Proposal.objects.filter(pk=int(proposal_id), agenda_item=item).first()
        except (TypeError, ValueError):
            proposal = None
        if proposal is None:
            raise ActionError(_("Proposition introuvable sur ce point."), "proposal")
        if proposal.state != Proposal.State.DRAFT:
            raise ActionError(_("Cette proposition n'est plus en débat."), "proposal")
    text = clean_text(
        question,
        field="question",
        label=_("Question posée"),
        maximum=QUESTION_MAX,
        required=subject == Ballot.Subject.PROCEDURAL,
    ) or _default_question(subject, amendment, proposal)
    return do_open_ballot(
        item,
        subject=subject,
        question=text,
        amendment=amendment,
        proposal=proposal,
        secrecy=secrecy,
        rule=rule,
        room_method=room_method,
        show_running_tally=bool(show_running_tally),
        duration=clean_seconds(duration, blank=True, field="duration") or None,
        acting_user=acting_user,
    )
