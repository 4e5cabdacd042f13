"""Invitation links: a signed, expiring, single-use token to choose a first password.

The token is Django's password-reset token with its own salt and lifetime. It hashes the
account's password field, so it dies as soon as a password is set: one use only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from council.models import Membership, User

# Long enough to reach someone who reads mail once a week, short enough to limit a leak.
INVITATION_TIMEOUT = 14 * 24 * 3600


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "council.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        # Same as Django's, against INVITATION_TIMEOUT instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    return reverse(
        "accept_invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )


def send_invitation(membership: Membership, *, base_url: str, inviter: User | None) -> None:
    """Send the invitation in the site's language, as plain text and HTML."""
    user = membership.user
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "membership": membership,
            "inviter": inviter,
            "link": base_url.rstrip("/") + invitation_path(user),
            "valid_days": INVITATION_TIMEOUT // (24 * 3600),
        }
        subject = render_to_string("council/email/invitation_subject.txt", context)
        text = render_to_string("council/email/invitation_message.txt", context)
        html = render_to_string("council/email/invitation_message.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[str(user.email)],
    )
    message.attach_alternative(html, "text/html")
    message.send()
