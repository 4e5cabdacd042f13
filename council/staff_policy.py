"""Who may use the Wagtail admin's council records (meetings, consultations): the staff of
a council, by the council's rules rather than Django model permissions."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from wagtail.permission_policies.base import BasePermissionPolicy

from council import rules as council_rules
from council.models import Membership, Role, User

STAFF_ROLES = (Role.SECRETARY, Role.CHAIR, Role.VICE_CHAIR)


def is_council_staff(user: Any) -> bool:
    return bool(
        user.is_active
        and (
            user.is_superuser
            or council_rules.is_secretariat(user)
            or council_rules.can_preside(user)
        )
    )


class CouncilStaffPermissionPolicy(BasePermissionPolicy):
    """Any council's staff may add and view; changing one object asks `change_rule` (a
    django-rules permission) for it. Nobody deletes: these records are the council's."""

    def __init__(self, model: type[Model], change_rule: str) -> None:
        super().__init__(model)
        self.change_rule = change_rule

    def user_has_permission(self, user, action):
        return action in ("add", "change", "view") and is_council_staff(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return is_council_staff(user)
        if action == "change":
            return user.is_active and user.has_perm(self.change_rule, instance)
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def users_with_any_permission(self, actions):
        if not set(actions) & {"add", "change", "view"}:
            return User.objects.none()
        staff = Membership.objects.current().filter(role__in=STAFF_ROLES).values("user_id")
        return User.objects.filter(is_active=True).filter(pk__in=staff) | User.objects.filter(
            is_active=True, is_superuser=True
        )
