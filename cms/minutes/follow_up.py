"""The public follow-up of the council's recommendations (suite donnée)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.models.follow_up import FollowUpStep
from cms.models.recommendations import RecommendationPage
from cms.pages import follow_up as page_follow_up


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/follow_up.html", follow_ups(request))


def follow_ups(request, on: datetime.date | None = None) -> dict[str, Any]:
    """Every published recommendation with its follow-up, counts by status, the average
    response time and the overdue ones: two queries whatever the number of recommendations."""
    on = on or page_follow_up.today()
    pages = list(
        RecommendationPage.objects.live()
        .public()
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .prefetch_related("follow_up_steps")
        .order_by("-date", "-pk")
    )
    rows = [
        page_follow_up.follow_up_of(
            page, list(page.follow_up_steps.all()), on, page.get_url(request) or ""
        )
        for page in pages
    ]
    counts = Counter(row.status for row in rows)
    by_status = [
        {"status": None, "label": _("pas encore transmise au collège"), "count": counts[None]},
        *(
            {"status": value, "label": label, "count": counts[value]}
            for value, label in FollowUpStep.Status.choices
        ),
    ]
    durations = [row.response_days for row in rows if row.response_days is not None]
    return {
        "rows": rows,
        "by_status": by_status,
        "answered_count": len(durations),
        "average_response_days": round(sum(durations) / len(durations)) if durations else None,
        "overdue": [row for row in rows if row.overdue],
        "follow_up_days": page_follow_up.follow_up_days(),
        "today": on,
        # Steps are edited on their recommendation's page: its publication dates the list.
        "updated": max((p.last_published_at for p in pages if p.last_published_at), default=None),
    }
