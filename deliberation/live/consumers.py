"""The live room's socket: push-only.

A client connects to watch one meeting as one audience, in its page's language; the server
decides whether that audience is allowed to this user and joins the matching group (plus
the user's own group) for that language.
Everything a client sends is ignored: writes go through the pages' forms.

Fan-out: a meeting's audience group is joined once per server process, by a relay, not
once per socket. A push then costs the channel layer one message per process (with Redis:
one write, one read), and the relay hands its text to each local socket of that audience,
as a bare broadcast server would. Joined per socket, a push to 500 watchers was 500
messages serialised, stored in Redis and popped one round trip at a time.

Redis keeps group memberships in memory only: when it restarts (or its database is
flushed) every membership is gone, and a process's sockets would silently stop receiving.
Each relay therefore checks every few seconds that it is still in its group; when it is not,
or when its reads failed meanwhile, it joins again and closes its sockets with 1012
("service restart"): the pages reconnect with backoff, which joins their groups again, and
resync, which fetches whatever happened while the layer was away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from deliberation import events
from deliberation.live.audience import allowed_audiences, note_language, socket_user

logger = logging.getLogger(__name__)

# Application close codes (4000–4999): the client does not retry a refusal.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

# The layer restarted: the page reconnects (and so resyncs) after its backoff.
CLOSE_LAYER_RESTARTED = 1012

# Group memberships expire in the channel layer (a day by default): renew well before.
RELAY_RENEW_SECONDS = 3600
RELAY_RETRY_SECONDS = 1.0
# How often a relay checks that the layer still has its membership (one ZSCORE), and how
# long a check may take (redis-py retries a refused connection with backoff for seconds).
RELAY_CHECK_SECONDS = 2.0
RELAY_CHECK_TIMEOUT = 1.0


class _Relay:
    """This process's one subscription to a group, shared by its local sockets."""

    def __init__(self, layer: Any, group: str) -> None:
        self.layer = layer
        self.group = group
        self.sockets: set[AsyncWebsocketConsumer] = set()
        self.channel = ""
        self.started: asyncio.Task[None] | None = None
        self.tasks: list[asyncio.Task[None]] = []
        # Set when a read failed: pushes may have been lost, the sockets must resync.
        self.interrupted = False

    async def start(self) -> None:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.tasks = [
            asyncio.create_task(self._forward()),
            asyncio.create_task(self._watch()),
        ]

    async def _forward(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer's server went away (Redis restarting): `_watch` joins again
                # once it is back and has the sockets resync.
                logger.warning("Relay of %s lost the channel layer", self.group, exc_info=True)
                self.interrupted = True
                await asyncio.sleep(RELAY_RETRY_SECONDS)
                continue
            if message.get("type") != events.PUSH_TYPE:
                continue
            text = message["text"]
            for socket in list(self.sockets):
                try:
                    await socket.send(text_data=text)
                except Exception:
                    logger.debug("A socket of %s closed during a push", self.group)

    async def _joined(self) -> bool:
        """Whether the layer still lists this relay in its group."""
        group_key = getattr(self.layer, "_group_key", None)
        if group_key is None:
            # A layer in this process's memory (tests, development) cannot lose it.
            return True
        connection = self.layer.connection(self.layer.consistent_hash(self.group))
        return await connection.zscore(group_key(self.group), self.channel) is not None

    async def _watch(self) -> None:
        """Renew the membership; join again, and have the sockets resync, if it was lost."""
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        while True:
            await asyncio.sleep(RELAY_CHECK_SECONDS)
            try:
                joined = await asyncio.wait_for(self._joined(), RELAY_CHECK_TIMEOUT)
                lost = not joined or self.interrupted
                if lost or loop.time() - renewed >= RELAY_RENEW_SECONDS:
                    await asyncio.wait_for(
                        self.layer.group_add(self.group, self.channel), RELAY_CHECK_TIMEOUT
                    )
                    renewed = loop.time()
            except Exception:
                # Still away: the next turn tries again.
                logger.warning("Relay of %s cannot reach the channel layer", self.group)
                continue
            if lost:
                self.interrupted = False
                logger.warning(
                    "Relay of %s joined its group again; its %d sockets reconnect to resync",
                    self.group,
                    len(self.sockets),
                )
                for socket in list(self.sockets):
                    with contextlib.suppress(Exception):
                        await socket.close(code=CLOSE_LAYER_RESTARTED)

    async def stop(self) -> None:
        # The last socket may leave while the relay is still joining: wait for the join to
        # end, or it would start reading for no socket and stay in the group for good.
        if self.started is not None and not self.started.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self.started)
        for task in self.tasks:
            task.cancel()
        if not self.channel:
            return
        try:
            await self.layer.group_discard(self.group, self.channel)
        except Exception:
            logger.debug("Relay of %s could not leave its group", self.group)


# One registry per event loop (a server has one; tests start one per test).
_RELAYS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Relay]] = (
    weakref.WeakKeyDictionary()
)


async def join_relay(consumer: AsyncWebsocketConsumer, group: str) -> None:
    """Subscribe `consumer` to `group` through this process's relay; returns once joined."""
    relays = _RELAYS.setdefault(asyncio.get_running_loop(), {})
    relay = relays.get(group)
    if relay is None or relay.layer is not consumer.channel_layer:
        relay = relays[group] = _Relay(consumer.channel_layer, group)
        relay.started = asyncio.ensure_future(relay.start())
    relay.sockets.add(consumer)
    assert relay.started is not None
    try:
        # Shielded: a socket closing during the handshake must not cancel the others' relay.
        await asyncio.shield(relay.started)
    except Exception:
        relay.sockets.discard(consumer)
        if relays.get(group) is relay:
            del relays[group]
        raise


async def leave_relay(consumer: AsyncWebsocketConsumer, group: str) -> None:
    relays = _RELAYS.get(asyncio.get_running_loop(), {})
    relay = relays.get(group)
    if relay is None or consumer not in relay.sockets:
        return
    relay.sockets.discard(consumer)
    if not relay.sockets:
        del relays[group]
        await relay.stop()


class MeetingConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # A consumer that ends by an error (its channel's read failed: Redis went away)
            # gets no `disconnect`; the server closes its socket (1011) and the page comes
            # back. It must not stay among its relay's sockets.
            relayed = getattr(self, "relayed", "")
            if relayed:
                with contextlib.suppress(Exception):
                    await leave_relay(self, relayed)

    async def connect(self) -> None:
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        audience = (query.get("audience") or [events.PUBLIC])[0]
        user = await database_sync_to_async(socket_user)(self.scope)
        allowed = await database_sync_to_async(allowed_audiences)(user, meeting_id)
        if allowed is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if audience not in allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Pushes come rendered in the language of the page that opened the socket.
        language = events.language_or_default((query.get("lang") or [""])[0])
        if language != settings.LANGUAGE_CODE:
            await database_sync_to_async(note_language)(meeting_id, language)
        # The audience's pushes come through this process's relay; the user's own, few
        # and personal, to this socket's channel.
        self.relayed = events.audience_group(meeting_id, audience, language)
        await join_relay(self, self.relayed)
        groups = []
        if user is not None and user.is_authenticated:
            groups.append(events.user_push_group(user.pk, language))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        # The base class leaves these groups on disconnect.
        self.groups = groups
        await self.accept()

    async def disconnect(self, code: int) -> None:
        relayed = getattr(self, "relayed", "")
        if relayed:
            await leave_relay(self, relayed)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Push-only: nothing a client sends changes anything.
        return

    async def live_push(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])
