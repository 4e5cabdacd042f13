"""Signed links for confirming and unsubscribing, and the absolute links a delivery carries."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from council.notifications.channels import Links
from council.notifications.models import Delivery, Subscription

UNSUBSCRIBE_SALT = "council.notifications.unsubscribe"
CONFIRM_SALT = "council.notifications.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT, compress=True)


def subscription_from_token(token: str, *, purpose: str) -> Subscription | None:
    """The subscription a signed link names, or None (forged, mangled, expired, deleted)."""
    try:
        if purpose == "confirm":
            pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        else:
            pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Subscription.objects.select_related("user").filter(pk=pk).first()


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def links_for(delivery: Delivery) -> Links:
    return Links(
        page=absolute(delivery.link or "/"),
        short=absolute(reverse("notification_short", kwargs={"key": delivery.short_key})),
        unsubscribe=absolute(
            reverse(
                "notification_unsubscribe",
                kwargs={"token": unsubscribe_token(delivery.subscription)},
            )
        ),
    )
