"""Scale-out: two server processes on one database and one Redis. A vote posted to one of
them reaches a watcher connected to the other, through the Redis channel layer.

Runs when REDIS_URL is set (CI's PostgreSQL + Redis pass); the servers read the test
database, so the test commits its rows (transactional) and the servers see them.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from importlib import import_module

import pytest
from django.conf import settings

from deliberation.models import Vote
from tests.browser.server import Daphne, start_daphne
from tests.deliberation.live.test_events import open_ballot, start_session

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers(tmp_path) -> Iterator[tuple[Daphne, Daphne]]:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        pytest.skip("the servers need a database file (set TEST_SQLITE_PATH)")
    # Both processes share one channel namespace, and no one else's.
    prefix = f"scaleout-{uuid.uuid4().hex[:8]}"
    servers: list[Daphne] = []
    try:
        for name in ("a", "b"):
            servers.append(start_daphne(tmp_path / name, CHANNEL_PREFIX=prefix))
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()
        assert all(server.process.poll() is not None for server in servers)


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _post_vote(server: Daphne, meeting_id: int, ballot_id: int, session: str) -> int:
    """The member's browser, by hand: load the room (CSRF cookie), post the vote form."""
    room = f"{server.url}/seances/{meeting_id}/salle/"
    with urllib.request.urlopen(
        urllib.request.Request(room, headers={"Cookie": session}), timeout=30
    ) as response:
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    token = cookies[settings.CSRF_COOKIE_NAME].value
    body = urllib.parse.urlencode(
        {"ballot": ballot_id, "choice": "yes", "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        room + "?do=voter",
        data=body,
        headers={
            "Cookie": f"{session}; {settings.CSRF_COOKIE_NAME}={token}",
            "Referer": room,
        },
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


VOTE_EVENTS = {"deliberation.vote_count_changed", "deliberation.room_votes_changed"}


async def _watch_then_vote(watch_on: Daphne, vote_on: Daphne, meeting_id, post) -> list[dict]:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    url = f"ws://127.0.0.1:{watch_on.port}/ws/meetings/{meeting_id}/?audience=public&lang=fr"
    received: list[dict] = []
    # The handshake completes only once the consumer has joined its groups.
    async with connect(url, origin=Origin(watch_on.url), open_timeout=60) as socket_b:
        status = await asyncio.to_thread(post)
        assert status == 302, f"the vote was refused ({status}):\n{vote_on.log()[-5000:]}"
        async with asyncio.timeout(30):
            async for text in socket_b:
                message = json.loads(text)
                received.append(message)
                if message["event"] in VOTE_EVENTS:
                    break
    return received


def test_a_vote_posted_to_one_server_reaches_a_watcher_of_the_other(two_servers, people, meeting):
    a, b = two_servers
    item, proposal = start_session(people, meeting)
    ballot = open_ballot(people, item, proposal)
    voter = people.members[0]
    session = _session_cookie(voter.user)

    def post() -> int:
        return _post_vote(a, meeting.pk, ballot.pk, session)

    try:
        received = asyncio.run(_watch_then_vote(b, a, meeting.pk, post))
    except TimeoutError:
        logs = f"A:\n{a.log()[-5000:]}\nB:\n{b.log()[-5000:]}"
        pytest.fail(f"nothing reached server b's watcher.\n{logs}")
    # The vote went through server a, and only through it.
    assert Vote.objects.filter(ballot=ballot, voter=voter).count() == 1
    pushed = received[-1]
    # The voter sits in the room: the count comes with the room's roll call for the staff.
    assert pushed["event"] == "deliberation.room_votes_changed"
    assert pushed["data"]["ballot_id"] == ballot.pk
    assert pushed["data"]["votes_cast"] == 1
    # What a watcher of the public page swaps in: the open ballot's count, nothing more.
    assert list(pushed["fragments"]) == ["live-votes-cast"]
    assert "1 vote exprimé" in pushed["fragments"]["live-votes-cast"]


def test_an_idle_socket_outlives_the_layers_blocking_read():
    # channels-redis blocks `brpop_timeout` seconds waiting for a message; a client read
    # timeout no longer than that ends the wait in an error that kills the socket's consumer
    # (redis-py 8 defaults to 5 s, as long as the wait).
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    (host,) = layer.hosts
    assert (host.get("socket_timeout") or float("inf")) > layer.brpop_timeout
