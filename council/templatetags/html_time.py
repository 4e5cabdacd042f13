"""Times in the form HTML's `datetime` attribute accepts."""

import datetime

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def datetime_attr(value: object) -> str:
    """An instant to the second with its offset (`2026-12-06T06:30:18+01:00`), a day as
    `2026-12-06`. Django's `date:"c"` keeps the microseconds, which HTML refuses (a fraction
    of a second has one to three digits) and nobody reads."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
