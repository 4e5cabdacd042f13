"""The load generator shared by the floor and the platform: N watchers, one trigger,
the time until each watcher has received what the trigger caused."""

from __future__ import annotations

import asyncio
import ssl
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

LOCAL_ORIGIN = Origin("http://127.0.0.1")
CONNECT_ATTEMPTS = 3


@dataclass
class Result:
    watchers: int
    connected: int
    delivered: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    lost: dict[str, int] = field(default_factory=dict)  # why watchers missed it, by reason
    # The `others` sockets (e.g. the room's screens): connected and timed alongside the
    # watchers, reported apart; a missed one is None.
    others_ms: list[float | None] = field(default_factory=list)

    @property
    def delivered_pct(self) -> float:
        return 100.0 * self.delivered / self.watchers if self.watchers else 0.0


def tls_options(ssl_context: ssl.SSLContext | None) -> dict[str, Any]:
    """websockets' `connect` refuses `ssl=None` for wss:// and any `ssl` for ws://."""
    return {"ssl": ssl_context} if ssl_context is not None else {}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def measure(
    url: str,
    watchers: int,
    trigger: Callable[[], Awaitable[None]],
    matches: Callable[[str], bool],
    *,
    origin: Origin = LOCAL_ORIGIN,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 30.0,
    connect_batch: int = 100,
    others: Sequence[str] = (),
) -> Result:
    """Connect `watchers` clients, fire `trigger` once, time each client's first match.
    `ssl_context` is for wss:// URLs (the production topology's self-signed certificate).
    `others`: one more socket per URL (another audience of the same meeting, such as the
    room's screen), connected first and timed the same way; the watchers' figures leave
    them out, `Result.others_ms` has theirs."""
    ready = 0
    all_ready = asyncio.Event()
    fired = asyncio.Event()
    started = 0.0
    latencies: list[float] = []
    sockets: list[ClientConnection] = []
    lost: Counter[str] = Counter()
    other_sockets: list[ClientConnection] = [
        await connect(
            url, origin=origin, max_queue=None, open_timeout=30, **tls_options(ssl_context)
        )
        for url in others
    ]
    others_ms: list[float | None] = [None] * len(other_sockets)

    async def watcher(ws, other: int | None = None) -> None:
        nonlocal ready
        ready += 1
        if ready == len(sockets) + len(other_sockets):
            all_ready.set()
        await fired.wait()
        try:
            async with asyncio.timeout(timeout):
                async for message in ws:
                    if matches(message if isinstance(message, str) else message.decode()):
                        elapsed = (time.perf_counter() - started) * 1000
                        if other is None:
                            latencies.append(elapsed)
                        else:
                            others_ms[other] = elapsed
                        return
            lost[f"closed {ws.close_code}"] += 1
        except Exception as error:
            lost[type(error).__name__] += 1  # a lost watcher counts as not delivered

    # Connect in batches: a thousand simultaneous handshakes would measure the accept queue.
    # A handshake that fails is retried: every watcher is connected (and, the server
    # accepting only once it has joined the groups, subscribed) before the trigger; one that
    # still cannot connect counts as not delivered.
    missing = watchers
    for _attempt in range(CONNECT_ATTEMPTS):
        if missing == 0:
            break
        for offset in range(0, missing, connect_batch):
            size = min(connect_batch, missing - offset)
            results = await asyncio.gather(
                *(
                    connect(
                        url,
                        origin=origin,
                        max_queue=None,
                        open_timeout=30,
                        **tls_options(ssl_context),
                    )
                    for _ in range(size)
                ),
                return_exceptions=True,
            )
            sockets.extend(ws for ws in results if not isinstance(ws, BaseException))
        missing = watchers - len(sockets)
    tasks = [asyncio.create_task(watcher(ws)) for ws in sockets]
    tasks += [asyncio.create_task(watcher(ws, index)) for index, ws in enumerate(other_sockets)]
    if tasks:
        await asyncio.wait_for(all_ready.wait(), timeout=30)
    await asyncio.sleep(0.5)  # let the server finish joining groups
    started = time.perf_counter()
    fired.set()
    await trigger()
    await asyncio.gather(*tasks)
    await asyncio.gather(*(ws.close() for ws in [*sockets, *other_sockets]), return_exceptions=True)
    return Result(
        watchers=watchers,
        connected=len(sockets),
        delivered=len(latencies),
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        max_ms=max(latencies, default=float("nan")),
        lost=dict(lost),
        others_ms=others_ms,
    )
