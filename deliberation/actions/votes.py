"""Votes in an open ballot: cast online, recorded in the room one by one or as totals."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from council.models import User
from deliberation import events, guards, selectors
from deliberation.actions.ballots import ballot_event
from deliberation.actions.common import (
    ActionError,
    audit,
    refuse_if,
    require,
    user_event,
)
from deliberation.models import (
    Ballot,
    BallotParticipation,
    Choice,
    Vote,
    VoteChannel,
)
from deliberation.selectors import Seat
from deliberation.urn import Urn


def locked_open_ballot(ballot_id: int) -> Ballot:
    """The ballot row, locked until commit: casting and closing queue here one at a time."""
    ballot = (
        Ballot.objects.select_for_update()
        .filter(pk=ballot_id)
        .select_related("agenda_item__meeting")
        .first()
    )
    if ballot is None:
        raise ActionError(_("Ce scrutin n'existe pas."))
    if ballot.state != Ballot.State.OPEN:
        raise ActionError(_("Ce scrutin est clos : votre vote n'a pas été enregistré."), "choice")
    return ballot


_seat_owner = guards.seat_owner


def _record(
    ballot: Ballot,
    seat: Seat,
    choice: str | tuple[str, ...],
    channel: str,
    presence: selectors.Presence,
    *,
    acting_user: User,
) -> None:
    owner = _seat_owner(seat, presence)
    # An election's list ballot names several candidates: one count for each.
    options = (choice,) if isinstance(choice, str) else choice
    fields = {
        "ballot": ballot,
        "voter": seat.voter,
        "proxy_for": seat.proxy_for,
        "seat": owner,
        "channel": channel,
        "recorded_by": acting_user,
    }
    try:
        with transaction.atomic(savepoint=False):  # a duplicate refuses the whole vote
            if ballot.is_secret:
                BallotParticipation.objects.create(**fields)
            else:
                Vote.objects.create(choice=options[0], **fields)
    except IntegrityError:
        raise ActionError(_("Ce vote a déjà été enregistré."), "choice") from None
    if ballot.is_secret:
        # Online and proxy votes share the urn's "online" part: no split by channel.
        reseal(ballot, lambda urn: [urn.add(selectors.URN_ONLINE, o) for o in options])
    # Never the choice of a secret ballot in the audit trail.
    audit(
        "vote_recorded",
        actor=acting_user,
        meeting=ballot.agenda_item.meeting,
        ballot=ballot,
        voter=seat.voter.pk,
        proxy_for=seat.proxy_for.pk if seat.proxy_for else None,
        channel=channel,
        **({} if ballot.is_secret else {"choice": choice}),
    )


def reseal(ballot: Ballot, change: Any) -> None:
    """Open the ballot's urn, change it, seal it again under a fresh nonce (row locked)."""
    urn: Urn = selectors.ballot_urn(ballot)
    change(urn)
    ballot.urn = urn.seal(ballot.pk)
    ballot.save(update_fields=["urn"])


def _cast_vote(
    ballot_id: int,
    choice: str | tuple[str, ...],
    *,
    proxy_for_id: int | None = None,
    voter_id: int | None = None,
    channel: str = VoteChannel.ONLINE,
    acting_user: User,
) -> Ballot:
    """Record one vote. Under the ballot row lock: a vote racing the close is counted or refused.

    `voter_id` is the membership voting (defaults to the acting user's own seat); the
    secretariat passes it with channel=room_roll_call.
    """
    ballot = locked_open_ballot(ballot_id)
    meeting = ballot.agenda_item.meeting
    presence = selectors.presence(meeting)
    if voter_id is None:
        candidates = presence.seats_of(acting_user.pk)
    else:
        candidates = [s for s in presence.seats if s.voter.pk == voter_id]
    seat = next(
        (s for s in candidates if (s.proxy_for.pk if s.proxy_for else None) == proxy_for_id), None
    )
    if seat is None:
        if proxy_for_id is not None:
            raise ActionError(_("Aucune procuration de ce membre n'est détenue ici."), "proxy_for")
        raise ActionError(_("Ce membre n'a pas de droit de vote dans cette séance."))
    if channel == VoteChannel.ROOM_ROLL_CALL:
        refuse_if(guards.guard_room_vote_seat(ballot, seat), "voter")
    else:
        refuse_if(guards.guard_online_vote(ballot, seat))
    refuse_if(guards.guard_already_voted(ballot, _seat_owner(seat, presence)), "choice")
    recorded_channel = VoteChannel.PROXY if seat.proxy_for is not None else channel
    _record(ballot, seat, choice, recorded_channel, presence, acting_user=acting_user)
    ballot_event(ballot, selectors.votes_cast(ballot), room=seat.in_room)
    user_event(
        seat.voter.user_id, events.OwnVoteRecorded(meeting_id=meeting.pk, ballot_id=ballot.pk)
    )
    return ballot


