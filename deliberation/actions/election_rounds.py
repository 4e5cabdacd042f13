"""An election's rounds: secret ballots on the candidacies, counted into a Decision.

The chair opens a round once the candidacy period is over; members vote online (or by
proxy) through the secret-ballot path (deliberation.actions.votes: a participation without a
choice, the choice added to the sealed urn); the tellers' paper count joins the urn; the
chair closes the round: deliberation.counting applies the rules step by step, the Decision
records them, and the elected receive their mandate (council.actions.do_assign_office), or
a second round is opened between the candidates the count admits to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import User
from deliberation import guards, selectors
from deliberation.actions.ballots import ballot_event, do_open_ballot
from deliberation.actions.common import ActionError, audit, require
from deliberation.actions.elections import election_event
from deliberation.actions.votes import do_cast_vote, locked_open_ballot, reseal
from deliberation.models import Ballot, Decision, Election
from deliberation.models.elections import BLANK, INVALID, YES_NO_OPTIONS


def _election_view(election_id: Any) -> selectors.ElectionView:
    try:
        pk = int(election_id.pk if isinstance(election_id, Election) else election_id)
    except (TypeError, ValueError):
        pk = 0
    view = selectors.election_view(pk)
    if view is None:
        raise ActionError(_("Cette élection n'existe pas."))
    return view


def _round_keys(view: selectors.ElectionView) -> list[str]:
    """Who stands in the next round: every consented candidacy first, then the runoff."""
    last = view.last_round
    if last is None:
        return [c.key for c in view.standing]
    decision = getattr(last, "decision", None)
    if decision is None or decision.outcome != Decision.Outcome.RUNOFF:
        raise ActionError(_("Le tour précédent n'appelle pas de nouveau tour."))
    return [str(k) for k in decision.text_voted.get("runoff", [])]


def _question(election: Election, round_number: int) -> str:
    return _("Élection : %(office)s — tour n° %(round)s") % {
        "office": str(election),
        "round": round_number,
    }


@transaction.atomic
def do_open_round(view: selectors.ElectionView, keys: list[str], *, acting_user: User) -> Ballot:
    election = view.election
    round_number = len(view.rounds) + 1
    ballot = do_open_ballot(
        election.agenda_item,
        subject=Ballot.Subject.ELECTION,
        question=_question(election, round_number),
        secrecy=Ballot.Secrecy.SECRET,
        rule=Ballot.Rule.ABSOLUTE,
        room_method=Ballot.RoomMethod.PAPER,
        election=election,
        round_number=round_number,
        options=selectors.round_options(election, keys),
        acting_user=acting_user,
    )
    if election.state != Election.State.VOTING:
        election.state = Election.State.VOTING
        election.save(update_fields=["state"])
    election_event(election, "round_opened")
    return ballot


def check_open_round(election_id: Any, *, acting_user: User) -> Ballot:
    """The chair opens the next round: after the candidacy period, on the standing list."""
    view = _election_view(election_id)
    election = view.election
    require(
        "deliberation.open_election_round",
        acting_user,
        election.agenda_item,
        _("Seule la présidence ouvre un tour de scrutin, sur le point en cours."),
    )
    if election.state not in (Election.State.CANDIDACIES, Election.State.VOTING):
        raise ActionError(_("Cette élection est terminée."))
    if view.open_round is not None:
        raise ActionError(_("Un tour de cette élection est déjà ouvert."))
    if timezone.now() < election.candidacies_close_at:
        raise ActionError(_("Le délai des candidatures court encore : le vote attend sa fin."))
    keys = _round_keys(view)
    if not keys:
        raise ActionError(_("Aucune candidature acceptée : il n'y a personne à élire."))
    if election.mode == Election.Mode.YES_NO and len(keys) != 1:
        raise ActionError(
            _("Le vote oui / non ne vaut que pour une candidature unique : il y en a %(n)s.")
            % {"n": len(keys)}
        )
    return do_open_round(view, keys, acting_user=acting_user)


def _election_ballot(ballot_id: Any) -> Ballot:
    try:
        pk = int(ballot_id.pk if isinstance(ballot_id, Ballot) else ballot_id)
    except (TypeError, ValueError):
        pk = 0
    ballot = (
        Ballot.objects.filter(pk=pk, election__isnull=False)
        .select_related("agenda_item__meeting", "election")
        .first()
    )
    if ballot is None:
        raise ActionError(_("Ce tour de scrutin n'existe pas."))
    if ballot.state != Ballot.State.OPEN:
        raise ActionError(_("Ce tour de scrutin est clos : votre vote n'a pas été enregistré."))
    return ballot


def clean_election_choice(ballot: Ballot, choice: Any) -> tuple[str, ...]:
    """The ballot paper as the urn counts it: one name or blank; a list of up to `seats`
    distinct names (list vote); yes, no or abstain (single candidate). Never "invalid":
    an online ballot paper offers only what counts."""
    election = ballot.election
    assert election is not None
    names = [str(c) for c in choice] if isinstance(choice, list | tuple) else [str(choice or "")]
    names = [n for n in names if n]
    if election.mode == Election.Mode.YES_NO:
        if len(names) != 1 or names[0] not in YES_NO_OPTIONS:
            raise ActionError(_("Choisissez : oui, non ou abstention."), "choice")
        return (names[0],)
    allowed = selectors.round_candidates(ballot)
    if names == [BLANK]:
        return (BLANK,)
    if not names:
        raise ActionError(_("Choisissez un nom sur le bulletin, ou votez blanc."), "choice")
    if BLANK in names:
        raise ActionError(
            _("Un bulletin blanc ne nomme personne : cochez des noms, ou seulement « blanc »."),
            "choice",
        )
    if any(n not in allowed for n in names) or len(set(names)) != len(names):
        raise ActionError(
            _("Ce bulletin nomme une personne qui n'est pas candidate à ce tour."), "choice"
        )
    limit = election.seats if election.mode == Election.Mode.LIST else 1
    if len(names) > limit:
        raise ActionError(
            _("Vous pouvez cocher %(n)s noms au plus : ce bulletin en coche %(k)s.")
            % {"n": limit, "k": len(names)},
            "choice",
        )
    return tuple(names)


def check_cast_election_vote(
    ballot_id: Any, choice: Any, *, proxy_for_id: Any = None, acting_user: User
) -> Ballot:
    """A member votes online in a round, for their own seat or the proxy they hold."""
    ballot = _election_ballot(ballot_id)
    require(
        "deliberation.cast_vote",
        acting_user,
        ballot,
        _("Vous n'avez pas de droit de vote dans ce scrutin."),
    )
    options = clean_election_choice(ballot, choice)
    proxy: int | None = None
    if proxy_for_id not in (None, ""):
        try:
            proxy = int(proxy_for_id)
        except (TypeError, ValueError):
            raise ActionError(
                _("Aucune procuration de ce membre n'est détenue ici."), "proxy_for"
            ) from None
    return do_cast_vote(ballot.pk, options, proxy_for_id=proxy, acting_user=acting_user)


@transaction.atomic
def do_record_paper_count(
    ballot_id: int, *, ballots: int, counts: Mapping[str, int], acting_user: User
) -> Ballot:
    """The tellers' count of the room's paper ballots: how many, and the counts per option
    (candidates, blank, invalid) sealed in the urn. Entered again, it replaces the previous."""
    ballot = locked_open_ballot(ballot_id)
    meeting = ballot.agenda_item.meeting
    presence = selectors.presence(meeting)
    voted = selectors.voted_seat_ids(ballot)
    room_voters = sum(
        1 for s in presence.seats if s.in_room and guards.seat_owner(s, presence).pk not in voted
    )
    if ballots > room_voters:
        raise ActionError(
            _("La salle compte %(n)s votes possibles : %(sum)s bulletins les dépassent.")
            % {"n": room_voters, "sum": ballots},
            "ballots",
        )
    previous_count = ballot.paper_ballots
    reseal(ballot, lambda urn: urn.replace(selectors.URN_PAPER, dict(counts)))
    ballot.paper_ballots = ballots
    ballot.room_recorded_by = acting_user
    ballot.save(update_fields=["paper_ballots", "room_recorded_by"])
    audit(
        "paper_ballots_recorded",
        actor=acting_user,
        meeting=meeting,
        ballot=ballot,
        count=ballots,
        previous_count=previous_count,
    )
    ballot_event(ballot, selectors.votes_cast(ballot), room=True)
    return ballot


def _count(value: Any, label: str, field: str) -> int:
    try:
        n = int(str(value).strip() or "0") if value is not None else 0
    except (TypeError, ValueError):
        raise ActionError(
            _("%(label)s : indiquez un nombre entier.") % {"label": label}, field
        ) from None
    if n < 0:
        raise ActionError(_("%(label)s : pas de nombre négatif.") % {"label": label}, field)
    return n


def check_record_paper_count(
    ballot_id: Any, *, ballots: Any, counts: Mapping[str, Any], acting_user: User
) -> Ballot:
    ballot = _election_ballot(ballot_id)
    require(
        "deliberation.record_paper_count",
        acting_user,
        ballot,
        _("Seuls la présidence et le secrétariat saisissent le compte des scrutateurs."),
    )
    election = ballot.election
    assert election is not None
    total = _count(ballots, _("Bulletins dans l'urne"), "ballots")
    clean = {o: _count(counts.get(o), o, f"count_{o}") for o in selectors.urn_options(ballot)}
    spoilt = clean[BLANK] + clean[INVALID]
    named = sum(n for o, n in clean.items() if o not in (BLANK, INVALID))
    if election.mode == Election.Mode.LIST:
        valid = total - spoilt
        if (
            valid < 0
            or any(n > valid for o, n in clean.items() if o not in (BLANK, INVALID))
            or named > valid * election.seats
        ):
            raise ActionError(
                _(
                    "Les voix par candidat·e ne cadrent pas avec les %(n)s bulletins valables : "
                    "recomptez."
                )
                % {"n": max(valid, 0)},
                "ballots",
            )
    elif named + spoilt != total:
        raise ActionError(
            _(
                "Les voix (%(named)s), les blancs et les nuls (%(spoilt)s) doivent faire le "
                "nombre de bulletins (%(total)s)."
            )
            % {"named": named, "spoilt": spoilt, "total": total},
            "ballots",
        )
    return do_record_paper_count(ballot.pk, ballots=total, counts=clean, acting_user=acting_user)
