"""A recommendation's follow-up by the municipal college, read from its steps."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models.follow_up import FollowUpStep


@dataclasses.dataclass
class FollowUp:
    page: Any
    url: str
    steps: list[Any]
    sent_on: datetime.date | None
    answered_on: datetime.date | None
    status: str | None
    status_label: str
    overdue: bool
    waiting_days: int | None

    @property
    def response_days(self) -> int | None:
        if self.sent_on and self.answered_on:
            return (self.answered_on - self.sent_on).days
        return None


def today() -> datetime.date:
    """The date overdue follow-ups are counted from (a seam for tests)."""
    return timezone.localdate()


def follow_up_days() -> int:
    return int(getattr(settings, "FOLLOW_UP_DAYS", 90))


def follow_up_of(page, steps: list[Any], today: datetime.date, url: str = "") -> FollowUp:
    ordered = sorted(steps, key=lambda s: (s.date, s.sort_order or 0, s.pk or 0))
    sent_on = next((s.date for s in ordered if s.kind == FollowUpStep.Kind.SENT), None)
    answered_on = next(
        (
            s.date
            for s in ordered
            if s.kind == FollowUpStep.Kind.RESPONSE and (sent_on is None or s.date >= sent_on)
        ),
        None,
    )
    status = ordered[-1].status if ordered else None
    label = FollowUpStep.Status(status).label if status else _("pas encore transmise au collège")
    waiting = (today - sent_on).days if sent_on and not answered_on else None
    overdue = waiting is not None and waiting > follow_up_days()
    return FollowUp(page, url, ordered, sent_on, answered_on, status, str(label), overdue, waiting)
