import asyncio
import os

import pytest
from channels.layers import channel_layers, get_channel_layer

from council import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "channel_layer": "ok"}


def test_healthz_names_the_failing_layer(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "channel_layer": "error"}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_the_channel_layer_probe_answers_while_a_socket_waits(settings):
    """A connected socket waits on the layer for its pushes all the time: the probe must
    not queue behind it (a process with a watcher would be reported down)."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": "healthz-test"},
        }
    }
    channel_layers.backends.clear()

    async def probe_beside_a_waiting_socket() -> None:
        layer = get_channel_layer()
        waiting = asyncio.create_task(layer.receive(await layer.new_channel()))
        await asyncio.sleep(0.2)
        try:
            await asyncio.wait_for(health._channel_layer(), timeout=3)
        finally:
            waiting.cancel()

    try:
        asyncio.run(probe_beside_a_waiting_socket())
    finally:
        channel_layers.backends.clear()
