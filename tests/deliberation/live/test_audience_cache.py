"""A socket's connection reads what it needs of the meeting once: a public watcher's
connection makes no query once the meeting has been read, and what changes a meeting's
audiences (its state, a mandate ending) still counts at the next connection."""

from __future__ import annotations

import datetime
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db.backends import utils as db_utils
from django.utils import timezone

from council.actions import do_end_mandate
from council.models import EndReason
from deliberation.actions import do_save_meeting
from deliberation.models import Meeting
from tests.deliberation.live.test_consumers import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

# Queries of a public connection once the meeting has been read by an earlier one.
PUBLIC_CONNECT_QUERIES = 0


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def queries(monkeypatch):
    """Every query run, on whatever thread (the consumer's run on a worker thread)."""
    run: list[str] = []
    lock = threading.Lock()
    original = db_utils.CursorWrapper._execute_with_wrappers

    def counted(self, sql, *args, **kwargs):
        with lock:
            run.append(sql)
        return original(self, sql, *args, **kwargs)

    monkeypatch.setattr(db_utils.CursorWrapper, "_execute_with_wrappers", counted)
    return run


async def test_a_public_connection_reads_nothing_once_the_meeting_is_known(meeting, queries):
    first, connected, _code = await connect(meeting.pk)
    assert connected
    await first.disconnect()
    assert queries  # the first one read the meeting: the count sees the consumer's thread
    queries.clear()
    for _ in range(3):
        communicator, connected, _code = await connect(meeting.pk)
        assert connected
        await communicator.disconnect()
    assert len(queries) <= PUBLIC_CONNECT_QUERIES, queries


async def test_a_meeting_back_in_draft_is_refused_to_the_public(meeting, people):
    communicator, connected, _code = await connect(meeting.pk)
    assert connected
    await communicator.disconnect()

    def back_to_draft():
        meeting.state = Meeting.State.DRAFT
        do_save_meeting(meeting, acting_user=people.secretary.user)

    await sync_to_async(back_to_draft)()
    _communicator, connected, code = await connect(meeting.pk)
    assert not connected and code == 4403


async def test_a_member_whose_mandate_ended_is_refused_the_members_audience(meeting, people):
    mandate = people.members[0]
    communicator, connected, _code = await connect(meeting.pk, "members", mandate.user)
    assert connected
    await communicator.disconnect()

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    await sync_to_async(do_end_mandate)(
        mandate, end=yesterday, reason=EndReason.RESIGNATION, acting_user=None
    )
    _communicator, connected, code = await connect(meeting.pk, "members", mandate.user)
    assert not connected and code == 4403
