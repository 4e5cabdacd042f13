"""Socket pushes: what a committed event changes on the pages watching it.

A subscriber of deliberation.events (registered in DeliberationConfig.ready), and the only
code that talks to Channels' layer. What leaves is not the bare event: for a meeting group,
the HTML fragments the event changes are rendered once per audience (public, members, staff,
screen) by the templates the pages use, and each audience's group receives its own
rendering. A user group receives that user's own fragments. `deliberation.live` knows which
fragments each event type touches.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from deliberation import events, live


def iter_pushes(group: str, event: events.Event) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (channel group, message) pairs that announce `event` to `group`'s watchers."""
    kind, object_id = events.parse_group(group)
    data = event.public_fields()

    def message(fragments: dict[str, str], announcement: str = "") -> dict[str, Any]:
        payload: dict[str, Any] = {"event": event.type, "data": data, "fragments": fragments}
        if announcement:
            payload["announce"] = announcement
        # Encoded once here, not once per socket: the consumer forwards the text as is.
        return {
            "type": events.PUSH_TYPE,
            "event": event.type,
            "text": json.dumps(payload, cls=DjangoJSONEncoder),
        }

    if kind == "user":
        meeting_id = getattr(event, "meeting_id", None)
        if meeting_id is None:
            return
        for language in live.watched_languages(meeting_id):
            fragments = live.render_user_fragments(object_id, event, language)
            if fragments:
                yield events.user_push_group(object_id, language), message(fragments)
        return
    # Rendered once per audience and language read, whatever the number of watchers.
    for language in live.watched_languages(object_id):
        rendered = live.iter_meeting_fragments(object_id, event, language)
        for audience, fragments, announcement in rendered:
            yield (
                events.audience_group(object_id, audience, language),
                message(fragments, announcement),
            )
        # Per-user fragments that a meeting-wide change alters (a ballot opening gives each
        # voter a ballot paper) go to each concerned user's own group.
        for user_id, fragments in live.render_users_affected(object_id, event, language).items():
            yield events.user_push_group(user_id, language), message(fragments)


def deliver(group: str, event: events.Event) -> None:
    """Render, then send together (the dispatcher calls this once the transaction has
    committed): one hop to the event loop per event, not one per audience, each costing
    more than rendering a fragment."""
    layer = get_channel_layer()
    if layer is None:
        return
    pushes = list(iter_pushes(group, event))
    if pushes:
        async_to_sync(_send_all)(layer, pushes)


async def _send_all(layer: Any, pushes: list[tuple[str, dict[str, Any]]]) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group, message in pushes))


_muted: ContextVar[bool] = ContextVar("pushes_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No pushes within: for building data that no page can be watching yet (the demo's
    seeding, where rendering every audience's fragments after each action would be most of
    the work). The other subscribers still hear every event."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def push(group: str | None, event: events.Event) -> None:
    """The subscriber: send a live event to the pages watching its group."""
    if group is None or not event.live or _muted.get():
        return
    deliver(group, event)
