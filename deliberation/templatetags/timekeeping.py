"""Filters for the time keeping shown in the live pages and on the room's screen."""

from __future__ import annotations

import datetime

from django import template

from deliberation import timekeeping

register = template.Library()


@register.filter
def epoch_ms(value: datetime.datetime | None) -> str:
    """Milliseconds since the epoch, as the countdown script reads them."""
    if value is None:
        return ""
    return str(round(value.timestamp() * 1000))


@register.filter
def duration(seconds: int | None) -> str:
    return timekeeping.duration(seconds)
