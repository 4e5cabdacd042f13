"""Elections of persons, before the vote: the call for candidacies and the candidacies.

The secretariat calls for candidacies on an item (office, seats, mode, period); a member
stands, or proposes another member, whose candidacy counts once they consent; a candidacy
can be withdrawn until the first round opens. The rounds: deliberation.actions.election_rounds.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from council.models import Membership, User
from deliberation import events, selectors
from deliberation.actions.common import ActionError, audit, meeting_event, require
from deliberation.models import AgendaItem, Candidacy, Election

SEATS_MAX = 50
BODY_MAX = 200


def election_event(election: Election, what: str) -> None:
    meeting_id = election.agenda_item.meeting_id
    meeting_event(
        meeting_id,
        events.ElectionChanged(meeting_id=meeting_id, election_id=election.pk, what=what),
    )


def _clean_moment(value: Any, field: str, label: str) -> datetime.datetime:
    moment = value if isinstance(value, datetime.datetime) else None
    if moment is None and isinstance(value, str) and value.strip():
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    if moment is None:
        raise ActionError(
            _("%(label)s : indiquez une date et une heure (jj/mm/aaaa hh:mm).") % {"label": label},
            field,
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@transaction.atomic
def do_open_candidacies(
    item: AgendaItem,
    *,
    office: str,
    seats: int,
    mode: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    body: str = "",
    acting_user: User,
) -> Election:
    election = Election.objects.create(
        agenda_item=item,
        office=office,
        body=body,
        seats=seats,
        mode=mode,
        candidacies_open_at=opens_at,
        candidacies_close_at=closes_at,
        created_by=acting_user,
    )
    audit(
        "candidacies_opened",
        actor=acting_user,
        meeting=item.meeting,
        election=election.pk,
        office=office,
        seats=seats,
        mode=mode,
    )
    election_event(election, "opened")
    return election


def check_open_candidacies(
    item: AgendaItem,
    *,
    office: Any,
    seats: Any = 1,
    mode: Any = Election.Mode.SINGLE,
    opens_at: Any = None,
    closes_at: Any = None,
    body: Any = "",
    acting_user: User,
) -> Election:
    """The secretariat calls for candidacies to an office on this item."""
    require(
        "deliberation.open_candidacies",
        acting_user,
        item,
        _("Seul le secrétariat ouvre l'appel aux candidatures, sur un point encore ouvert."),
    )
    if office not in Election.Office.values:
        raise ActionError(_("Choisissez le mandat à pourvoir."), "office")
    body = str(body or "").strip()
    if office == Election.Office.DELEGATE and not body:
        raise ActionError(_("Indiquez l'organe où siégera la délégation."), "body")
    if len(body) > BODY_MAX:
        raise ActionError(_("Organe : %(max)s caractères au plus.") % {"max": BODY_MAX}, "body")
    try:
        n = int(seats)
    except (TypeError, ValueError):
        raise ActionError(_("Sièges à pourvoir : indiquez un nombre entier."), "seats") from None
    if not 1 <= n <= SEATS_MAX:
        raise ActionError(
            _("Sièges à pourvoir : entre 1 et %(max)s.") % {"max": SEATS_MAX}, "seats"
        )
    if mode not in Election.Mode.values:
        raise ActionError(_("Choisissez le mode de scrutin."), "mode")
    if mode == Election.Mode.LIST and n < 2:
        raise ActionError(
            _("Le scrutin de liste sert à pourvoir plusieurs sièges : indiquez-en au moins 2."),
            "seats",
        )
    if mode != Election.Mode.LIST and n != 1:
        raise ActionError(
            _("Pour pourvoir plusieurs sièges, choisissez le scrutin de liste."), "mode"
        )
    if office in (Election.Office.CHAIR, Election.Office.VICE_CHAIR) and n != 1:
        raise ActionError(_("La présidence et la vice-présidence n'ont qu'un siège."), "seats")
    start = _clean_moment(opens_at, "opens_at", _("Début des candidatures"))
    end = _clean_moment(closes_at, "closes_at", _("Fin des candidatures"))
    if end <= start:
        raise ActionError(_("La fin des candidatures doit suivre leur début."), "closes_at")
    return do_open_candidacies(
        item,
        office=str(office),
        seats=n,
        mode=str(mode),
        opens_at=start,
        closes_at=end,
        body=body,
        acting_user=acting_user,
    )


def _election(election_id: Any) -> Election:
    try:
        pk = int(election_id.pk if isinstance(election_id, Election) else election_id)
    except (TypeError, ValueError):
        pk = None
    election = (
        Election.objects.filter(pk=pk).select_related("agenda_item__meeting").first()
        if pk is not None
        else None
    )
    if election is None:
        raise ActionError(_("Cette élection n'existe pas."))
    return election


def _own_seat(election: Election, user: User) -> Membership:
    seat = selectors.council_seat(user.pk, election.agenda_item.meeting.council_id)
    if seat is None:
        raise ActionError(_("Seuls les membres du conseil se portent ou proposent candidat·e."))
    return seat


@transaction.atomic
def do_file_candidacy(
    election: Election, candidate: Membership, *, proposed_by: Membership | None, acting_user: User
) -> Candidacy:
    now = timezone.now()
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(
                election=election,
                candidate=candidate,
                proposed_by=proposed_by,
                # Standing oneself is consenting; a proposal waits for the candidate.
                consented_at=now if proposed_by is None else None,
            )
    except IntegrityError:
        raise ActionError(
            _("%(name)s est déjà candidat·e à cette élection.") % {"name": candidate.user},
            "candidate",
        ) from None
    audit(
        "candidacy_filed",
        actor=acting_user,
        meeting=election.agenda_item.meeting,
        election=election.pk,
        candidacy=candidacy.pk,
        candidate=candidate.pk,
        proposed_by=proposed_by.pk if proposed_by else None,
    )
    election_event(election, "candidacy")
    return candidacy


def check_file_candidacy(
    election_id: Any, *, candidate_id: Any = None, acting_user: User
) -> Candidacy:
    """A member stands (no `candidate_id`, or their own seat) or proposes another member."""
    election = _election(election_id)
    require(
        "deliberation.file_candidacy",
        acting_user,
        election.agenda_item,
        _("Seuls les membres du conseil se portent ou proposent candidat·e."),
    )
    if election.state != Election.State.CANDIDACIES:
        raise ActionError(_("Les candidatures à cette élection sont closes."))
    now = timezone.now()
    if now < election.candidacies_open_at:
        raise ActionError(_("L'appel aux candidatures n'est pas encore ouvert."))
    if now > election.candidacies_close_at:
        raise ActionError(_("Le délai des candidatures est passé."))
    own = _own_seat(election, acting_user)
    if candidate_id in (None, "", own.pk, str(own.pk)):
        return do_file_candidacy(election, own, proposed_by=None, acting_user=acting_user)
    try:
        pk = int(candidate_id)
    except (TypeError, ValueError):
        pk = None
    candidate = (
        Membership.objects.current()
        .filter(pk=pk, council_id=election.agenda_item.meeting.council_id, has_voting_right=True)
        .select_related("user")
        .first()
        if pk is not None
        else None
    )
    if candidate is None:
        raise ActionError(_("Choisissez un membre du conseil."), "candidate")
    return do_file_candidacy(election, candidate, proposed_by=own, acting_user=acting_user)


def _candidacy(candidacy_id: Any) -> Candidacy:
    try:
        pk = int(candidacy_id)
    except (TypeError, ValueError):
        pk = None
    candidacy = (
        Candidacy.objects.filter(pk=pk, withdrawn_at__isnull=True)
        .select_related("election__agenda_item__meeting", "candidate__user", "proposed_by")
        .first()
        if pk is not None
        else None
    )
    if candidacy is None:
        raise ActionError(_("Cette candidature n'existe pas ou a été retirée."))
    if candidacy.election.state != Election.State.CANDIDACIES:
        raise ActionError(_("Le vote a commencé : les candidatures ne changent plus."))
    return candidacy


@transaction.atomic
def do_consent_candidacy(candidacy: Candidacy, *, acting_user: User) -> Candidacy:
    candidacy.consented_at = timezone.now()
    candidacy.save(update_fields=["consented_at"])
    audit(
        "candidacy_consented",
        actor=acting_user,
        meeting=candidacy.election.agenda_item.meeting,
        election=candidacy.election_id,
        candidacy=candidacy.pk,
    )
    election_event(candidacy.election, "candidacy")
    return candidacy


def check_consent_candidacy(candidacy_id: Any, *, acting_user: User) -> Candidacy:
    """The member proposed by another accepts to stand."""
    candidacy = _candidacy(candidacy_id)
    if candidacy.candidate.user_id != acting_user.pk:
        raise ActionError(_("Seul·e la personne proposée accepte sa candidature."))
    if candidacy.consented_at is not None:
        raise ActionError(_("Cette candidature est déjà acceptée."))
    return do_consent_candidacy(candidacy, acting_user=acting_user)


@transaction.atomic
def do_withdraw_candidacy(candidacy: Candidacy, *, acting_user: User) -> Candidacy:
    candidacy.withdrawn_at = timezone.now()
    candidacy.save(update_fields=["withdrawn_at"])
    audit(
        "candidacy_withdrawn",
        actor=acting_user,
        meeting=candidacy.election.agenda_item.meeting,
        election=candidacy.election_id,
        candidacy=candidacy.pk,
    )
    election_event(candidacy.election, "candidacy")
    return candidacy


def check_withdraw_candidacy(candidacy_id: Any, *, acting_user: User) -> Candidacy:
    """The candidate withdraws (or declines a proposal); its author may take it back."""
    candidacy = _candidacy(candidacy_id)
    proposer = candidacy.proposed_by.user_id if candidacy.proposed_by else None
    if acting_user.pk not in (candidacy.candidate.user_id, proposer):
        raise ActionError(
            _("Seul·e la personne candidate, ou qui l'a proposée, retire une candidature.")
        )
    return do_withdraw_candidacy(candidacy, acting_user=acting_user)
