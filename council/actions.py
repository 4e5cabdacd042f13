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
from council.models import VOTING_ROLES, Council, Membership, Role, User

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
