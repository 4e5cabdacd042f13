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

from council.models import PUBLIC_RECORD_ROLES, User
from council.notifications.links import CONFIRM_MAX_AGE, absolute, confirm_token
from council.notifications.models import (
    GENERAL_NOTICES,
    Delivery,
    Notice,
    NotificationChannel,
    Subscription,
)

_PHONE = re.compile(r"\+?[0-9][0-9 ./\-]*")


def sms_available() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def clean_events(values: Any) -> list[str]:
    if not isinstance(values, list | tuple) or not values:
        raise ValidationError(
            {"events": _("Choisissez au moins un type de nouvelle à recevoir.")}, code="required"
        )
    chosen = {str(v) for v in values}
    general = [value for value, _label in GENERAL_NOTICES]
    if not chosen <= set(general):
        raise ValidationError({"events": _("Ce choix n’existe pas.")}, code="invalid_choice")
    return [e for e in general if e in chosen]


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
        member=None,
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
        current = Subscription.objects.filter(
            user=user, channel=channel, member__isnull=True
        ).first()
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
    return {
        s.channel: s for s in Subscription.objects.active().filter(user=user, member__isnull=True)
    }


# --- Following one member ----------------------------------------------------------------


def followable_member(member_id: Any) -> User | None:
    """A person whose public record may be followed: someone who held a seat or a delegation."""
    if not isinstance(member_id, int):
        return None
    return (
        User.objects.filter(pk=member_id, memberships__role__in=PUBLIC_RECORD_ROLES)
        .distinct()
        .first()
    )


def check_follow_member_by_email(*, member: User, email: Any) -> None:
    """Without an account: the same double opt-in as the council's news; the page says the
    same whether the address already follows this member or not."""
    address = email.strip().lower() if isinstance(email, str) else ""
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            {"email": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.be.")},
            code="invalid",
        ) from None
    do_follow_member_by_email(address, member)


@transaction.atomic
def do_follow_member_by_email(email: str, member: User) -> Subscription:
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        user=None,
        email=email,
        member=member,
        defaults={"channel": NotificationChannel.EMAIL, "events": [Notice.MEMBER_ACTIVITY]},
    )
    if not created and subscription.is_active:
        return subscription
    subscription.confirmed_at = None
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    transaction.on_commit(lambda: _send_confirmation(subscription))
    return subscription


def check_follow_member(user: User, member: User, *, channel: Any, phone: Any = "") -> Subscription:
    """An account follows a member at once (its address or phone is its own)."""
    if channel == NotificationChannel.EMAIL:
        if not user.email:
            raise ValidationError(
                {"channel": _("Votre compte n’a pas d’adresse e-mail : choisissez le SMS.")},
                code="no_email",
            )
        mobile = ""
    elif channel == NotificationChannel.SMS:
        if not sms_available():
            raise ValidationError(
                {"channel": _("L’envoi de SMS n’est pas disponible sur ce site.")},
                code="no_sms",
            )
        mobile = clean_mobile(phone)
    else:
        raise ValidationError({"channel": _("Ce choix n’existe pas.")}, code="invalid_choice")
    return do_follow_member(user, member, channel=channel, phone=mobile)


@transaction.atomic
def do_follow_member(user: User, member: User, *, channel: str, phone: str) -> Subscription:
    subscription, _created = Subscription.objects.select_for_update().get_or_create(
        user=user, member=member, channel=channel, defaults={"events": []}
    )
    subscription.events = [Notice.MEMBER_ACTIVITY]
    subscription.phone = phone
    subscription.confirmed_at = subscription.confirmed_at or timezone.now()
    subscription.unsubscribed_at = None
    subscription.save()
    return subscription


def followed_members(user: User) -> list[Subscription]:
    """The members an account follows, with the subscription for each channel."""
    return list(
        Subscription.objects.active()
        .filter(user=user, member__isnull=False)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "channel")
    )
