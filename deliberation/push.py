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
import collections
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from deliberation import events, live

logger = logging.getLogger(__name__)


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
    """Render, and send (the dispatcher calls this once the transaction has committed).

    In a thread of the ASGI server (a view, a socket's handler), each push is handed to
    the server's event loop as soon as it is rendered, and the thread goes on: the public's
    count leaves while the staff's console is still being rendered, and the response does not
    wait for the layer. Elsewhere (a command, the test client) the pushes leave together
    before this returns: one hop to a new event loop per event, not one per audience."""
    layer = get_channel_layer()
    if layer is None:
        return
    outbox = _Outbox.current
    if outbox is not None and outbox.serves_this_thread():
        for pushed in iter_pushes(group, event):
            outbox.post(layer, *pushed)
        return
    pushes = list(iter_pushes(group, event))
    if pushes:
        async_to_sync(_send_all)(layer, pushes)


async def _send_all(layer: Any, pushes: list[tuple[str, dict[str, Any]]]) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group, message in pushes))


class _Outbox:
    """The server's pushes, sent in the order they were rendered, one after the other, by a
    task on the server's event loop (so one group's events never overtake each other)."""

    current: _Outbox | None = None

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Built on the loop's own thread (`serve_on`)."""
        self.loop = loop
        self.loop_thread = threading.get_ident()
        self.queue: collections.deque[tuple[Any, str, dict[str, Any]]] = collections.deque()
        self.sending: asyncio.Task[None] | None = None

    def serves_this_thread(self) -> bool:
        # While the loop runs, from any thread but its own (which runs no sync code): in
        # the server, asgiref's threads for views and socket handlers.
        return self.loop.is_running() and threading.get_ident() != self.loop_thread

    def post(self, layer: Any, group: str, message: dict[str, Any]) -> None:
        """From any thread: queue the push, and wake the sender."""
        self.loop.call_soon_threadsafe(self._queue, layer, group, message)

    def _queue(self, layer: Any, group: str, message: dict[str, Any]) -> None:
        self.queue.append((layer, group, message))
        if self.sending is None or self.sending.done():
            self.sending = self.loop.create_task(self._send())

    async def _send(self) -> None:
        while self.queue:
            layer, group, message = self.queue.popleft()
            try:
                await layer.group_send(group, message)
            except Exception:
                # Like a subscriber's failure: logged, and the next pushes still leave.
                logger.exception("push to %s failed (%s)", group, message.get("event"))


def serve_on(loop: asyncio.AbstractEventLoop) -> None:
    """Called by the ASGI application on each connection: the loop whose threads' pushes
    the outbox sends (one per server process; a test's loop replaces the last one)."""
    outbox = _Outbox.current
    if outbox is None or outbox.loop is not loop:
        _Outbox.current = _Outbox(loop)


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
