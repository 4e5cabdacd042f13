"""In the server, a push leaves as soon as it is rendered: the public's count does not wait
for the staff's console, and the pushes of one thread still arrive in the order they were
rendered, a failed one logged and the next ones sent."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from deliberation import actions, events, live, push
from tests.deliberation.live.test_consumers import connect
from tests.deliberation.live.test_events import open_ballot, start_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def test_the_publics_count_leaves_before_the_staffs_console_is_rendered(
    people, meeting, monkeypatch
):
    item, proposal = await sync_to_async(start_session)(people, meeting)
    ballot = await sync_to_async(open_ballot)(people, item, proposal)
    # A public watcher, connected through the server's application.
    watcher, connected, _code = await connect(meeting.pk)
    assert connected
    received = threading.Event()
    waited: list[bool] = []
    rendering = live.iter_meeting_fragments

    def render_then_wait(*args: Any, **kwargs: Any):
        for audience, fragments, sentence in rendering(*args, **kwargs):
            if audience == events.STAFF:
                # The staff's fragments are rendered only once the watcher has the count.
                waited.append(received.wait(timeout=3))
            yield audience, fragments, sentence

    monkeypatch.setattr(live, "iter_meeting_fragments", render_then_wait)
    voter = people.members[1].user
    voting = asyncio.ensure_future(
        sync_to_async(actions.check_cast_vote)(ballot.pk, "yes", acting_user=voter)
    )
    message = await watcher.receive_json_from(timeout=10)
    received.set()
    await voting
    assert message["event"] == "deliberation.vote_count_changed"
    assert waited == [True]
    await watcher.disconnect()


class FlakyLayer(InMemoryChannelLayer):
    """The first send fails; the second is slow."""

    def __init__(self) -> None:
        super().__init__()
        self.sends = 0

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.sends += 1
        if self.sends == 1:
            raise ConnectionError("the layer is down")
        if self.sends == 2:
            await asyncio.sleep(0.05)
        await super().group_send(group, message)


async def test_one_threads_pushes_arrive_in_order_and_a_failed_one_is_logged(monkeypatch, caplog):
    layer = FlakyLayer()
    group = "meeting-1.public.fr"
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    monkeypatch.setattr(push, "get_channel_layer", lambda: layer)
    sent = iter(range(4))

    def one_push(_group: str, _event: events.Event):
        yield group, {"type": events.PUSH_TYPE, "event": "test", "text": str(next(sent))}

    monkeypatch.setattr(push, "iter_pushes", one_push)
    push.serve_on(asyncio.get_running_loop())
    event = events.MeetingOpened(meeting_id=1)

    def four_events() -> None:
        for _ in range(4):
            push.deliver("meeting-1", event)

    with caplog.at_level(logging.ERROR, logger="deliberation.push"):
        await sync_to_async(four_events)()
        texts = [(await layer.receive(channel))["text"] for _ in range(3)]
    assert texts == ["1", "2", "3"]
    assert "push to meeting-1.public.fr failed" in caplog.text
