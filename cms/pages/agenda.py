"""A meeting's agenda as the public pages show it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from deliberation.models import AgendaItem, Meeting


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, documents included, in two queries."""
    return list(
        meeting.agenda_items.all()
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("documents"))
    )


def visible_agenda(meeting: Meeting, user) -> list[dict[str, Any]]:
    """Each item with what this visitor may read of it: a closed item is a title only,
    except for those the deliberation rules let in (members, secretariat, observers)."""
    rows = []
    for item in meeting_agenda(meeting):
        full = item.is_public or (
            getattr(user, "is_authenticated", False)
            and user.has_perm("deliberation.view_item", item)
        )
        rows.append({"item": item, "full": full})
    return rows
