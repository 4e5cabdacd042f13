"""Writes to the council's people go through here, like deliberation's actions."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.db import transaction

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
