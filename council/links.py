"""The record's public pages, for the apps below the publication layer.

The pages of decisions and of members are served by cms, the top layer. council and
deliberation link to them without naming cms: a decision through its `get_absolute_url`
(set from here by Django's ABSOLUTE_URL_OVERRIDES), a member through `member_url`. Like the
settings and the root URLs, this module is the project's wiring: the one place below cms
that knows where cms serves them."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def decision_url(decision: Any) -> str:
    return reverse(
        "cms:decision",
        kwargs={"council": decision.council.slug, "year": decision.year, "number": decision.number},
    )


def member_url(user_id: int) -> str:
    """A member's public page by number (empty where the publication layer is not served)."""
    try:
        return reverse("cms:member", kwargs={"user_id": user_id})
    except NoReverseMatch:
        return ""


ABSOLUTE_URLS = {"deliberation.decision": decision_url}
