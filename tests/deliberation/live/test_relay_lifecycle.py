"""A relay lives exactly as long as its process has a socket in its group, even when the
last socket leaves while the relay is still joining."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer

from deliberation.live import consumers

pytestmark = pytest.mark.asyncio

GROUP = "meeting-1.public.fr"


class SlowLayer(InMemoryChannelLayer):
    """An in-memory layer whose `group_add` waits until the test lets it through."""

    def __init__(self) -> None:
        super().__init__()
        self.let_through = asyncio.Event()

    async def group_add(self, group: str, channel: str) -> None:
        await self.let_through.wait()
        await super().group_add(group, channel)


class Socket:
    def __init__(self, layer: Any) -> None:
        self.channel_layer = layer
        self.sent: list[str] = []

    async def send(self, text_data: str) -> None:
        self.sent.append(text_data)


def relay_tasks() -> list[asyncio.Task[Any]]:
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "").startswith("_Relay.")
    ]


async def test_the_last_socket_leaving_during_the_join_leaves_no_relay_behind():
    layer = SlowLayer()
    socket = Socket(layer)
    joining = asyncio.create_task(consumers.join_relay(socket, GROUP))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    # The page closes during the handshake: its task is cancelled, and the consumer's
    # `__call__` then leaves the relay, which is still joining.
    joining.cancel()
    with pytest.raises(asyncio.CancelledError):
        await joining
    leaving = asyncio.create_task(consumers.leave_relay(socket, GROUP))
    await asyncio.sleep(0)
    layer.let_through.set()
    await leaving

    assert relay_tasks() == [], "the relay reads and watches for no socket"
    assert layer.groups.get(GROUP, {}) == {}, "the relay stayed in the group"


async def test_a_relay_forwards_while_it_has_a_socket_and_stops_with_the_last():
    layer = SlowLayer()
    layer.let_through.set()
    first, second = Socket(layer), Socket(layer)
    await consumers.join_relay(first, GROUP)
    await consumers.join_relay(second, GROUP)
    assert len(layer.groups[GROUP]) == 1, "one membership per process, not per socket"

    await layer.group_send(GROUP, {"type": "live.push", "text": "vote"})
    for _ in range(50):
        if first.sent and second.sent:
            break
        await asyncio.sleep(0.01)
    assert first.sent == second.sent == ["vote"]

    await consumers.leave_relay(first, GROUP)
    assert len(relay_tasks()) == 2, "the relay stopped while a socket was still there"
    await consumers.leave_relay(second, GROUP)
    await asyncio.sleep(0)
    assert relay_tasks() == []
    assert layer.groups.get(GROUP, {}) == {}
