"""The public address of a decision in the archive."""

from __future__ import annotations

from django.urls import reverse

from deliberation.models import Decision


def decision_url(decision: Decision) -> str:
    return reverse(
        "cms:decision",
        kwargs={
            "council": decision.council.slug,
            "year": decision.year,
            "number": decision.number,
        },
    )
