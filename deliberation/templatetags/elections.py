"""An election round's Decision, as the decision page reads it: the count per candidate."""

from __future__ import annotations

from typing import Any

from django import template

from deliberation import election_record

register = template.Library()


@register.filter
def election_rows(decision: Any) -> list[dict[str, Any]]:
    """One row per candidate (or yes / no / abstain): votes, elected, admitted to the runoff."""
    return election_record.election_rows(decision)
