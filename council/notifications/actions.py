"""Writes to subscriptions: `check_*` validates input, `do_*` makes the change."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from council.models import User
from council.notifications.links import CONFIRM_MAX_AGE, absolute, confirm_token
from council.notifications.models import Delivery, Notice, NotificationChannel, Subscription

_PHONE = re.compile(r"\+?[0-9][0-9 ./\-]*")


def sms_available() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def clean_events(values: Any) -> list[str]:
    if not isinstance(values, list | tuple) or not values:
        raise ValidationError(
            {"events": _("Choisissez au moins un type de nouvelle à recevoir.")}, code="required"
        )
    chosen = {str(v) for v in values}
    if not chosen <= set(Notice.values):
        raise ValidationError({"events": _("Ce choix n’existe pas.")}, code="invalid_choice")
    return [e for e in Notice.values if e in chosen]


def clean_mobile(value: Any) -> str:
    """A Belgian mobile (04…) or an international number (+…), as +digits."""
    message = _(
        "Numéro de GSM invalide : indiquez un numéro belge commençant par 04 (par exemple "
        "0470 12 34 56) ou un numéro international commençant par + (par exemple +32 470 12 34 56)."
    )
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 30 or not _PHONE.fullmatch(text):
        raise ValidationError({"phone": message}, code="invalid")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not 8 <= len(digits) <= 15 or digits.startswith("0"):
            raise ValidationError({"phone": message}, code="invalid")
        return "+" + digits
    if not (digits.startswith("04") and len(digits) == 10):
        raise ValidationError({"phone": message}, code="invalid")
    return "+32" + digits[1:]


# --- Without an account: double opt-in ---------------------------------------------------


def _send_confirmation(subscription: Subscription) -> None:
    link = absolute(reverse("notification_confirm", kwargs={"token": confirm_token(subscription)}))
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "council/email/subscription_confirm.txt",
            {"link": link, "valid_days": CONFIRM_MAX_AGE // (24 * 3600)},
        )
        subject = _("Confirmez votre abonnement aux nouvelles du conseil")
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        None,
        [subscription.email],
    )


def check_subscribe_by_email(*, email: Any, events: Any, digest: bool) -> None:
    """Ask for a confirmation; an address already subscribed gets nothing new, and the page
    says the same either way (no telling who is subscribed)."""
    address = email.strip().lower() if isinstance(email, str) else ""
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            {"email": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.be.")},
            code="invalid",
        ) from None
    do_subscribe_by_email(address, clean_events(events), digest=bool(digest))


@transaction.atomic
def do_subscribe_by_email(email: str, events: list[str], *, digest: bool) -> Subscription:
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        user=None,
        email=email,
        defaults={"channel": NotificationChannel.EMAIL, "events": events, "digest": digest},
    )
    if not created and subscription.is_active:
        return subscription
    subscription.events = events
    subscription.digest = digest
    subscription.confirmed_at = None
    subscription.unsubscribed_at = None
    subscription.save()
    transaction.on_commit(lambda: _send_confirmation(subscription))
    return subscription


@transaction.atomic
def do_confirm_subscription(subscription: Subscription) -> Subscription:
    if subscription.confirmed_at is None or subscription.unsubscribed_at is not None:
        subscription.confirmed_at = timezone.now()
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscription


@transaction.atomic
def do_unsubscribe(subscription: Subscription) -> Subscription:
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    subscription.deliveries.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.HELD]
    ).update(status=Delivery.Status.CANCELLED)
    return subscription


# --- An account's own subscriptions ------------------------------------------------------


def check_save_my_subscriptions(
    user: User,
    *,
    events: Any,
    by_email: bool,
    digest: bool,
    by_sms: bool,
    phone: Any,
) -> list[Subscription]:
    if events and not (by_email or by_sms):
        raise ValidationError(
            _("Choisissez comment recevoir ces nouvelles : par e-mail ou par SMS."),
            code="no_channel",
        )
    chosen = clean_events(events) if (by_email or by_sms) else []
    if by_email and not user.email:
        raise ValidationError(
            {"by_email": _("Votre compte n’a pas d’adresse e-mail : choisissez le SMS.")},
            code="no_email",
        )
    mobile = ""
    if by_sms:
        if not sms_available():
            raise ValidationError(
                {"by_sms": _("L’envoi de SMS n’est pas disponible sur ce site.")},
                code="no_sms",
            )
        mobile = clean_mobile(phone)
    return do_save_my_subscriptions(
        user,
        events=chosen,
        channels={NotificationChannel.EMAIL: by_email, NotificationChannel.SMS: by_sms},
        digest=digest,
        phone=mobile,
    )


@transaction.atomic
def do_save_my_subscriptions(
    user: User,
    *,
    events: list[str],
    channels: dict[str, bool],
    digest: bool,
    phone: str,
) -> list[Subscription]:
    now = timezone.now()
    kept = []
    for channel, wanted in channels.items():
        current = Subscription.objects.filter(user=user, channel=channel).first()
        if wanted:
            subscription = current or Subscription(user=user, channel=channel)
            subscription.events = events
            subscription.digest = digest and channel == NotificationChannel.EMAIL
            subscription.phone = phone if channel == NotificationChannel.SMS else ""
            subscription.confirmed_at = subscription.confirmed_at or now
            subscription.unsubscribed_at = None
            subscription.save()
            kept.append(subscription)
        elif current is not None and current.is_active:
            do_unsubscribe(current)
    return kept


def my_subscriptions(user: User) -> dict[str, Subscription]:
    """The account's active subscriptions by channel (a selector, kept beside its writes)."""
    return {s.channel: s for s in Subscription.objects.active().filter(user=user)}
