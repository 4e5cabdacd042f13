"""The video panels the meeting pages include: `{% conference_panel %}`, `{% livestream_panel %}`,
`{% recording_index meeting %}`. Nothing here names the video host in a src: only links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django import template
from django.urls import reverse

from deliberation import video

register = template.Library()


@register.inclusion_tag("deliberation/includes/conference.html", takes_context=True)
def conference_panel(context: dict[str, Any], meeting: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = bool(user and user.has_perm("deliberation.join_conference", meeting))
    return {
        "meeting": meeting,
        "conference": video.conference_of(meeting) if allowed else None,
    }


@register.inclusion_tag("deliberation/includes/livestream.html")
def livestream_panel(meeting: Any) -> dict[str, Any]:
    closed = meeting.state == meeting.State.CLOSED
    return {"meeting": meeting, "livestream": None if closed else video.livestream_of(meeting)}


@register.inclusion_tag("deliberation/includes/recording_index.html")
def recording_index(meeting: Any, heading_level: int = 2, base_url: str = "") -> dict[str, Any]:
    """Each item's moment in the recording; base_url makes the chapters' link absolute (the
    minutes' PDF)."""
    chapters = reverse("deliberation:recording_chapters", args=(meeting.pk,))
    return {
        "meeting": meeting,
        "index": video.recording_index(meeting),
        "heading": f"h{heading_level}",
        "chapters_url": urljoin(base_url, chapters) if base_url else chapters,
    }
