"""The queue: `deliver` tries one delivery through its channel and, when it fails, queues
the retry with exponential backoff. Runs in `manage.py db_worker --backend notifications`."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from council.notifications.channels import DeliveryError, get_channel
from council.notifications.links import links_for
from council.notifications.models import Delivery

logger = logging.getLogger(__name__)

# First retry after a minute, then 2, 4, 8… minutes.
BACKOFF_BASE = datetime.timedelta(minutes=1)


@task(backend="notifications", queue_name="notifications")
def deliver(delivery_id: int) -> str:
    return attempt(delivery_id)


def enqueue(delivery_ids: Iterable[int], run_after: datetime.datetime | None = None) -> None:
    """Hand deliveries to the task queue. A queue that is down loses nothing: the rows stay
    pending and `manage.py send_notifications` (run by the timer) picks them up."""
    for delivery_id in delivery_ids:
        try:
            if run_after is None:
                deliver.enqueue(delivery_id)
            elif deliver.get_backend().supports_defer:
                deliver.using(run_after=run_after).enqueue(delivery_id)
        except Exception:
            logger.exception("could not queue delivery %s; the sweep will send it", delivery_id)


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