# `check_cast_vote` runs `_cast_vote` in its own transaction: no savepoint, under the lock.
do_cast_vote = transaction.atomic(_cast_vote)


def clean_ballot_id(ballot_id: Any) -> int:
    if isinstance(ballot_id, Ballot):
        return ballot_id.pk
    try:
        return int(ballot_id)
    except (TypeError, ValueError):
        raise ActionError(_("Ce scrutin n'existe pas.")) from None


def _optional_id(value: Any, field: str, message: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ActionError(message, field) from None


def _ballot_for_check(ballot_id: Any) -> Ballot:
    """The ballot to check a vote against: the one a page has just read (with its item and
    meeting), or read here; the vote's row lock reads it again."""
    if isinstance(ballot_id, Ballot):
        ballot: Ballot | None = ballot_id
    else:
        ballot = (
            Ballot.objects.filter(pk=clean_ballot_id(ballot_id))
            .select_related("agenda_item__meeting")
            .first()
        )
    if ballot is None:
        raise ActionError(_("Ce scrutin n'existe pas."))
    if ballot.state == Ballot.State.CLOSED:
        raise ActionError(_("Ce scrutin est clos : votre vote n'a pas été enregistré."))
    if ballot.state != Ballot.State.OPEN:
        raise ActionError(_("Ce scrutin n'est pas encore ouvert."))
    return ballot


def refuse_election_round(ballot: Ballot) -> None:
    """An election's round is voted, counted and closed by its own actions
    (deliberation.actions.election_rounds): its options are the candidacies."""
    if ballot.election_id is not None:
        raise ActionError(
            _(
                "Ce scrutin est un tour d'élection : votez et dépouillez-le sur la page de "
                "l'élection."
            )
        )


def _clean_choice(choice: Any) -> str:
    if choice not in Choice.values:
        raise ActionError(_("Choisissez : pour, contre ou abstention."), "choice")
    return str(choice)


def check_cast_vote(
    ballot_id: Any, choice: Any, *, proxy_for_id: Any = None, acting_user: User
) -> Ballot:
    """An online vote, by the voter, or by a proxy holder for the member they represent."""
    ballot = _ballot_for_check(ballot_id)
    # The right to vote and the vote read one presence, in one transaction: on SQLite
    # under its write lock, taken at BEGIN.
    with transaction.atomic(), selectors.one_presence():
        require(
            "deliberation.cast_vote",
            acting_user,
            ballot,
            _("Vous n'avez pas de droit de vote dans ce scrutin."),
        )
        refuse_election_round(ballot)
        return _cast_vote(
            ballot.pk,
            _clean_choice(choice),
            proxy_for_id=_optional_id(
                proxy_for_id, "proxy_for", _("Aucune procuration de ce membre n'est détenue ici.")
            ),
            acting_user=acting_user,
        )


def do_record_room_vote(
    ballot_id: int,
    voter_id: int,
    choice: str,
    *,
    proxy_for_id: int | None = None,
    acting_user: User,
) -> Ballot:
    return do_cast_vote(
        ballot_id,
        choice,
        voter_id=voter_id,
        proxy_for_id=proxy_for_id,
        channel=VoteChannel.ROOM_ROLL_CALL,
        acting_user=acting_user,
    )


def check_record_room_vote(
    ballot_id: Any,
    voter_id: Any,
    choice: Any,
    *,
    proxy_for_id: Any = None,
    acting_user: User,
) -> Ballot:
    """The secretariat records, member by member, the votes expressed in the room."""
    ballot = _ballot_for_check(ballot_id)
    require(
        "deliberation.record_room_vote",
        acting_user,
        ballot,
        _("Seul le secrétariat enregistre les votes de la salle."),
    )
    if ballot.room_counts_totals:
        raise ActionError(_("Ce scrutin compte la salle par totaux : saisissez-les."))
    voter = _optional_id(voter_id, "voter", _("Ce membre est inconnu."))
    if voter is None:
        raise ActionError(_("Choisissez le membre qui vote."), "voter")
    return do_record_room_vote(
        ballot.pk,
        voter,
        _clean_choice(choice),
        proxy_for_id=_optional_id(
            proxy_for_id, "proxy_for", _("Aucune procuration de ce membre n'est détenue ici.")
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def do_undo_room_vote(ballot_id: int, vote_id: int, *, acting_user: User) -> Vote:
    """Take back the last vote entered at the roll call, while the ballot is open (a
    mis-click): only the latest entry, so the list and the undo never disagree."""
    ballot = locked_open_ballot(ballot_id)
    last = selectors.last_room_entry(ballot)
    if last is None or last.pk != vote_id:
        raise ActionError(_("Seul le dernier vote enregistré en salle peut être annulé."))
    meeting = ballot.agenda_item.meeting
    last.delete()
    audit(
        "room_vote_undone",
        actor=acting_user,
        meeting=meeting,
        ballot=ballot,
        voter=last.voter_id,
        proxy_for=last.proxy_for_id,
        choice=last.choice,
        recorded_by=last.recorded_by_id,
    )
    ballot_event(ballot, selectors.votes_cast(ballot), room=True)
    user_event(
        last.voter.user_id, events.OwnVoteRecorded(meeting_id=meeting.pk, ballot_id=ballot.pk)
    )
    return last


def check_undo_room_vote(ballot_id: Any, vote_id: Any, *, acting_user: User) -> Vote:
    ballot = _ballot_for_check(ballot_id)
    require(
        "deliberation.record_room_vote",
        acting_user,
        ballot,
        _("Seul le secrétariat enregistre les votes de la salle."),
    )
    if ballot.is_secret or ballot.room_counts_totals:
        raise ActionError(_("Ce scrutin ne se vote pas par appel nominal en salle."))
    vote = _optional_id(vote_id, "vote", _("Ce vote est inconnu."))
    if vote is None:
        raise ActionError(_("Ce vote est inconnu."), "vote")
    return do_undo_room_vote(ballot.pk, vote, acting_user=acting_user)


@transaction.atomic
def do_record_room_totals(
    ballot_id: int, yes: int, no: int, abstain: int, *, acting_user: User
) -> Ballot:
    """The room's totals: a show of hands (open ballot), or the tellers' count of the paper
    ballots (secret ballot, sealed in the urn). Entered again, they replace the previous."""
    ballot = locked_open_ballot(ballot_id)
    meeting = ballot.agenda_item.meeting
    presence = selectors.presence(meeting)
    voted = selectors.voted_seat_ids(ballot)
    room_voters = sum(
        1 for s in presence.seats if s.in_room and _seat_owner(s, presence).pk not in voted
    )
    if yes + no + abstain > room_voters:
        raise ActionError(
            _("La salle compte %(n)s votes possibles : les totaux saisis (%(sum)s) les dépassent.")
            % {"n": room_voters, "sum": yes + no + abstain},
            "yes",
        )
    ballot.room_recorded_by = acting_user
    if ballot.is_secret:
        previous_count = ballot.paper_ballots
        counts = {Choice.YES: yes, Choice.NO: no, Choice.ABSTAIN: abstain}
        reseal(ballot, lambda urn: urn.replace(selectors.URN_PAPER, counts))
        ballot.paper_ballots = yes + no + abstain
        ballot.save(update_fields=["paper_ballots", "room_recorded_by"])
        # How many ballots, never what they said.
        audit(
            "paper_ballots_recorded",
            actor=acting_user,
            meeting=meeting,
            ballot=ballot,
            count=ballot.paper_ballots,
            previous_count=previous_count,
        )
    else:
        previous = [ballot.room_yes, ballot.room_no, ballot.room_abstain]
        ballot.room_yes, ballot.room_no, ballot.room_abstain = yes, no, abstain
        ballot.save(update_fields=["room_yes", "room_no", "room_abstain", "room_recorded_by"])
        audit(
            "show_of_hands_recorded",
            actor=acting_user,
            meeting=meeting,
            ballot=ballot,
            totals=[yes, no, abstain],
            previous=previous,
        )
    ballot_event(ballot, selectors.votes_cast(ballot), room=True)
    return ballot


def check_record_room_totals(
    ballot_id: Any, *, yes: Any, no: Any, abstain: Any, acting_user: User
) -> Ballot:
    ballot = _ballot_for_check(ballot_id)
    require(
        "deliberation.record_room_totals",
        acting_user,
        ballot,
        _("Seul le secrétariat saisit les totaux de la salle."),
    )
    refuse_election_round(ballot)
    if not ballot.room_counts_totals:
        raise ActionError(_("Ce scrutin enregistre les votes de la salle membre par membre."))
    totals = []
    for field, value, label in (
        ("yes", yes, _("Pour")),
        ("no", no, _("Contre")),
        ("abstain", abstain, _("Abstentions")),
    ):
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise ActionError(
                _("%(label)s : indiquez un nombre entier.") % {"label": label}, field
            ) from None
        if n < 0:
            raise ActionError(_("%(label)s : pas de nombre négatif.") % {"label": label}, field)
        totals.append(n)
    return do_record_room_totals(ballot.pk, *totals, acting_user=acting_user)
