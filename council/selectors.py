"""Reads of the council's people for pages: one query per call, whatever the size."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.text import slugify

from council.models import PUBLIC_RECORD_ROLES, Council, Membership, Role

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


def current_delegates(council: Council, on: datetime.date | None = None) -> list[Membership]:
    """Who sits for the council in other bodies now, by body then name."""
    return list(
        Membership.objects.current(on)
        .filter(council=council, role=Role.DELEGATE)
        .select_related("user")
        .order_by("body", "user__last_name", "user__first_name")
    )


def councils_where(user, permission: str) -> QuerySet[Council]:
    """The councils in which `user` holds the named permission (asked per council: without
    one, a permission means "in any council")."""
    allowed = [c.pk for c in Council.objects.all() if user.has_perm(permission, c)]
    return Council.objects.filter(pk__in=allowed)


def member_name(user) -> str:
    """How a member is named in public (pages, CSV, notifications): never their e-mail."""
    return user.get_full_name() or user.username


def member_slug(user) -> str:
    """A person's address on the council page: their name for the reader, their number for
    the lookup (a name may change or be shared)."""
    return f"{slugify(user.get_full_name() or user.username) or 'membre'}-{user.pk}"


def seated_person(council: Council, slug: str):
    """The person behind a member address, if they ever held a seat on this council."""
    number = slug.rsplit("-", 1)[-1]
    if not number.isdigit():
        return None
    mandate = (
        Membership.objects.filter(
            council=council, user_id=int(number), role__in=PUBLIC_RECORD_ROLES
        )
        .select_related("user")
        .first()
    )
    return mandate.user if mandate else None
