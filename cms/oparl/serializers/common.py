"""What every OParl object shares: its id, type and dates, the context the builders read
(absolute URLs, page-wide lookups), and the legislatures' arithmetic."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

SCHEMA = "https://schema.oparl.org/1.1/"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
# Prefix of the fields OParl does not define (the spec asks vendors to prefix extensions).
EXT = "conseilOuvert:"
BODY_ID = "1"
# Organizations are councils (their pk) or bodies councils delegate to ("organ-" + the pk of
# the first delegate mandate in that body).
ORGAN_PREFIX = "organ-"

# Belgian communal legislatures start on 1 December after the October elections, every six
# years; the consultative councils are renewed with them.
FIRST_TERM_YEAR = 2018
TERM_YEARS = 6


def iso(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def term_start_year(day: datetime.date) -> int:
    year = day.year if day.month == 12 else day.year - 1
    return year - (year - FIRST_TERM_YEAR) % TERM_YEARS


@dataclass
class Context:
    """What the builders need besides the object: absolute URLs and page-wide lookups."""

    absolute: Callable[[str], str]
    request: Any = None
    # membership id → user id, for the named votes stored on decisions
    membership_user: dict[int, int] = field(default_factory=dict)
    # ids of users who are Persons (hold or held a mandate)
    person_ids: set[int] = field(default_factory=set)

    def url(self, name: str, *args: Any) -> str:
        return self.absolute(reverse(f"oparl:{name}", args=args))


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """OParl leaves out unknown values rather than sending null or empty lists."""
    return {k: v for k, v in data.items() if v is not None and v != [] and v != ""}


def header(ctx: Context, kind: str, pk: Any, created: Any = None, modified: Any = None) -> dict:
    return {
        "id": ctx.url(kind[0].lower() + kind[1:], pk),
        "type": SCHEMA + kind,
        "created": iso(created),
        "modified": iso(modified or created),
    }
