"""Who may do what, as `rules` predicates.

Each predicate takes (user, council). With council=None it asks "in any council", which
is what site-wide permissions (reaching the Wagtail admin) need. Views, templates and
`check_*` actions ask the named permissions at the bottom, never the predicates' logic.
"""

from __future__ import annotations

import rules

from council.models import SEATED_ROLES, Council, Membership, Role


def current_memberships(user) -> list[Membership]:
    """The user's current mandates, fetched once per user object (so once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_current_memberships", None)
    if cached is None:
        cached = list(Membership.objects.current().filter(user=user).select_related("council"))
        user._current_memberships = cached
    return cached


def _roles(user, council: Council | None) -> set[str]:
    return {
        m.role
        for m in current_memberships(user)
        if council is None or m.council_id == getattr(council, "pk", council)
    }


@rules.predicate
def is_member(user, council=None) -> bool:
    return bool(_roles(user, council) & set(SEATED_ROLES))


@rules.predicate
def is_chair(user, council=None) -> bool:
    return Role.CHAIR in _roles(user, council)


@rules.predicate
def is_vice_chair(user, council=None) -> bool:
    return Role.VICE_CHAIR in _roles(user, council)


@rules.predicate
def is_secretariat(user, council=None) -> bool:
    return Role.SECRETARY in _roles(user, council)


@rules.predicate
def is_observer(user, council=None) -> bool:
    return Role.OBSERVER in _roles(user, council)


@rules.predicate
def has_voting_right(user, council=None) -> bool:
    return any(
        m.has_voting_right and m.role in SEATED_ROLES
        for m in current_memberships(user)
        if council is None or m.council_id == getattr(council, "pk", council)
    )


can_preside = is_chair | is_vice_chair

# Named permissions.
rules.add_perm("council.view_members_area", is_member | is_secretariat | is_observer)
rules.add_perm("council.manage_members", is_secretariat)
rules.add_perm("council.invite_member", is_secretariat)
rules.add_perm("council.preside", can_preside)
# Wagtail asks this one to let someone into /admin/: the secretariat, and the chair who
# approves what the secretariat submits.
rules.add_perm("wagtailadmin.access_admin", is_secretariat | can_preside)


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


# Chair and secretariat accounts must protect their login with a TOTP second factor.
requires_mfa = is_secretariat | can_preside | is_superuser


@rules.predicate
def is_mediator(user, council=None) -> bool:
    return Role.MEDIATOR in _roles(user, council)


# The mediation desk: counter, telephone and EPN staff, and the secretariat who staffs it too.
rules.add_perm("council.use_mediation_desk", is_mediator | is_secretariat)

# Accounts without e-mail and their printed login letters.
rules.add_perm("council.create_letter_account", is_secretariat)
