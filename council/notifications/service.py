"""Creating, sending and retrying deliveries; signed links for confirming and unsubscribing."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from council.notifications.channels import DeliveryError, Links, get_channel
from council.notifications.models import ChannelName, Delivery, Event, Subscription

logger = logging.getLogger(__name__)

# First retry after a minute, then 2, 4, 8… minutes.
BACKOFF_BASE = datetime.timedelta(minutes=1)
UNSUBSCRIBE_SALT = "council.notifications.unsubscribe"
CONFIRM_SALT = "council.notifications.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


# --- Signed links ------------------------------------------------------------------------


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


# --- Creating deliveries -----------------------------------------------------------------


def _link_of(obj: Any, url: str | None) -> str:
    if url:
        return url
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""


def _held(subscription: Subscription) -> bool:
    # Digest subscribers get one e-mail a day: their deliveries wait for send_digests.
    return subscription.digest and subscription.channel == ChannelName.EMAIL


def notify(event: str, obj: Any = None, *, url: str | None = None, title: str = "") -> int:
    """Record and queue a delivery for every active subscription to `event`; return how many.

    Called from actions inside `transaction.on_commit`, so only what really happened is told.
    """
    label = Event(event).label
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"{label} : {title or obj}"
    link = _link_of(obj, url)
    subscriptions = Subscription.objects.active().exclude(user__is_active=False)
    created = [
        Delivery(
            subscription=subscription,
            event=event,
            channel=subscription.channel,
            recipient=subscription.recipient,
            subject=subject[:255],
            body=subject,
            link=link,
            status=Delivery.Status.HELD if _held(subscription) else Delivery.Status.PENDING,
        )
        for subscription in subscriptions.select_related("user")
        if event in subscription.events and subscription.recipient
    ]
    # One INSERT whatever the number of subscribers (primary keys come back on SQLite
    # and PostgreSQL alike).
    with transaction.atomic():
        Delivery.objects.bulk_create(created)
        pending = [d.pk for d in created if d.status == Delivery.Status.PENDING]
        transaction.on_commit(lambda: enqueue(pending))
    return len(created)


def enqueue(delivery_ids: Iterable[int], run_after: datetime.datetime | None = None) -> None:
    """Hand deliveries to the task queue. A queue that is down loses nothing: the rows stay
    pending and `manage.py send_notifications` (run by the timer) picks them up."""
    from council.notifications.tasks import deliver

    for delivery_id in delivery_ids:
        try:
            if run_after is None:
                deliver.enqueue(delivery_id)
            elif deliver.get_backend().supports_defer:
                deliver.using(run_after=run_after).enqueue(delivery_id)
        except Exception:
            logger.exception("could not queue delivery %s; the sweep will send it", delivery_id)


# --- Sending -----------------------------------------------------------------------------


def backoff(attempts: int) -> datetime.timedelta:
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def attempt(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Try one pending delivery that is due; return its status afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscription__user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status != Delivery.Status.PENDING:
            return str(delivery.status)
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return str(delivery.status)
        if not delivery.subscription.is_active:
            delivery.status = Delivery.Status.CANCELLED
            delivery.save(update_fields=["status"])
            return str(delivery.status)
        delivery.attempts += 1
        try:
            with translation.override(settings.LANGUAGE_CODE):
                get_channel(delivery.channel).send(delivery, links_for(delivery))
        except DeliveryError as error:
            delivery.last_error = str(error)[:2000]
            if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
                delivery.next_attempt_at = None
                logger.error("delivery %s failed for good: %s", delivery.pk, error)
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
        delivery.save()
    if delivery.status == Delivery.Status.PENDING and delivery.next_attempt_at:
        enqueue([delivery.pk], run_after=delivery.next_attempt_at)
    return str(delivery.status)


def send_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Try every pending delivery that is due (the timer's safety net); counts by outcome."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=Delivery.Status.PENDING).exclude(next_attempt_at__gt=now)
    counts: dict[str, int] = defaultdict(int)
    for pk in due.values_list("pk", flat=True):
        counts[attempt(pk, now=now)] += 1
    return dict(counts)


def send_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per digest subscriber with everything held since the last one."""
    now = now or timezone.now()
    held = (
        Delivery.objects.filter(status=Delivery.Status.HELD)
        .select_related("subscription__user")
        .order_by("subscription_id", "created_at", "pk")
    )
    by_subscription: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in held:
        by_subscription[delivery.subscription_id].append(delivery)
    digests = []
    with transaction.atomic():
        for items in by_subscription.values():
            subscription = items[0].subscription
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Résumé du jour : %(count)s nouvelle(s)") % {"count": len(items)}
            lines = [f"- {d.body}\n  {absolute(d.link or '/')}" for d in items]
            digests.append(
                Delivery.objects.create(
                    subscription=subscription,
                    event=items[0].event,
                    channel=ChannelName.EMAIL,
                    recipient=subscription.recipient,
                    subject=subject,
                    body="\n".join(lines),
                    link="",
                )
            )
            Delivery.objects.filter(pk__in=[d.pk for d in items]).update(
                status=Delivery.Status.DIGESTED, sent_at=now
            )
    for digest in digests:
        attempt(digest.pk, now=now)
    return len(digests)
