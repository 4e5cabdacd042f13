"""Demo mandates: a member resigned during the year and a substitute took the seat; a
delegate sits for the council in another body; a resident follows a member's activity.
Idempotent, like every demo seed."""

from __future__ import annotations

import datetime

from django.utils import timezone

from council.actions import do_add_membership, do_replace_member
from council.models import Council, EndReason, Membership, Role, User
from council.notifications.models import Notice, NotificationChannel, Subscription

RESIGNING = "membre7@example.org"
SUBSTITUTE = "membre11@example.org"
DELEGATE = "membre3@example.org"
# The council took note of the resignation and seated the substitute by this decision.
REPLACEMENT_DECISION = "27/{year}"
# Between the demo's second and third past meetings (deliberation.demo).
RESIGNED_DAYS_AGO = 50


def seed_mandate_changes(council: Council) -> None:
    resigning = Membership.objects.filter(
        council=council, user__email=RESIGNING, role=Role.MEMBER
    ).first()
    substitute = User.objects.filter(email=SUBSTITUTE).first()
    if resigning is not None and substitute is not None and not resigning.end_reason:
        day = timezone.localdate() - datetime.timedelta(days=RESIGNED_DAYS_AGO)
        do_replace_member(
            resigning,
            substitute,
            day=day,
            reason=EndReason.RESIGNATION,
            decision=REPLACEMENT_DECISION.format(year=day.year),
            acting_user=None,
        )
    delegate = User.objects.filter(email=DELEGATE).first()
    if (
        delegate is not None
        and not Membership.objects.filter(
            council=council, user=delegate, role=Role.DELEGATE
        ).exists()
    ):
        mandate = do_add_membership(
            delegate,
            council,
            Role.DELEGATE,
            start=datetime.date(2025, 2, 1),
            end=datetime.date(2030, 12, 31),
            has_voting_right=False,
            acting_user=None,
        )
        mandate.body = "Commission consultative communale d'aménagement du territoire"
        mandate.start_decision = "3/2025"
        mandate.save(update_fields=["body", "start_decision"])


def seed_member_followers() -> None:
    """A resident's account follows the member who took the vacant seat."""
    follower = User.objects.filter(email="habitant@example.org").first()
    member = User.objects.filter(email=SUBSTITUTE).first()
    if follower is not None and member is not None:
        Subscription.objects.get_or_create(
            user=follower,
            member=member,
            channel=NotificationChannel.EMAIL,
            defaults={"events": [Notice.MEMBER_ACTIVITY], "confirmed_at": timezone.now()},
        )
