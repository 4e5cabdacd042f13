"""Scale-out: two server processes on one database and one Redis. A vote posted to one of
them reaches a watcher connected to the other, through the Redis channel layer.

Runs when REDIS_URL is set (CI's PostgreSQL + Redis pass); the servers read the test
database, so the test commits its rows (transactional) and the servers see them.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from deliberation.models import Vote
from tests.deliberation.test_events import open_ballot, start_session

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # seconds: two Django + Wagtail imports on a loaded 2-core machine


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


def _database_env() -> dict[str, str]:
    """The test database pytest-django created: a file on SQLite, a named PostgreSQL one."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        if name == ":memory:" or "mode=memory" in name:
            pytest.skip("the servers need a database file (set TEST_SQLITE_PATH)")
        return {"SQLITE_PATH": name}
    parts = urlsplit(os.environ["DATABASE_URL"])
    return {"DATABASE_URL": urlunsplit(parts._replace(path="/" + name))}


def _start(name: str, env: dict[str, str], workdir: Path) -> Server:
    # The port is bound here and handed over as a descriptor: no race for a free port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    log_path = workdir / f"daphne-{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "--fd",
                str(listener.fileno()),
                "council.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
    listener.close()
    return Server(name, port, process, log_path)


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne {server.name} exited:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url + "/robots.txt", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"daphne {server.name} did not answer:\n{server.log()}")


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture
def two_servers(tmp_path) -> Iterator[tuple[Server, Server]]:
    env = {
        **os.environ,
        **_database_env(),
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "BROWSER_TEST_CACHE_DIR": str(tmp_path / "cache"),
        "BROWSER_TEST_MAIL_DIR": str(tmp_path / "mail"),
        # Both processes share one channel namespace, and no one else's.
        "CHANNEL_PREFIX": f"scaleout-{uuid.uuid4().hex[:8]}",
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_ENV", None)
    servers: list[Server] = []
    try:
        for name in ("a", "b"):
            servers.append(_start(name, env, tmp_path))
        for server in servers:
            _wait_until_up(server)
        yield servers[0], servers[1]
    finally:
        for server in servers:
            _stop(server)
        assert all(server.process.poll() is not None for server in servers)


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _post_vote(server: Server, meeting_id: int, ballot_id: int, session: str) -> int:
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


async def _watch_then_vote(watch_on: Server, vote_on: Server, meeting_id, post) -> list[dict]:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    url = f"ws://127.0.0.1:{watch_on.port}/ws/meetings/{meeting_id}/?audience=public&lang=fr"
    received: list[dict] = []
    # The handshake completes only once the consumer has joined its groups.
    async with connect(url, origin=Origin(watch_on.url), open_timeout=60) as socket_b:
        status = await asyncio.to_thread(post)
        assert status == 302, f"the vote was refused ({status}):\n{vote_on.log()}"
        async with asyncio.timeout(30):
            async for text in socket_b:
                message = json.loads(text)
                received.append(message)
                if message["event"] == "deliberation.vote_count_changed":
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
        pytest.fail(f"nothing reached server b's watcher.\nA:\n{a.log()}\nB:\n{b.log()}")
    # The vote went through server a, and only through it.
    assert Vote.objects.filter(ballot=ballot, voter=voter).count() == 1
    pushed = received[-1]
    assert pushed["event"] == "deliberation.vote_count_changed"
    assert pushed["data"]["ballot_id"] == ballot.pk
    assert pushed["data"]["votes_cast"] == 1
    # What a watcher of the public page swaps in: the ballot fragment, with the new count.
    assert 'id="live-ballots"' in pushed["fragments"]["live-ballots"]
    assert "Adopter la recommandation ?" in pushed["fragments"]["live-ballots"]


def test_an_idle_socket_outlives_the_layers_blocking_read():
    # channels-redis blocks `brpop_timeout` seconds waiting for a message; a client read
    # timeout no longer than that ends the wait in an error that kills the socket's consumer
    # (redis-py 8 defaults to 5 s, as long as the wait).
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    (host,) = layer.hosts
    assert (host.get("socket_timeout") or float("inf")) > layer.brpop_timeout
