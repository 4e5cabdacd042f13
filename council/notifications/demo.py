"""Demo subscriptions: two residents' accounts (one with the daily digest) and an address
without an account, already confirmed. Seeded last, so that seeding sends nothing."""

from __future__ import annotations

from django.utils import timezone

from council.models import User
from council.notifications.models import GENERAL_NOTICES, Notice, NotificationChannel, Subscription


def seed_subscriptions() -> None:
    now = timezone.now()
    everything = [value for value, _label in GENERAL_NOTICES]
    for email, digest in [("habitant@example.org", False), ("habitante@example.org", True)]:
        user = User.objects.filter(email=email).first()
        if user is not None:
            Subscription.objects.get_or_create(
                user=user,
                channel=NotificationChannel.EMAIL,
                member=None,
                defaults={"events": everything, "digest": digest, "confirmed_at": now},
            )
    Subscription.objects.get_or_create(
        user=None,
        email="voisine@example.org",
        member=None,
        defaults={
            "channel": NotificationChannel.EMAIL,
            "events": [Notice.MEETING_CONVENED, Notice.DECISION_RECORDED],
            "confirmed_at": now,
        },
    )
