"""A relay whose group Redis has lost (a restart keeps nothing, a flush) joins it again and
closes its sockets so that their pages reconnect and resync."""

from __future__ import annotations

import pytest
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from council.asgi import application
from deliberation import events
from deliberation.live import consumers

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def redis_layer(settings, monkeypatch):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": django_settings.REDIS_URL, "socket_timeout": 30}],
                "prefix": "test-relay-recovery",
            },
        }
    }
    channel_layers.backends.clear()
    monkeypatch.setattr(consumers, "RELAY_CHECK_SECONDS", 0.1)
    yield
    channel_layers.backends.clear()


async def test_a_relay_that_lost_its_group_joins_again_and_closes_its_sockets(meeting):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/meetings/{meeting.pk}/?audience=public",
        headers=[(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")],
    )
    connected, _code = await communicator.connect()
    assert connected
    layer = get_channel_layer()
    group = events.audience_group(meeting.pk, events.PUBLIC)
    key = layer._group_key(group)
    redis = layer.connection(layer.consistent_hash(group))
    assert await redis.zcard(key) == 1

    # What a Redis restart does to the memberships.
    await redis.delete(key)
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": consumers.CLOSE_LAYER_RESTARTED}
    assert await redis.zcard(key) == 1, "the relay did not join its group again"

    # The page's socket goes; the relay, left without sockets, leaves the group.
    await communicator.disconnect()
    assert await redis.zcard(key) == 0


async def test_a_relay_still_in_its_group_leaves_its_sockets_alone(meeting):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/meetings/{meeting.pk}/?audience=public",
        headers=[(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")],
    )
    connected, _code = await communicator.connect()
    assert connected
    # Several checks go by (0.1 s apart here) without a word to the socket.
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
