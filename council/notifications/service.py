"""Recording deliveries for an event, and the timer's sweeps: due retries, daily digests."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from council.notifications.links import absolute
from council.notifications.models import Delivery, Notice, NotificationChannel, Subscription
from council.notifications.tasks import attempt, enqueue


def _link_of(obj: Any, url: str | None) -> str:
    if url:
        return url
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""


def _held(subscription: Subscription) -> bool:
    # Digest subscribers get one e-mail a day: their deliveries wait for send_digests.
    return subscription.digest and subscription.channel == NotificationChannel.EMAIL


def notify(event: str, obj: Any = None, *, url: str | None = None, title: str = "") -> int:
    """Record and queue a delivery for every active subscription to `event`; return how many.

    Called from actions inside `transaction.on_commit`, so only what really happened is told.
    """
    subscriptions = Subscription.objects.active().filter(member__isnull=True)
    return _record(event, subscriptions, obj, url=url, title=title)


def notify_member_activity(
    member_ids: Iterable[int], obj: Any = None, *, url: str | None = None, title: str = ""
) -> int:
    """Tell the followers of these members (and only them) of their public activity: an
    open vote recorded in a decision, a text tabled, a mandate begun or ended."""
    ids = set(member_ids)
    if not ids:
        return 0
    subscriptions = Subscription.objects.active().filter(member_id__in=ids)
    return _record(Notice.MEMBER_ACTIVITY, subscriptions, obj, url=url, title=title)


def _record(
    event: str,
    subscriptions: QuerySet[Subscription],
    obj: Any,
    *,
    url: str | None,
    title: str,
) -> int:
    label = Notice(event).label
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"{label} : {title or obj}"
    link = _link_of(obj, url)
    subscriptions = subscriptions.exclude(user__is_active=False)
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


# --- The timer's sweeps ----------------------------------------------------------------


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
                    channel=NotificationChannel.EMAIL,
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
