"""`/healthz`: is this process able to serve? Checked for real, not assumed."""

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer() -> None:
    # A probe, not a broadcast: it sends to a channel of its own and reads it back. The
    # channel has the sockets' prefix: channels-redis reads a process's channels one prefix
    # at a time, and while a socket waits for a push (always, on a meeting night) a probe
    # with a prefix of its own would wait behind it and fail.
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("unexpected message")


async def healthz(request):
    checks = {}
    for name, probe in (
        ("database", sync_to_async(_database)),
        ("channel_layer", _channel_layer),
    ):
        try:
            await asyncio.wait_for(probe(), timeout=3)
            checks[name] = "ok"
        except Exception:
            logger.exception("health check %s failed", name)
            checks[name] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
