"""Reads of the council's people for pages: one query per call, whatever the size."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from council.models import Council, Membership, Role

# The order a resident expects to read a council's composition in.
ROLE_ORDER = [
    Role.CHAIR,
    Role.VICE_CHAIR,
    Role.MEMBER,
    Role.SUBSTITUTE,
    Role.SECRETARY,
    Role.OBSERVER,
]


def current_members(council: Council, on: datetime.date | None = None) -> QuerySet[Membership]:
    """The council's current mandates with their holders, chair first, then by name."""
    rank = Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)],
        default=Value(len(ROLE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.current(on)
        .filter(council=council)
        .select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "user__last_name", "user__first_name")
    )


def members_by_role(
    council: Council, on: datetime.date | None = None
) -> list[tuple[str, list[Membership]]]:
    """[(role, [mandates])] in ROLE_ORDER, skipping roles nobody holds."""
    groups: dict[str, list[Membership]] = {}
    for membership in current_members(council, on):
        groups.setdefault(membership.role, []).append(membership)
    return [(role, groups[role]) for role in ROLE_ORDER if role in groups]


def councils_where(user, permission: str) -> QuerySet[Council]:
    """The councils in which `user` holds the named permission (asked per council: without
    one, a permission means "in any council")."""
    allowed = [c.pk for c in Council.objects.all() if user.has_perm(permission, c)]
    return Council.objects.filter(pk__in=allowed)
