"""An OParl list's filters (created/modified since/until) and its pages, and the API's
error for bad input."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_when(request: HttpRequest, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    # An unencoded "+" of a UTC offset arrives as a space.
    raw = raw.strip().replace(" ", "+")
    try:
        value = parse_datetime(raw)
        if value is None:
            raise ValueError
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
    except ValueError:
        raise ApiError(
            400,
            _(
                "Le paramètre %(name)s doit être une date et heure ISO 8601, "
                "par exemple 2025-01-31T18:00:00+01:00."
            )
            % {"name": name},
        ) from None
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        # A valid instant whose offset runs past the calendar's end: the end is meant.
        edge = datetime.datetime.min if value.year < 2 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


def parse_int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError(
            400,
            _("Le paramètre %(name)s doit être un entier entre %(low)s et %(high)s.")
            % {"name": name, "low": low, "high": high},
        )
    return value


@dataclass(frozen=True)
class Window:
    created_since: datetime.datetime | None
    created_until: datetime.datetime | None
    modified_since: datetime.datetime | None
    modified_until: datetime.datetime | None

    def q(self, created: str | None, modified: str | None) -> Q:
        q = Q()
        for field, since, until in (
            (created, self.created_since, self.created_until),
            (modified, self.modified_since, self.modified_until),
        ):
            # A record without this timestamp cannot be ruled out, so it stays in the list.
            if field is None:
                continue
            if since is not None:
                q &= Q(**{f"{field}__gte": since})
            if until is not None:
                q &= Q(**{f"{field}__lte": until})
        return q


@dataclass(frozen=True)
class Source:
    """One kind of record listed under a type: its public queryset and its timestamps."""

    queryset: Callable[[], QuerySet[Any]]
    created: str | None
    modified: str | None


def page_of(request: HttpRequest, sources: list[Source]) -> tuple[list[list[Any]], dict, dict]:
    """Slices of each source for the requested page, then the pagination and links blocks.

    Several sources (proposals, then recommendations) page as one list, in that order.
    """
    window = Window(*(parse_when(request, name) for name in FILTERS))
    limit = parse_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = parse_int(request, "page", 1, 1, 10**9)
    querysets = [
        src.queryset().filter(window.q(src.created, src.modified)).order_by("pk") for src in sources
    ]
    counts = [qs.count() for qs in querysets]
    total = sum(counts)
    pages = max(1, math.ceil(total / limit))
    if page > pages:
        raise ApiError(
            404,
            _("La page %(page)s n'existe pas : la liste compte %(pages)s page(s).")
            % {"page": page, "pages": pages},
        )
    start, stop = (page - 1) * limit, page * limit
    slices: list[list[Any]] = []
    offset = 0
    for qs, count in zip(querysets, counts, strict=True):
        a, b = max(start - offset, 0), min(stop - offset, count)
        slices.append(list(qs[a:b]) if a < b else [])
        offset += count

    kept = {k: v for k, v in request.GET.items() if k in (*FILTERS, "limit")}

    def link(n: int) -> str:
        return request.build_absolute_uri(request.path + "?" + urlencode({**kept, "page": n}))

    links = {"first": link(1), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    pagination = {
        "totalElements": total,
        "elementsPerPage": limit,
        "currentPage": page,
        "totalPages": pages,
    }
    return slices, pagination, links


# --- Types -------------------------------------------------------------------------------
