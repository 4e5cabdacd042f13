"""Attendance and proxies: who is present, and who votes for whom."""

from __future__ import annotations

from typing import Any

import rules
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from council.models import SEATED_ROLES, Membership, Role, User
from deliberation import events, guards, selectors
from deliberation.actions.common import (
    ActionError,
    audit,
    meeting_event,
    membership_in,
    refuse_if,
    require,
)
from deliberation.models import (
    Attendance,
    Meeting,
    Proxy,
)


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
    audit(
        "attendance_set",
        actor=acting_user,
        meeting=meeting,
        membership=membership.pk,
        status=status,
        replaces=replaces.pk if replaces else None,
    )
    meeting_event(
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
    require(
        "deliberation.set_attendance",
        acting_user,
        meeting,
        _("Seuls la présidence et le secrétariat enregistrent les présences, avant la clôture."),
    )
    membership = membership_in(meeting, membership_id, field="membership")
    if membership.role not in SEATED_ROLES:
        raise ActionError(_("Seuls les membres du conseil figurent sur la liste de présence."))
    if status not in Attendance.Status.values:
        raise ActionError(_("Choisissez une présence dans la liste."), "status")
    refuse_if(guards.guard_attendance_status(meeting, status))
    replaces = None
    if replaces_id not in (None, ""):
        if membership.role != Role.SUBSTITUTE:
            raise ActionError(_("Seul·e un·e suppléant·e peut remplacer un membre."), "replaces")
        if status not in Attendance.PRESENT:
            raise ActionError(_("Un·e suppléant·e absent·e ne remplace personne."), "replaces")
        replaces = membership_in(meeting, replaces_id, field="replaces")
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
    audit("proxy_given", actor=acting_user, meeting=meeting, giver=giver.pk, holder=holder.pk)
    meeting_event(
        meeting.pk,
        events.ProxyGiven(
            meeting_id=meeting.pk, proxy_id=proxy.pk, giver_id=giver.pk, holder_id=holder.pk
        ),
    )
    return proxy


def check_give_proxy(
    meeting: Meeting, giver_id: Any, holder_id: Any, *, acting_user: User
) -> Proxy:
    refuse_if(guards.guard_may_give_proxy(acting_user, meeting))
    giver = membership_in(meeting, giver_id, field="giver")
    holder = membership_in(meeting, holder_id, field="holder")
    if giver.user_id != acting_user.pk and not rules.has_perm(
        "deliberation.view_secretariat_console", acting_user, meeting
    ):
        raise ActionError(_("Vous ne pouvez donner procuration qu'en votre propre nom."), "giver")
    if giver.pk == holder.pk:
        raise ActionError(_("On ne se donne pas procuration à soi-même."), "holder")
    presence = selectors.presence(meeting)
    refuse_if(guards.guard_proxy_giver(giver, presence), "giver")
    refuse_if(guards.guard_proxy_holder(holder, presence), "holder")
    return do_give_proxy(meeting, giver, holder, acting_user=acting_user)
