"""Writes to the council's people go through here, like deliberation's actions."""

from __future__ import annotations

import datetime

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from council.invitations import send_invitation
from council.models import SEATED_ROLES, VOTING_ROLES, Council, EndReason, Membership, Role, User
from council.notifications.member_activity import tell_followers

# Wagtail's page, document and image permissions are granted to groups; membership roles
# decide who is in them (see cms/migrations for what each group may do).
SECRETARIAT_GROUP = "Secrétariat"
CHAIR_GROUP = "Présidence"
_STAFF_GROUPS = {
    SECRETARIAT_GROUP: {Role.SECRETARY},
    CHAIR_GROUP: {Role.CHAIR, Role.VICE_CHAIR},
}


def sync_staff_groups(user: User) -> None:
    """Put the user in exactly the editor groups their current mandates call for."""
    roles = set(Membership.objects.current().filter(user=user).values_list("role", flat=True))
    for name, group_roles in _STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        if roles & group_roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)


@transaction.atomic
def do_add_membership(
    user: User,
    council: Council,
    role: str,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    organisation: str = "",
    has_voting_right: bool | None = None,
    acting_user: User | None,
) -> Membership:
    membership = Membership(
        user=user,
        council=council,
        role=role,
        organisation=organisation,
        end=end,
        has_voting_right=role in VOTING_ROLES if has_voting_right is None else has_voting_right,
    )
    if start is not None:
        membership.start = start
    membership.full_clean()
    membership.save()
    sync_staff_groups(user)
    return membership


# Offices one person holds at a time; electing someone to one returns its holder to a seat.
SINGLE_SEAT_OFFICES = (Role.CHAIR, Role.VICE_CHAIR)


def _end(membership: Membership, day: datetime.date, reason: str, decision: str) -> None:
    membership.end = day
    membership.end_reason = reason
    membership.end_decision = decision
    membership.full_clean()
    membership.save(update_fields=["end", "end_reason", "end_decision"])


