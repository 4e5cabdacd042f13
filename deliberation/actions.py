"""Every write to the deliberation models.

`check_<verb>_<noun>` validates permission (the named rules of deliberation.rules), phase and
input, raising ActionError with a French message, then calls `do_<verb>_<noun>`: one atomic
change, its audit entry where a ballot or the meeting's record is concerned, then its event
(sent once the transaction commits). Views, consumers, Wagtail hooks, the demo and the tests
all come through here.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import SEATED_ROLES, Council, Membership, Role, User
from council.notifications.models import Event as Notice
from council.notifications.service import notify
from deliberation import chain, events, selectors
from deliberation.models import (
    AgendaItem,
    Amendment,
    Attendance,
    AuditEntry,
    Ballot,
    BallotParticipation,
    Channel,
    Choice,
    Comment,
    Decision,
    Meeting,
    Proposal,
    ProposalVersion,
    Proxy,
    SpeakerRequest,
    Vote,
)
from deliberation.selectors import Seat
from deliberation.text import sanitize
from deliberation.text.paragraphs import apply_operations, paragraph_map
from deliberation.urn import Urn

TITLE_MAX = 255
QUESTION_MAX = 500
PARAGRAPH_MAX = 5000
PARAGRAPHS_MAX = 100
OPERATIONS_MAX = 50
COMMENT_MAX = 5000
JUSTIFICATION_MAX = 5000

# Sent by do_close_ballot inside its transaction, once the Decision is saved (kwargs:
# decision, acting_user). Publication (cms) listens without deliberation importing it.
decision_recorded = Signal()


class ActionError(ValidationError):
    """A refused action: `message` is French and meant for the page; `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def _require(permission: str, user: User, obj: Any, message: str) -> None:
    if not rules.has_perm(permission, user, obj):
        raise ActionError(message)


def _audit(
    action: str,
    *,
    actor: User | None,
    meeting: Meeting | None,
    ballot: Ballot | None = None,
    **data: Any,
) -> None:
    AuditEntry.objects.create(action=action, actor=actor, meeting=meeting, ballot=ballot, data=data)


def _meeting_event(meeting_id: int, event: events.Event) -> None:
    events.send_event_on_commit(events.meeting_group(meeting_id), event)


def _user_event(user_id: int, event: events.Event) -> None:
    events.send_event_on_commit(events.user_group(user_id), event)


def _notify_meeting(meeting: Meeting, previous_state: str | None) -> None:
    """Tell subscribers (council.notifications) a meeting was convened or its agenda changed."""
    if meeting.state == Meeting.State.CONVENED:
        convened = previous_state == Meeting.State.CONVENED
        when = timezone.localtime(meeting.start).strftime("%d/%m/%Y %H:%M")
        notify(
            Notice.AGENDA_CHANGED if convened else Notice.MEETING_CONVENED,
            meeting,
            url=reverse("deliberation:live", kwargs={"meeting_id": meeting.pk}),
            title=f"{meeting.title}, {when}",
        )


def _notify_decision(decision: Decision) -> None:
    """Tell subscribers of the decision, and of the follow-up when residents spoke on it."""
    url = reverse(
        "cms:decision",
        kwargs={"council": decision.council.slug, "year": decision.year, "number": decision.number},
    )
    notify(Notice.DECISION_RECORDED, decision, url=url)
    if decision.agenda_item.contributions.exists():
        notify(Notice.FOLLOWUP_CHANGED, decision, url=reverse("deliberation:followup"))


def _clean_text(value: Any, *, field: str, label: str, maximum: int, required: bool = True) -> str:
    text = sanitize.normalise_newlines(value).strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise ActionError(_("%(label)s : texte attendu.") % {"label": label}, field)
    if required and not text:
        raise ActionError(_("%(label)s : ce champ est obligatoire.") % {"label": label}, field)
    if len(text) > maximum:
        raise ActionError(
            _("%(label)s : %(maximum)s caractères au plus (%(length)s saisis).")
            % {"label": label, "maximum": maximum, "length": len(text)},
            field,
        )
    return text


def _membership_in(meeting: Meeting, membership_id: Any, *, field: str) -> Membership:
    """A membership current in the meeting's council, or an error (forged ids end here)."""
    try:
        pk = int(membership_id)
    except (TypeError, ValueError):
        raise ActionError(_("Ce membre est inconnu."), field) from None
    membership = (
        Membership.objects.current(on=meeting.start.date())
        .filter(pk=pk, council_id=meeting.council_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ActionError(_("Ce membre ne siège pas dans ce conseil."), field)
    return membership


# --- Meetings and agenda -------------------------------------------------------------------


@transaction.atomic
def do_create_meeting(
    council: Council,
    *,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime | None = None,
    place: str = "",
    mode: str = Meeting.Mode.HYBRID,
    second_convocation: bool = False,
    state: str = Meeting.State.CONVENED,
    items: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
    acting_user: User | None,
) -> Meeting:
    """A meeting with its agenda ((title, kind[, description]) per item, in order)."""
    meeting = Meeting(
        council=council,
        title=title,
        start=start,
        end=end,
        place=place,
        mode=mode,
        second_convocation=second_convocation,
        state=state,
    )
    meeting.agenda_items = [  # type: ignore[assignment]
        AgendaItem(
            title=entry[0],
            kind=entry[1],
            description=entry[2] if len(entry) > 2 else "",  # type: ignore[misc]
            number=n,
            sort_order=n - 1,
        )
        for n, entry in enumerate(items, start=1)
    ]
    return do_save_meeting(meeting, acting_user=acting_user)


@transaction.atomic
def do_save_meeting(meeting: Meeting, *, acting_user: User | None) -> Meeting:
    """Save a meeting and its agenda (as edited in the Wagtail admin); rooms redraw the agenda."""
    was = Meeting.objects.filter(pk=meeting.pk).values_list("state", flat=True).first()
    meeting.save()
    transaction.on_commit(lambda: _notify_meeting(meeting, was), robust=True)
    _audit("meeting_saved", actor=acting_user, meeting=meeting)
    _meeting_event(meeting.pk, events.AgendaChanged(meeting_id=meeting.pk))
    return meeting


@transaction.atomic
def do_open_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    meeting.state = Meeting.State.IN_SESSION
    meeting.save(update_fields=["state", "updated"])
    _audit("meeting_opened", actor=acting_user, meeting=meeting)
    _meeting_event(meeting.pk, events.MeetingOpened(meeting_id=meeting.pk))
    return meeting


def check_open_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    if meeting.state == Meeting.State.IN_SESSION:
        raise ActionError(_("La séance est déjà ouverte."))
    if meeting.state == Meeting.State.CLOSED:
        raise ActionError(_("Cette séance est close : elle ne peut pas être rouverte."))
    _require(
        "deliberation.open_meeting",
        acting_user,
        meeting,
        _("Seuls la présidence et le secrétariat peuvent ouvrir la séance."),
    )
    return do_open_meeting(meeting, acting_user=acting_user)


@transaction.atomic
def do_close_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    now = timezone.now()
    open_items = list(meeting.agenda_items.filter(state=AgendaItem.State.OPEN))
    for item in open_items:
        item.state = AgendaItem.State.CLOSED
        item.save(update_fields=["state"])
    meeting.state = Meeting.State.CLOSED
    meeting.current_item = None
    if meeting.end is None:
        meeting.end = now
    meeting.save(update_fields=["state", "current_item", "end", "updated"])
    _audit("meeting_closed", actor=acting_user, meeting=meeting)
    for item in open_items:
        _meeting_event(meeting.pk, events.ItemClosed(meeting_id=meeting.pk, item_id=item.pk))
    _meeting_event(meeting.pk, events.MeetingClosed(meeting_id=meeting.pk))
    return meeting


def check_close_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    if meeting.state != Meeting.State.IN_SESSION:
        raise ActionError(_("La séance n'est pas en cours."))
    _require(
        "deliberation.close_meeting",
        acting_user,
        meeting,
        _("Seuls la présidence et le secrétariat peuvent clore la séance."),
    )
    if Ballot.objects.filter(agenda_item__meeting=meeting, state=Ballot.State.OPEN).exists():
        raise ActionError(_("Un scrutin est encore ouvert : clôturez-le avant la séance."))
    return do_close_meeting(meeting, acting_user=acting_user)


@transaction.atomic
def do_open_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    meeting = selectors.meeting_for_update(item.meeting_id)
    previous = list(
        AgendaItem.objects.filter(meeting=meeting, state=AgendaItem.State.OPEN).exclude(pk=item.pk)
    )
    for other in previous:
        other.state = AgendaItem.State.CLOSED
        other.save(update_fields=["state"])
    item.state = AgendaItem.State.OPEN
    item.save(update_fields=["state"])
    meeting.current_item = item
    meeting.save(update_fields=["current_item", "updated"])
    _audit("item_opened", actor=acting_user, meeting=meeting, item=item.pk)
    for other in previous:
        _meeting_event(meeting.pk, events.ItemClosed(meeting_id=meeting.pk, item_id=other.pk))
    _meeting_event(meeting.pk, events.ItemOpened(meeting_id=meeting.pk, item_id=item.pk))
    return item


def check_open_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    _require(
        "deliberation.open_item",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat peuvent ouvrir un point, et en séance."),
    )
    if item.state == AgendaItem.State.OPEN:
        raise ActionError(_("Ce point est déjà en cours."))
    if Ballot.objects.filter(agenda_item__meeting_id=item.meeting_id, state="open").exists():
        raise ActionError(_("Un scrutin est ouvert : clôturez-le avant de changer de point."))
    return do_open_item(item, acting_user=acting_user)


@transaction.atomic
def do_close_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    meeting = selectors.meeting_for_update(item.meeting_id)
    item.state = AgendaItem.State.CLOSED
    item.save(update_fields=["state"])
    if meeting.current_item_id == item.pk:
        meeting.current_item = None
        meeting.save(update_fields=["current_item", "updated"])
    _audit("item_closed", actor=acting_user, meeting=meeting, item=item.pk)
    _meeting_event(meeting.pk, events.ItemClosed(meeting_id=meeting.pk, item_id=item.pk))
    return item


def check_close_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    _require(
        "deliberation.close_item",
        acting_user,
        item,
        _("Ce point n'est pas en cours, ou vous ne pouvez pas le clore."),
    )
    if Ballot.objects.filter(agenda_item=item, state=Ballot.State.OPEN).exists():
        raise ActionError(_("Un scrutin est ouvert sur ce point : clôturez-le d'abord."))
    return do_close_item(item, acting_user=acting_user)


# --- Attendance and proxies ----------------------------------------------------------------


@transaction.atomic
def do_set_attendance(
    meeting: Meeting,
    membership: Membership,
    status: str,
    *,
    replaces: Membership | None = None,
    acting_user: User | None,
) -> Attendance:
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        membership=membership,
        defaults={"status": status, "replaces": replaces, "recorded_by": acting_user},
    )
    _audit(
        "attendance_set",
        actor=acting_user,
        meeting=meeting,
        membership=membership.pk,
        status=status,
        replaces=replaces.pk if replaces else None,
    )
    _meeting_event(
        meeting.pk, events.AttendanceChanged(meeting_id=meeting.pk, membership_id=membership.pk)
    )
    return attendance


def check_set_attendance(
    meeting: Meeting,
    membership_id: Any,
    status: Any,
    *,
    replaces_id: Any = None,
    acting_user: User,
) -> Attendance:
    _require(
        "deliberation.set_attendance",
        acting_user,
        meeting,
        _("Seuls la présidence et le secrétariat enregistrent les présences, avant la clôture."),
    )
    membership = _membership_in(meeting, membership_id, field="membership")
    if membership.role not in SEATED_ROLES:
        raise ActionError(_("Seuls les membres du conseil figurent sur la liste de présence."))
    if status not in Attendance.Status.values:
        raise ActionError(_("Choisissez une présence dans la liste."), "status")
    if status == Attendance.Status.REMOTE and meeting.mode == Meeting.Mode.IN_PERSON:
        raise ActionError(_("Cette séance se tient en présentiel : pas de présence à distance."))
    if status == Attendance.Status.ROOM and meeting.mode == Meeting.Mode.ONLINE:
        raise ActionError(_("Cette séance se tient en ligne : pas de présence en salle."))
    replaces = None
    if replaces_id not in (None, ""):
        if membership.role != Role.SUBSTITUTE:
            raise ActionError(_("Seul·e un·e suppléant·e peut remplacer un membre."), "replaces")
        if status not in Attendance.PRESENT:
            raise ActionError(_("Un·e suppléant·e absent·e ne remplace personne."), "replaces")
        replaces = _membership_in(meeting, replaces_id, field="replaces")
        if not selectors.is_full_voting(replaces):
            raise ActionError(_("On ne remplace qu'un membre effectif ayant droit de vote."))
        current = selectors.attendances(meeting)
        if replaces.pk in current and current[replaces.pk].is_present:
            raise ActionError(_("Ce membre est présent : il n'a pas à être remplacé."), "replaces")
        other = next(
            (
                a
                for a in current.values()
                if a.replaces_id == replaces.pk and a.membership_id != membership.pk
            ),
            None,
        )
        if other is not None:
            raise ActionError(_("Ce membre est déjà remplacé par un·e autre suppléant·e."))
        if Proxy.objects.filter(meeting=meeting, giver=replaces).exists():
            raise ActionError(_("Ce membre a donné procuration : il ne peut pas être remplacé."))
    return do_set_attendance(
        meeting, membership, status, replaces=replaces, acting_user=acting_user
    )


@transaction.atomic
def do_give_proxy(
    meeting: Meeting, giver: Membership, holder: Membership, *, acting_user: User
) -> Proxy:
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                meeting=meeting, giver=giver, holder=holder, recorded_by=acting_user
            )
    except IntegrityError:
        raise ActionError(
            _("Une procuration existe déjà pour ce membre ou pour ce ou cette mandataire.")
        ) from None
    _audit("proxy_given", actor=acting_user, meeting=meeting, giver=giver.pk, holder=holder.pk)
    _meeting_event(
        meeting.pk,
        events.ProxyGiven(
            meeting_id=meeting.pk, proxy_id=proxy.pk, giver_id=giver.pk, holder_id=holder.pk
        ),
    )
    return proxy


def check_give_proxy(
    meeting: Meeting, giver_id: Any, holder_id: Any, *, acting_user: User
) -> Proxy:
    _require(
        "deliberation.give_proxy",
        acting_user,
        meeting,
        _("Vous ne pouvez pas donner de procuration pour cette séance."),
    )
    giver = _membership_in(meeting, giver_id, field="giver")
    holder = _membership_in(meeting, holder_id, field="holder")
    if giver.user_id != acting_user.pk and not rules.has_perm(
        "deliberation.view_secretariat_console", acting_user, meeting
    ):
        raise ActionError(_("Vous ne pouvez donner procuration qu'en votre propre nom."), "giver")
    if giver.pk == holder.pk:
        raise ActionError(_("On ne se donne pas procuration à soi-même."), "holder")
    if not selectors.is_full_voting(giver):
        raise ActionError(_("Seul un membre ayant droit de vote peut donner procuration."))
    if not selectors.is_full_voting(holder):
        raise ActionError(
            _("La procuration se donne à un membre effectif ayant droit de vote."), "holder"
        )
    current = selectors.attendances(meeting)
    if giver.pk in current and current[giver.pk].is_present:
        raise ActionError(_("Un membre présent vote lui-même : pas de procuration."), "giver")
    if any(a.replaces_id == giver.pk for a in current.values()):
        raise ActionError(_("Ce membre est remplacé par un·e suppléant·e."), "giver")
    if holder.pk in current and not current[holder.pk].is_present:
        raise ActionError(_("La procuration se donne à un membre présent."), "holder")
    if Proxy.objects.filter(meeting=meeting, holder=holder).exists():
        raise ActionError(_("Ce ou cette mandataire détient déjà une procuration."), "holder")
    if Proxy.objects.filter(meeting=meeting, giver=giver).exists():
        raise ActionError(_("Ce membre a déjà donné procuration pour cette séance."), "giver")
    return do_give_proxy(meeting, giver, holder, acting_user=acting_user)


# --- Proposals, amendments, comments -------------------------------------------------------


def _clean_paragraphs(paragraphs: Any) -> list[str]:
    if isinstance(paragraphs, str):
        paragraphs = paragraphs.replace("\r\n", "\n").split("\n\n")
    if not isinstance(paragraphs, list | tuple):
        raise ActionError(_("Le texte doit être une suite de paragraphes."), "paragraphs")
    cleaned = [
        _clean_text(p, field="paragraphs", label=_("Paragraphe"), maximum=PARAGRAPH_MAX)
        for p in paragraphs
        if not (isinstance(p, str) and not p.strip())
    ]
    if not cleaned:
        raise ActionError(_("Le texte doit compter au moins un paragraphe."), "paragraphs")
    if len(cleaned) > PARAGRAPHS_MAX:
        raise ActionError(
            _("Le texte compte au plus %(n)s paragraphes.") % {"n": PARAGRAPHS_MAX}, "paragraphs"
        )
    return cleaned


@transaction.atomic
def do_create_proposal(
    item: AgendaItem,
    *,
    title: str,
    paragraphs: list[str],
    summary: str = "",
    authors: Sequence[User] = (),
    acting_user: User,
) -> Proposal:
    proposal = Proposal.objects.create(agenda_item=item, title=title, summary=summary)
    proposal.authors.set({acting_user, *authors})
    ProposalVersion.objects.create(
        proposal=proposal, number=1, paragraphs=paragraphs, created_by=acting_user
    )
    _meeting_event(
        item.meeting_id,
        events.ProposalCreated(
            meeting_id=item.meeting_id, item_id=item.pk, proposal_id=proposal.pk
        ),
    )
    return proposal


def check_create_proposal(
    item: AgendaItem,
    *,
    title: Any,
    paragraphs: Any,
    summary: Any = "",
    authors: Sequence[User] = (),
    acting_user: User,
) -> Proposal:
    _require(
        "deliberation.create_proposal",
        acting_user,
        item,
        _("Seuls les membres peuvent déposer une proposition, tant que le point n'est pas clos."),
    )
    return do_create_proposal(
        item,
        title=_clean_text(title, field="title", label=_("Titre"), maximum=TITLE_MAX),
        paragraphs=_clean_paragraphs(paragraphs),
        summary=_clean_text(
            summary, field="summary", label=_("En bref"), maximum=PARAGRAPH_MAX, required=False
        ),
        authors=authors,
        acting_user=acting_user,
    )


def _clean_operations(operations: Any, base: Sequence[str]) -> list[dict[str, Any]]:
    """Validated operations against `base` (1-based paragraph numbers; 0 = before the first)."""
    if not isinstance(operations, list | tuple) or not operations:
        raise ActionError(_("Indiquez au moins une modification du texte."), "operations")
    if len(operations) > OPERATIONS_MAX:
        raise ActionError(
            _("Un amendement compte au plus %(n)s modifications.") % {"n": OPERATIONS_MAX},
            "operations",
        )
    cleaned: list[dict[str, Any]] = []
    touched: set[int] = set()
    for raw in operations:
        if not isinstance(raw, dict):
            raise ActionError(_("Modification illisible."), "operations")
        op = raw.get("op")
        if op not in Amendment.Op.values:
            raise ActionError(_("Choisissez : remplacer, supprimer ou insérer après."), "op")
        try:
            n = int(raw.get("paragraph"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ActionError(_("Indiquez le numéro du paragraphe visé."), "paragraph") from None
        low = 0 if op == Amendment.Op.INSERT_AFTER else 1
        if not low <= n <= len(base):
            raise ActionError(
                _("Le texte compte %(count)s paragraphes : le paragraphe %(n)s n'existe pas.")
                % {"count": len(base), "n": n},
                "paragraph",
            )
        text = ""
        if op != Amendment.Op.DELETE:
            text = _clean_text(
                raw.get("text"), field="text", label=_("Nouveau texte"), maximum=PARAGRAPH_MAX
            )
        if op == Amendment.Op.REPLACE and text == base[n - 1]:
            raise ActionError(
                _("Le nouveau texte du paragraphe %(n)s est identique à l'actuel.") % {"n": n},
                "text",
            )
        if op != Amendment.Op.INSERT_AFTER:
            if n in touched:
                raise ActionError(
                    _("Le paragraphe %(n)s est modifié deux fois.") % {"n": n}, "paragraph"
                )
            touched.add(n)
        cleaned.append({"op": op, "paragraph": n, "text": text})
    if len(apply_operations(base, cleaned)) == 0:
        raise ActionError(_("Un amendement ne peut pas supprimer tout le texte."), "operations")
    return cleaned


def _next_amendment_number(proposal: Proposal) -> int:
    # The proposal row lock serialises numbering between concurrent amendments.
    Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
    last = Amendment.objects.filter(proposal=proposal).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def do_propose_amendment(
    proposal: Proposal,
    base_version: ProposalVersion,
    operations: list[dict[str, Any]],
    *,
    justification: str = "",
    rebased_from: Amendment | None = None,
    acting_user: User,
) -> Amendment:
    if selectors.latest_version(proposal).pk != base_version.pk:
        raise ActionError(_("Le texte a changé entre-temps : amendez la dernière version."))
    amendment = Amendment.objects.create(
        proposal=proposal,
        number=_next_amendment_number(proposal),
        base_version=base_version,
        author=acting_user,
        operations=operations,
        justification=justification,
        rebased_from=rebased_from,
    )
    item = proposal.agenda_item
    if rebased_from is None:
        _meeting_event(
            item.meeting_id,
            events.AmendmentProposed(
                meeting_id=item.meeting_id,
                item_id=item.pk,
                proposal_id=proposal.pk,
                amendment_id=amendment.pk,
            ),
        )
    return amendment


def _base_version_of(proposal: Proposal, base_version_id: Any) -> ProposalVersion:
    try:
        pk = int(base_version_id)
    except (TypeError, ValueError):
        raise ActionError(_("Version du texte inconnue."), "base_version") from None
    version = ProposalVersion.objects.filter(pk=pk, proposal=proposal).first()
    if version is None:
        raise ActionError(_("Version du texte inconnue."), "base_version")
    if version.pk != selectors.latest_version(proposal).pk:
        raise ActionError(
            _(
                "Vous amendez la version %(old)s du texte, mais une version plus récente existe : "
                "relisez-la et déposez votre amendement sur celle-ci."
            )
            % {"old": version.number},
            "base_version",
        )
    return version


def check_propose_amendment(
    proposal: Proposal,
    *,
    base_version_id: Any,
    operations: Any,
    justification: Any = "",
    acting_user: User,
) -> Amendment:
    _require(
        "deliberation.propose_amendment",
        acting_user,
        proposal,
        _("Vous ne pouvez pas amender ce texte (réservé aux membres, tant qu'il est en débat)."),
    )
    version = _base_version_of(proposal, base_version_id)
    return do_propose_amendment(
        proposal,
        version,
        _clean_operations(operations, version.paragraphs),
        justification=_clean_text(
            justification,
            field="justification",
            label=_("Justification"),
            maximum=JUSTIFICATION_MAX,
            required=False,
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def do_withdraw_amendment(amendment: Amendment, *, acting_user: User) -> Amendment:
    amendment.state = Amendment.State.WITHDRAWN
    amendment.save(update_fields=["state"])
    item = amendment.proposal.agenda_item
    _meeting_event(
        item.meeting_id,
        events.AmendmentWithdrawn(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=amendment.proposal_id,
            amendment_id=amendment.pk,
        ),
    )
    return amendment


def check_withdraw_amendment(amendment: Amendment, *, acting_user: User) -> Amendment:
    _require(
        "deliberation.withdraw_amendment",
        acting_user,
        amendment,
        _("Seul·e l'auteur·rice peut retirer cet amendement, tant qu'il est déposé."),
    )
    if Ballot.objects.filter(amendment=amendment, state=Ballot.State.OPEN).exists():
        raise ActionError(_("Cet amendement est en cours de vote : il ne peut plus être retiré."))
    return do_withdraw_amendment(amendment, acting_user=acting_user)


@transaction.atomic
def do_rebase_amendment(
    amendment: Amendment,
    operations: list[dict[str, Any]],
    *,
    justification: str,
    acting_user: User,
) -> Amendment:
    # Under the stale amendment's row lock: a double submit restates it once.
    Amendment.objects.select_for_update().filter(pk=amendment.pk).first()
    restated = Amendment.objects.filter(rebased_from=amendment).first()
    if restated is not None:
        raise ActionError(
            _("Cet amendement a déjà été actualisé : c'est l'amendement n° %(number)s qui compte.")
            % {"number": restated.number}
        )
    proposal = amendment.proposal
    new = do_propose_amendment(
        proposal,
        selectors.latest_version(proposal),
        operations,
        justification=justification,
        rebased_from=amendment,
        acting_user=acting_user,
    )
    item = proposal.agenda_item
    _meeting_event(
        item.meeting_id,
        events.AmendmentRebased(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=proposal.pk,
            amendment_id=amendment.pk,
            new_amendment_id=new.pk,
        ),
    )
    return new


def check_rebase_amendment(
    amendment: Amendment,
    *,
    operations: Any,
    justification: Any = None,
    acting_user: User,
) -> Amendment:
    _require(
        "deliberation.rebase_amendment",
        acting_user,
        amendment,
        _("Seul·e l'auteur·rice peut actualiser un amendement devenu caduc."),
    )
    latest = selectors.latest_version(amendment.proposal)
    text = amendment.justification if justification is None else justification
    return do_rebase_amendment(
        amendment,
        _clean_operations(operations, latest.paragraphs),
        justification=_clean_text(
            text,
            field="justification",
            label=_("Justification"),
            maximum=JUSTIFICATION_MAX,
            required=False,
        ),
        acting_user=acting_user,
    )


def _merge(amendment: Amendment, *, acting_user: User) -> tuple[ProposalVersion, list[int]]:
    """Merge an amendment into a new version; pending amendments on its paragraphs go stale.

    Pending amendments on other paragraphs follow the text: their paragraph numbers are
    carried over to the new version, so they stay votable.
    """
    proposal = Proposal.objects.select_for_update().get(pk=amendment.proposal_id)
    base = selectors.latest_version(proposal)
    if amendment.base_version_id != base.pk:
        raise ActionError(_("Cet amendement vise une version dépassée du texte."))
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=base.number + 1,
        paragraphs=apply_operations(base.paragraphs, amendment.operations),
        created_by=acting_user,
        from_amendment=amendment,
    )
    amendment.state = Amendment.State.ADOPTED
    amendment.save(update_fields=["state"])
    touched = amendment.paragraph_numbers
    mapping = paragraph_map(len(base.paragraphs), amendment.operations)
    stale: list[int] = []
    for other in Amendment.objects.filter(
        proposal=proposal, state=Amendment.State.PENDING, base_version=base
    ).exclude(pk=amendment.pk):
        if (
            other.paragraph_numbers & touched
            or not other.paragraph_numbers <= mapping.keys()
            or Ballot.objects.filter(amendment=other, state=Ballot.State.OPEN).exists()
        ):
            other.state = Amendment.State.STALE
            other.save(update_fields=["state"])
            stale.append(other.pk)
        else:
            other.operations = [
                {**o, "paragraph": mapping[int(o["paragraph"])]} for o in other.operations
            ]
            other.base_version = version
            other.save(update_fields=["operations", "base_version"])
    return version, stale


@transaction.atomic
def do_accept_amendment(amendment: Amendment, *, acting_user: User) -> ProposalVersion:
    """The chair takes an amendment over without a vote (the council agreed by consensus)."""
    version, stale = _merge(amendment, acting_user=acting_user)
    item = amendment.proposal.agenda_item
    _audit("amendment_accepted", actor=acting_user, meeting=item.meeting, amendment=amendment.pk)
    _meeting_event(
        item.meeting_id,
        events.VersionMerged(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=amendment.proposal_id,
            version_id=version.pk,
            amendment_id=amendment.pk,
            stale_amendment_ids=tuple(stale),
        ),
    )
    return version


def check_accept_amendment(amendment: Amendment, *, acting_user: User) -> ProposalVersion:
    _require(
        "deliberation.accept_amendment",
        acting_user,
        amendment,
        _("Seule la présidence, en séance, peut accepter un amendement sans vote."),
    )
    if Ballot.objects.filter(amendment=amendment, state=Ballot.State.OPEN).exists():
        raise ActionError(_("Cet amendement est en cours de vote."))
    return do_accept_amendment(amendment, acting_user=acting_user)


@transaction.atomic
def do_add_comment(
    target: Proposal | Amendment,
    body: str,
    *,
    parent: Comment | None = None,
    acting_user: User,
) -> Comment:
    comment = Comment.objects.create(
        proposal=target if isinstance(target, Proposal) else None,
        amendment=target if isinstance(target, Amendment) else None,
        parent=parent,
        author=acting_user,
        body=body,
    )
    proposal = target if isinstance(target, Proposal) else target.proposal
    item = proposal.agenda_item
    _meeting_event(
        item.meeting_id,
        events.CommentAdded(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=proposal.pk,
            amendment_id=target.pk if isinstance(target, Amendment) else None,
            comment_id=comment.pk,
        ),
    )
    return comment


def clean_comment_body(body: Any) -> str:
    text = _clean_text(body, field="body", label=_("Commentaire"), maximum=COMMENT_MAX)
    html = sanitize.clean(text, "comment")
    if "<p>" not in html:
        # Typed as plain text: blank lines make paragraphs, line breaks stay.
        html = "".join(
            "<p>" + part.strip().replace("\n", "<br>") + "</p>"
            for part in html.replace("\r\n", "\n").split("\n\n")
            if part.strip()
        )
    if not sanitize.clean(html, "text").strip():
        raise ActionError(_("Commentaire : ce champ est obligatoire."), "body")
    return html


def check_add_comment(
    target: Proposal | Amendment,
    body: Any,
    *,
    parent_id: Any = None,
    acting_user: User,
) -> Comment:
    _require(
        "deliberation.comment",
        acting_user,
        target,
        _("Seuls les membres et le secrétariat commentent, tant que le point n'est pas clos."),
    )
    parent = None
    if parent_id not in (None, ""):
        try:
            pk = int(parent_id)
        except (TypeError, ValueError):
            raise ActionError(_("Commentaire introuvable."), "parent") from None
        lookup = {"proposal": target} if isinstance(target, Proposal) else {"amendment": target}
        parent = Comment.objects.filter(pk=pk, **lookup).first()  # type: ignore[misc]
        if parent is None:
            raise ActionError(_("Commentaire introuvable."), "parent")
        if parent.parent_id is not None:
            # Threads are one level deep: a reply to a reply joins the same thread.
            parent = parent.parent
    return do_add_comment(target, clean_comment_body(body), parent=parent, acting_user=acting_user)


# --- Speakers ------------------------------------------------------------------------------


def _speakers_changed(item: AgendaItem) -> None:
    _meeting_event(
        item.meeting_id, events.SpeakersChanged(meeting_id=item.meeting_id, item_id=item.pk)
    )


@transaction.atomic
def do_add_speaker(
    item: AgendaItem, membership: Membership, *, acting_user: User
) -> SpeakerRequest:
    try:
        with transaction.atomic():
            request = SpeakerRequest.objects.create(
                agenda_item=item, membership=membership, added_by=acting_user
            )
    except IntegrityError:
        raise ActionError(_("Ce membre est déjà inscrit sur la liste des orateurs.")) from None
    _speakers_changed(item)
    return request


def check_request_floor(item: AgendaItem, *, acting_user: User) -> SpeakerRequest:
    _require(
        "deliberation.request_floor",
        acting_user,
        item,
        _("Vous pouvez demander la parole sur le point en cours, en tant que membre."),
    )
    membership = next(
        m
        for m in Membership.objects.current(on=item.meeting.start.date())
        .filter(user=acting_user, council_id=item.meeting.council_id, role__in=SEATED_ROLES)
        .select_related("user")
    )
    return do_add_speaker(item, membership, acting_user=acting_user)


do_request_floor = do_add_speaker


def check_add_speaker(item: AgendaItem, membership_id: Any, *, acting_user: User) -> SpeakerRequest:
    _require(
        "deliberation.manage_speakers",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat inscrivent un orateur, sur le point en cours."),
    )
    membership = _membership_in(item.meeting, membership_id, field="membership")
    if membership.role not in SEATED_ROLES:
        raise ActionError(_("Seuls les membres du conseil prennent la parole en séance."))
    return do_add_speaker(item, membership, acting_user=acting_user)


def _speaker_request(item: AgendaItem, request_id: Any) -> SpeakerRequest:
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise ActionError(_("Demande de parole introuvable.")) from None
    request = (
        SpeakerRequest.objects.filter(pk=pk, agenda_item=item)
        .select_related("membership__user", "agenda_item__meeting")
        .first()
    )
    if request is None:
        raise ActionError(_("Demande de parole introuvable."))
    return request


@transaction.atomic
def do_give_floor(request: SpeakerRequest, *, acting_user: User) -> SpeakerRequest:
    now = timezone.now()
    SpeakerRequest.objects.filter(
        agenda_item_id=request.agenda_item_id, state=SpeakerRequest.State.SPEAKING
    ).update(state=SpeakerRequest.State.DONE, ended_at=now)
    request.state = SpeakerRequest.State.SPEAKING
    request.started_at = now
    request.save(update_fields=["state", "started_at"])
    _speakers_changed(request.agenda_item)
    return request


def check_give_floor(item: AgendaItem, request_id: Any, *, acting_user: User) -> SpeakerRequest:
    _require(
        "deliberation.manage_speakers",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat donnent la parole, sur le point en cours."),
    )
    request = _speaker_request(item, request_id)
    if request.state != SpeakerRequest.State.WAITING:
        raise ActionError(_("Cette personne n'est pas dans la file d'attente."))
    return do_give_floor(request, acting_user=acting_user)


@transaction.atomic
def do_end_speaker(request: SpeakerRequest, *, acting_user: User) -> SpeakerRequest:
    request.state = SpeakerRequest.State.DONE
    request.ended_at = timezone.now()
    request.save(update_fields=["state", "ended_at"])
    _speakers_changed(request.agenda_item)
    return request


def check_end_speaker(item: AgendaItem, request_id: Any, *, acting_user: User) -> SpeakerRequest:
    _require(
        "deliberation.manage_speakers",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat gèrent la parole, sur le point en cours."),
    )
    request = _speaker_request(item, request_id)
    if request.state != SpeakerRequest.State.SPEAKING:
        raise ActionError(_("Cette personne n'a pas la parole."))
    return do_end_speaker(request, acting_user=acting_user)


@transaction.atomic
def do_remove_speaker(request: SpeakerRequest, *, acting_user: User) -> SpeakerRequest:
    if request.state == SpeakerRequest.State.SPEAKING:
        request.ended_at = timezone.now()
    request.state = SpeakerRequest.State.REMOVED
    request.save(update_fields=["state", "ended_at"])
    _speakers_changed(request.agenda_item)
    return request


def check_remove_speaker(item: AgendaItem, request_id: Any, *, acting_user: User) -> SpeakerRequest:
    request = _speaker_request(item, request_id)
    own = request.membership.user_id == acting_user.pk
    if not own:
        _require(
            "deliberation.manage_speakers",
            acting_user,
            item,
            _("Vous ne pouvez retirer que votre propre demande de parole."),
        )
    if request.state not in SpeakerRequest.ACTIVE:
        raise ActionError(_("Cette demande de parole n'est plus active."))
    return do_remove_speaker(request, acting_user=acting_user)


# --- Ballots -------------------------------------------------------------------------------


def _ballot_event(ballot: Ballot, votes: int) -> None:
    meeting_id = ballot.agenda_item.meeting_id
    _meeting_event(
        meeting_id,
        events.VoteCountChanged(
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
                opened_by=acting_user,
            )
    except IntegrityError:
        raise ActionError(_("Un scrutin est déjà ouvert sur ce point.")) from None
    if ballot.is_secret:
        # Sealed empty from the start: every version of the urn has the same size.
        ballot.urn = selectors.ballot_urn(ballot).seal(ballot.pk)
        ballot.save(update_fields=["urn"])
    _audit(
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
    _meeting_event(
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
    acting_user: User,
) -> Ballot:
    _require(
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
    text = _clean_text(
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
        acting_user=acting_user,
    )


def _locked_open_ballot(ballot_id: int) -> Ballot:
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


def _seat_owner(seat: Seat, presence: selectors.Presence) -> Membership:
    """Whose vote a seat carries: the proxy giver, the member a substitute replaces, or own."""
    if seat.proxy_for is not None:
        return seat.proxy_for
    by_id = {m.pk: m for m in presence.memberships}
    replaced = selectors.active_substitution(seat.voter, presence.attendance, by_id)
    return replaced or seat.voter


def _record(
    ballot: Ballot,
    seat: Seat,
    choice: str,
    channel: str,
    presence: selectors.Presence,
    *,
    acting_user: User,
) -> None:
    owner = _seat_owner(seat, presence)
    fields = {
        "ballot": ballot,
        "voter": seat.voter,
        "proxy_for": seat.proxy_for,
        "seat": owner,
        "channel": channel,
        "recorded_by": acting_user,
    }
    try:
        with transaction.atomic():
            if ballot.is_secret:
                BallotParticipation.objects.create(**fields)
            else:
                Vote.objects.create(choice=choice, **fields)
    except IntegrityError:
        raise ActionError(_("Ce vote a déjà été enregistré."), "choice") from None
    if ballot.is_secret:
        # Online and proxy votes share the urn's "online" part: no split by channel.
        _reseal(ballot, lambda urn: urn.add(selectors.URN_ONLINE, choice))
    # Never the choice of a secret ballot in the audit trail.
    _audit(
        "vote_recorded",
        actor=acting_user,
        meeting=ballot.agenda_item.meeting,
        ballot=ballot,
        voter=seat.voter.pk,
        proxy_for=seat.proxy_for.pk if seat.proxy_for else None,
        channel=channel,
        **({} if ballot.is_secret else {"choice": choice}),
    )


def _reseal(ballot: Ballot, change: Any) -> None:
    """Open the ballot's urn, change it, seal it again under a fresh nonce (row locked)."""
    urn: Urn = selectors.ballot_urn(ballot)
    change(urn)
    ballot.urn = urn.seal(ballot.pk)
    ballot.save(update_fields=["urn"])


def _already_voted(ballot: Ballot, owner: Membership) -> bool:
    model = BallotParticipation if ballot.is_secret else Vote
    return model.objects.filter(ballot=ballot, seat=owner).exists()


@transaction.atomic
def do_cast_vote(
    ballot_id: int,
    choice: str,
    *,
    proxy_for_id: int | None = None,
    voter_id: int | None = None,
    channel: str = Channel.ONLINE,
    acting_user: User,
) -> Ballot:
    """Record one vote. Under the ballot row lock: a vote racing the close is counted or refused.

    `voter_id` is the membership voting (defaults to the acting user's own seat); the
    secretariat passes it with channel=room_roll_call.
    """
    ballot = _locked_open_ballot(ballot_id)
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
    if channel == Channel.ROOM_ROLL_CALL and (
        ballot.is_secret or ballot.room_method != Ballot.RoomMethod.ROLL_CALL
    ):
        raise ActionError(_("Ce scrutin ne se vote pas par appel nominal en salle."))
    if channel == Channel.ROOM_ROLL_CALL and not seat.in_room:
        raise ActionError(_("Ce membre n'est pas présent en salle."), "voter")
    refusal = selectors.online_vote_refusal(ballot, seat)
    if refusal:
        raise ActionError(refusal)
    if channel == Channel.ONLINE and seat.in_room and not meeting.allows_remote:
        raise ActionError(_("Cette séance se tient en présentiel : votez en salle."))
    if _already_voted(ballot, _seat_owner(seat, presence)):
        raise ActionError(_("Ce vote a déjà été enregistré."), "choice")
    recorded_channel = Channel.PROXY if seat.proxy_for is not None else channel
    _record(ballot, seat, choice, recorded_channel, presence, acting_user=acting_user)
    _ballot_event(ballot, selectors.votes_cast(ballot))
    _user_event(
        seat.voter.user_id, events.OwnVoteRecorded(meeting_id=meeting.pk, ballot_id=ballot.pk)
    )
    return ballot


def _ballot_id(ballot_id: Any) -> int:
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
    ballot = (
        Ballot.objects.filter(pk=_ballot_id(ballot_id))
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


def _clean_choice(choice: Any) -> str:
    if choice not in Choice.values:
        raise ActionError(_("Choisissez : pour, contre ou abstention."), "choice")
    return str(choice)


def check_cast_vote(
    ballot_id: Any, choice: Any, *, proxy_for_id: Any = None, acting_user: User
) -> Ballot:
    """An online vote, by the voter, or by a proxy holder for the member they represent."""
    ballot = _ballot_for_check(ballot_id)
    _require(
        "deliberation.cast_vote",
        acting_user,
        ballot,
        _("Vous n'avez pas de droit de vote dans ce scrutin."),
    )
    return do_cast_vote(
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
        channel=Channel.ROOM_ROLL_CALL,
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
    _require(
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
def do_record_room_totals(
    ballot_id: int, yes: int, no: int, abstain: int, *, acting_user: User
) -> Ballot:
    """The room's totals: a show of hands (open ballot), or the tellers' count of the paper
    ballots (secret ballot, sealed in the urn). Entered again, they replace the previous."""
    ballot = _locked_open_ballot(ballot_id)
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
        _reseal(ballot, lambda urn: urn.replace(selectors.URN_PAPER, counts))
        ballot.paper_ballots = yes + no + abstain
        ballot.save(update_fields=["paper_ballots", "room_recorded_by"])
        # How many ballots, never what they said.
        _audit(
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
        _audit(
            "show_of_hands_recorded",
            actor=acting_user,
            meeting=meeting,
            ballot=ballot,
            totals=[yes, no, abstain],
            previous=previous,
        )
    _ballot_event(ballot, selectors.votes_cast(ballot))
    return ballot


def check_record_room_totals(
    ballot_id: Any, *, yes: Any, no: Any, abstain: Any, acting_user: User
) -> Ballot:
    ballot = _ballot_for_check(ballot_id)
    _require(
        "deliberation.record_room_totals",
        acting_user,
        ballot,
        _("Seul le secrétariat saisit les totaux de la salle."),
    )
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
    locked = _locked_open_ballot(ballot_id)
    ballot = Ballot.objects.select_related(
        "agenda_item__meeting",
        "amendment__proposal",
        "amendment__base_version",
        "amendment__author",
        "proposal_version__proposal",
    ).get(pk=locked.pk)
    meeting = ballot.agenda_item.meeting
    presence = selectors.presence(meeting)
    if (
        ballot.room_counts_totals
        and not ballot.room_totals_entered
        and any(s.in_room for s in presence.seats)
    ):
        if ballot.is_secret:
            raise ActionError(_("Saisissez d'abord les totaux des bulletins papier de la salle."))
        raise ActionError(_("Saisissez d'abord les totaux du vote à main levée de la salle."))
    counted = selectors.tally(ballot)
    totals = counted.totals
    if not presence.quorum.reached:
        outcome = Decision.Outcome.NO_QUORUM
    elif selectors.is_adopted(ballot.rule, totals["yes"], totals["no"], totals["abstain"]):
        outcome = Decision.Outcome.ADOPTED
    else:
        outcome = Decision.Outcome.REJECTED
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
            resulting_version, stale = _merge(amendment, acting_user=acting_user)
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
    _audit(
        "ballot_closed",
        actor=acting_user,
        meeting=meeting,
        ballot=ballot,
        outcome=outcome,
        totals=totals,
        decision=decision.reference,
        decision_hash=decision.hash,
    )
    _meeting_event(
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
        _meeting_event(
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
    decision_recorded.send(sender=Decision, decision=decision, acting_user=acting_user)
    transaction.on_commit(lambda: _notify_decision(decision), robust=True)
    return decision


def check_close_ballot(ballot_id: Any, *, acting_user: User) -> Decision:
    ballot = (
        Ballot.objects.filter(pk=_ballot_id(ballot_id))
        .select_related("agenda_item__meeting")
        .first()
    )
    if ballot is None:
        raise ActionError(_("Ce scrutin n'existe pas."))
    if ballot.state == Ballot.State.CLOSED:
        raise ActionError(_("Ce scrutin est déjà clos."))
    _require(
        "deliberation.close_ballot",
        acting_user,
        ballot,
        _("Seuls la présidence et le secrétariat clôturent un scrutin."),
    )
    return do_close_ballot(ballot.pk, acting_user=acting_user)
