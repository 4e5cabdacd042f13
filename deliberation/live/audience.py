"""Who may watch a meeting as what: the audiences a user may join (the server decides)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from council import rules as council_rules
from council.mfa import mfa_state_for
from deliberation.live.fragments import MEMBERS, PUBLIC, SCREEN, STAFF
from deliberation.models import (
    Meeting,
)


def audiences_for_user(user: Any, meeting: Meeting) -> set[str]:
    """The audiences this user may watch the meeting as (the server decides, never the URL)."""
    council = meeting.council_id
    staff = council_rules.is_secretariat(user, council) or council_rules.can_preside(user, council)
    allowed: set[str] = set()
    if meeting.state != Meeting.State.DRAFT or staff:
        allowed.add(PUBLIC)
    if staff or council_rules.is_member(user, council) or council_rules.is_observer(user, council):
        allowed.add(MEMBERS)
    if staff:
        allowed.add(STAFF)
    if PUBLIC in allowed:
        # The screen shows what the public live page shows, laid out for a projector.
        allowed.add(SCREEN)
    return allowed


def socket_user(scope: Any) -> Any:
    """The socket's user, as the pages would see them: a chair or secretariat session that
    did not pass its second factor is nobody in particular (the pages log it out)."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return AnonymousUser()
    if not mfa_state_for(user, scope.get("session")).allows_staff:
        return AnonymousUser()
    return user


def allowed_audiences(user: Any, meeting_id: int) -> set[str] | None:
    """None when the meeting does not exist."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return None
    return audiences_for_user(user, meeting)
