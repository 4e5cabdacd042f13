"""An election round's Decision, as the decision page reads it: the count per candidate."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_YES_NO = {"yes": _("oui"), "no": _("non"), "abstain": _("abstention")}


@register.filter
def election_rows(decision: Any) -> list[dict[str, Any]]:
    """One row per candidate (or yes / no / abstain): votes, elected, admitted to the runoff."""
    text = decision.text_voted if isinstance(decision.text_voted, dict) else {}
    total = decision.tally.get("total", {}) if isinstance(decision.tally, dict) else {}
    elected, runoff = set(text.get("elected", [])), set(text.get("runoff", []))
    if text.get("mode") == "yes_no":
        return [
            {"name": str(label), "votes": int(total.get(key, 0)), "elected": False, "runoff": False}
            for key, label in _YES_NO.items()
        ]
    return [
        {
            "name": c.get("name", ""),
            "votes": int(total.get(c.get("key"), 0)),
            "elected": c.get("key") in elected,
            "runoff": c.get("key") in runoff,
        }
        for c in text.get("candidates", [])
    ]
