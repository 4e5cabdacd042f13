"""Whether a session passed its second factor, read from allauth's authentication records.

allauth keeps, in the session, a log of the steps that authenticated it (password, e-mail
code, `mfa`…), tied to the user they authenticated. An `mfa` record is written only when
a TOTP or recovery code was accepted in this session. Having a TOTP device says nothing
about the session in hand: a session opened by a password alone has the device and no
record. The HTTP middleware and the socket ask the same question here.
"""

from __future__ import annotations

import enum
from types import SimpleNamespace
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from django.conf import settings

from council.rules import requires_mfa


class MFAState(enum.Enum):
    NOT_REQUIRED = "not_required"  # anonymous, or a role that does not need a second factor
    EXEMPT = "exempt"  # a seeded demo account while DEMO is on
    MISSING = "missing"  # the role needs a TOTP device and has none yet
    SKIPPED = "skipped"  # the device exists, this session did not pass it
    PASSED = "passed"

    @property
    def allows_staff(self) -> bool:
        """Whether this session may act with its staff role."""
        return self in (MFAState.NOT_REQUIRED, MFAState.EXEMPT, MFAState.PASSED)


def demo_exempt(user: Any) -> bool:
    return bool(settings.DEMO) and (getattr(user, "email", "") or "").endswith(
        "@" + settings.DEMO_EMAIL_DOMAIN
    )


def session_passed_mfa(session: Any, user: Any) -> bool:
    """An `mfa` record for this very user in this session."""
    records = get_authentication_records(SimpleNamespace(session=session), user)
    return any(isinstance(r, dict) and r.get("method") == "mfa" for r in records)


def mfa_state_for(user: Any, session: Any) -> MFAState:
    if user is None or not user.is_authenticated or not requires_mfa(user):
        return MFAState.NOT_REQUIRED
    if demo_exempt(user):
        return MFAState.EXEMPT
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return MFAState.MISSING
    if not session_passed_mfa(session, user):
        return MFAState.SKIPPED
    return MFAState.PASSED


def mfa_state(request: Any) -> MFAState:
    return mfa_state_for(getattr(request, "user", None), request.session)


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """Activating TOTP takes a code from the new device: that is the second factor passed
    in this session (allauth records it only at login)."""

    def clean_code(self) -> str:
        code = super().clean_code()
        record_authentication(context.request, self.user, "mfa", type=Authenticator.Type.TOTP)
        return code