def _check_can_end(membership: Membership, end: datetime.date, reason: str) -> None:
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Motif de fin inconnu.")})
    if membership.end_reason or (membership.end is not None and membership.end < end):
        raise ValidationError({"end": _("Ce mandat a déjà pris fin.")})
    if end < membership.start:
        raise ValidationError(
            {
                "end": _("La fin du mandat ne peut pas précéder son début (%(start)s).")
                % {"start": membership.start.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def do_end_mandate(
    membership: Membership,
    *,
    end: datetime.date,
    reason: str,
    decision: str = "",
    acting_user: User | None,
) -> Membership:
    """End a mandate on `end` (its last day), with why and by which decision."""
    _check_can_end(membership, end, reason)
    _end(membership, end, reason, decision)
    sync_staff_groups(membership.user)
    tell_followers([membership.user_id], membership.council_id)
    return membership


def check_end_mandate(
    membership: Membership,
    *,
    end: datetime.date,
    reason: str,
    decision: str = "",
    acting_user: User,
) -> Membership:
    if not acting_user.has_perm("council.manage_members", membership.council):
        raise PermissionDenied(_("Seul le secrétariat de ce conseil peut mettre fin à un mandat."))
    return do_end_mandate(
        membership, end=end, reason=reason, decision=decision, acting_user=acting_user
    )


def check_replace_member(
    membership: Membership,
    substitute_user: User,
    *,
    day: datetime.date,
    reason: str,
    decision: str = "",
    acting_user: User,
) -> Membership:
    if not acting_user.has_perm("council.manage_members", membership.council):
        raise PermissionDenied(_("Seul le secrétariat de ce conseil peut remplacer un membre."))
    return do_replace_member(
        membership,
        substitute_user,
        day=day,
        reason=reason,
        decision=decision,
        acting_user=acting_user,
    )


@transaction.atomic
def do_replace_member(
    membership: Membership,
    substitute_user: User,
    *,
    day: datetime.date,
    reason: str,
    decision: str = "",
    acting_user: User | None,
) -> Membership:
    """End `membership` on `day` (its last day) and seat `substitute_user` as a full member
    from the next day, for the rest of the term: the new mandate succeeds the ended one. The
    substitute's own substitute mandate, if any, ends the same day (one person, one seat)."""
    _check_can_end(membership, day, reason)
    start = day + datetime.timedelta(days=1)
    if substitute_user.pk == membership.user_id:
        raise ValidationError(
            {"substitute": _("Choisissez une autre personne que le membre remplacé.")}
        )
    seats = Membership.objects.current(start).filter(
        council_id=membership.council_id, user=substitute_user
    )
    if seats.filter(role__in=VOTING_ROLES).exists():
        raise ValidationError(
            {"substitute": _("Cette personne siège déjà comme membre effectif·ve de ce conseil.")}
        )
    term_end = membership.end
    own_seat = seats.filter(role=Role.SUBSTITUTE).first()
    if own_seat is not None:
        if own_seat.start >= start:
            raise ValidationError(
                {"day": _("Le mandat de suppléant·e de cette personne commence après ce jour.")}
            )
        _end(own_seat, day, EndReason.OFFICE_CHANGE, decision)
    _end(membership, day, reason, decision)
    successor = Membership(
        user=substitute_user,
        council_id=membership.council_id,
        role=Role.MEMBER,
        start=start,
        end=term_end if term_end is None or term_end >= start else None,
        start_decision=decision,
        organisation=own_seat.organisation if own_seat else "",
        succeeds=membership,
        has_voting_right=True,
    )
    successor.full_clean()
    successor.save()
    sync_staff_groups(membership.user)
    sync_staff_groups(substitute_user)
    tell_followers([membership.user_id, substitute_user.pk], membership.council_id)
    return successor


@transaction.atomic
def do_assign_office(
    council: Council,
    user: User,
    role: str,
    *,
    start: datetime.date,
    decision: str = "",
    body: str = "",
    acting_user: User | None,
) -> Membership:
    """Give `user` the office `role` from `start`, as an election decided.

    A seated person changes office: their current seat ends the day before and the new
    mandate succeeds it (one seat, one vote). The outgoing holder of a single-seat office
    (chair, vice-chair) goes back to an ordinary member's seat. A delegate's mandate in
    another body (`body`) is held beside the person's seat."""
    day_before = start - datetime.timedelta(days=1)
    current = Membership.objects.current(start).filter(council=council)
    previous: Membership | None = None
    if role in SEATED_ROLES:
        previous = current.filter(user=user, role__in=SEATED_ROLES).first()
    if role in SINGLE_SEAT_OFFICES:
        for outgoing in current.filter(role=role).exclude(user=user):
            _change_seat(outgoing, Role.MEMBER, start, day_before, decision)
    tell_followers([user.pk], council.pk)
    if previous is not None:
        return _change_seat(previous, role, start, day_before, decision, body=body)
    return _new_mandate(user, council, role, start, decision, body)


def _new_mandate(
    user: User, council: Council, role: str, start: datetime.date, decision: str, body: str
) -> Membership:
    membership = Membership(
        user=user,
        council=council,
        role=role,
        start=start,
        body=body,
        start_decision=decision,
        has_voting_right=role in VOTING_ROLES,
    )
    membership.full_clean()
    membership.save()
    sync_staff_groups(user)
    return membership


def _change_seat(
    seat: Membership,
    role: str,
    start: datetime.date,
    day_before: datetime.date,
    decision: str,
    *,
    body: str = "",
) -> Membership:
    """The same person's seat continues under another role from `start`."""
    if seat.role == role:
        return seat
    if seat.start >= start:
        # Appointed the same day (a correction): the seat itself takes the new role.
        seat.role, seat.start_decision = role, decision or seat.start_decision
        seat.has_voting_right = role in VOTING_ROLES
        seat.full_clean()
        seat.save(update_fields=["role", "start_decision", "has_voting_right"])
        sync_staff_groups(seat.user)
        return seat
    _end(seat, day_before, EndReason.OFFICE_CHANGE, decision)
    successor = _new_mandate(seat.user, seat.council, role, start, decision, body)
    successor.succeeds = seat
    successor.organisation = seat.organisation
    successor.save(update_fields=["succeeds", "organisation"])
    return successor


def email_in_use(email: str) -> bool:
    """Whether any account already holds this address, verified or not."""
    email = email.strip()
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def check_invite_member(
    *,
    email: str,
    first_name: str,
    last_name: str,
    council: Council,
    role: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    organisation: str = "",
    has_voting_right: bool | None = None,
    base_url: str = "",
    acting_user: User,
) -> Membership:
    if not acting_user.has_perm("council.invite_member", council):
        raise PermissionDenied(_("Seul le secrétariat de ce conseil peut y inviter des membres."))
    if email_in_use(email):
        raise ValidationError(
            {"email": _("Un compte existe déjà avec cette adresse e-mail.")}, code="email_in_use"
        )
    return do_invite_member(
        email=email,
        first_name=first_name,
        last_name=last_name,
        council=council,
        role=role,
        start=start,
        end=end,
        organisation=organisation,
        has_voting_right=has_voting_right,
        base_url=base_url,
        acting_user=acting_user,
    )


@transaction.atomic
def do_invite_member(
    *,
    email: str,
    first_name: str,
    last_name: str,
    council: Council,
    role: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    organisation: str = "",
    has_voting_right: bool | None = None,
    base_url: str = "",
    acting_user: User | None,
) -> Membership:
    """Create the account (no password yet), its address and mandate; mail the link on commit.

    The address becomes verified when the person follows the link: that proves they read it.
    """
    email = email.strip().lower()
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        username=get_adapter().generate_unique_username([first_name, last_name, email, "membre"]),
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        # Two invitations for one address raced past the form's check.
        raise ValidationError(
            {"email": _("Un compte existe déjà avec cette adresse e-mail.")}, code="email_in_use"
        ) from error
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    membership = do_add_membership(
        user,
        council,
        role,
        start=start,
        end=end,
        organisation=organisation.strip(),
        has_voting_right=has_voting_right,
        acting_user=acting_user,
    )
    link_base = base_url or settings.WAGTAILADMIN_BASE_URL
    # Only once the rows are committed: a rolled-back invitation must not reach anyone.
    transaction.on_commit(
        lambda: send_invitation(membership, base_url=link_base, inviter=acting_user)
    )
    return membership


@transaction.atomic
def do_accept_invitation(user: User, password: str) -> User:
    """Set the first password; following the mailed link proved the address."""
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    return user
