"""The daphne floor: the bare broadcast of tests.bench.floor as an ASGI application served
by daphne, the platform's server, with neither Django nor Channels. Every text received goes
to all, one `send` after the other, as the platform's relay hands a push to its sockets.

`daphne -p PORT tests.bench.floor_daphne:application`: what the same load generator
measures here is what daphne alone costs, the lower bound of any application served by it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

SENDS: set[Send] = set()


async def application(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    SENDS.add(send)
    try:
        while True:
            event = await receive()
            if event["type"] == "websocket.disconnect":
                return
            message = {"type": "websocket.send", "text": event.get("text") or ""}
            for other in list(SENDS):
                await other(message)
    finally:
        SENDS.discard(send)
