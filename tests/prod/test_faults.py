"""Faults on the production topology (QUALITY.md, "Reliability").

- A daphne process killed (SIGKILL) during an open ballot while members vote through both
  processes: every vote acknowledged to a member is in the database, once; the watchers
  whose socket was on the killed process reconnect and show the right tally within 10 s.
- Redis restarted during a session (it keeps nothing on disk, so every group membership is
  lost): the processes join their groups again, the watchers resync (a vote cast while
  Redis was away shows), and a vote cast afterwards reaches watchers on both processes.
- PostgreSQL stopped for 5 s: pages and the vote form answer a French 503 page with
  Retry-After, nothing is corrupted, and service resumes without restarting anything.
- No process answering at all: nginx serves its own French page (502/504), not its default.

The Redis and PostgreSQL of the machine are shared: their outages are kept short and they are
always started again, whatever happens.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.prod.client import BUSY_RETRY_SECONDS, Client, Response, login
from tests.prod.topology import Running as Prod

# The demo council's members with a vote: membre7 resigned during the year and membre11, his
# substitute, took his seat (council/demo.py); membre12 is a substitute.
MEMBERS = [f"membre{n}@example.org" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11)]
ALREADY_RECORDED = "Ce vote a déjà été enregistré."
RESYNC_SECONDS = 10  # QUALITY.md: watchers show the right state within this after a fault
RESTART_SECONDS = 90  # a killed daphne: two seconds' pause, then Django and Wagtail import

REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


@pytest.fixture(scope="module")
def members(prod: Prod) -> dict[str, Client]:
    """The ten voting demo members, logged in once (logins are rate-limited per address)."""
    return {email: login(prod, email) for email in MEMBERS}


def vote(
    client: Client,
    meeting: int,
    ballot: int,
    choice: str,
    port: int | None = None,
    *,
    retry_busy: bool = True,
) -> str:
    """Post the room's vote form: "recorded" (302), "already" (the refusal saying so),
    or raise for anything else; a 503 is tried again unless `retry_busy` is false."""
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        response = client.request(
            "POST",
            f"/seances/{meeting}/salle/?do=voter",
            form={"ballot": str(ballot), "choice": choice},
            port=port,
        )
        if response.status == 302:
            return "recorded"
        if response.status == 400 and ALREADY_RECORDED in response.text:
            return "already"
        if response.status != 503 or not retry_busy or time.monotonic() > deadline:
            raise VoteFailed(response)
        time.sleep(0.5)  # pacing the retries


class VoteFailed(Exception):
    def __init__(self, response: Response) -> None:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.text, re.S)
        super().__init__(f"HTTP {response.status}: {[e.strip() for e in errors if e.strip()]}")
        self.response = response


# --- The topology's side -----------------------------------------------------------------


def run_python(prod: Prod, code: str) -> str:
    """prod.python, tried again while the shared PostgreSQL refuses new connections (its
    connect is the script's first query: nothing was done)."""
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        try:
            return prod.python(code)
        except RuntimeError as error:
            if "too many clients" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(1)  # pacing the retries


def open_session(prod: Prod, title: str) -> tuple[int, int]:
    """A meeting in session, every member attending remotely, one ballot open."""
    code = (
        "import json\nfrom tests.bench.setup_session import open_session\n"
        f"print(json.dumps(open_session(title={title!r}, question={title + ' ?'!r})))"
    )
    ids = json.loads(run_python(prod, code).strip().splitlines()[-1])
    return ids["meeting"], ids["ballot"]


def recorded_votes(prod: Prod, ballot: int) -> dict[str, Any]:
    code = f"""
import json
from deliberation import selectors
from deliberation.models import Ballot, Vote
ballot = Ballot.objects.get(pk={ballot})
rows = list(
    Vote.objects.filter(ballot=ballot).values_list("voter__user__email", "choice", "seat_id")
)
print(json.dumps({{"rows": rows, "votes_cast": selectors.votes_cast(ballot)}}))
"""
    return json.loads(run_python(prod, code).strip().splitlines()[-1])


def assert_votes_match(prod: Prod, ballot: int, acknowledged: dict[str, str]) -> dict[str, Any]:
    """Every acknowledged vote is in the database with its choice, each seat once."""
    recorded = recorded_votes(prod, ballot)
    rows = recorded["rows"]
    seats = [seat for _email, _choice, seat in rows]
    assert len(seats) == len(set(seats)), f"a seat voted twice: {rows}"
    by_voter = {email: choice for email, choice, _seat in rows}
    assert len(by_voter) == len(rows), f"a member voted twice: {rows}"
    for email, choice in acknowledged.items():
        assert by_voter.get(email) == choice, f"{email}'s acknowledged vote is missing: {rows}"
    assert recorded["votes_cast"] == len(rows)
    return recorded


def daphne_ports(prod: Prod) -> list[int]:
    return [entry["port"] for entry in prod.state["daphne"]]


def daphne_pid(prod: Prod, port: int) -> int:
    return next(entry["pid"] for entry in prod.state["daphne"] if entry["port"] == port)


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_until(
    condition: Callable[[], Any],
    timeout: float,
    message: str | Callable[[], str],
    interval: float = 0.2,
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"{text} (after {timeout:.1f} s)")
        time.sleep(interval)


def serves(prod: Prod, port: int) -> bool:
    try:
        response = Client(prod).request("GET", "/healthz", port=port, timeout=5)
    except OSError:
        return False
    return response.status == 200


def wait_all_serving(prod: Prod) -> None:
    """Both daphne processes answer /healthz, and so does nginx in front of them."""
    for port in daphne_ports(prod):
        wait_until(
            functools.partial(serves, prod, port), RESTART_SECONDS, f"daphne :{port} is down"
        )

    def through_nginx() -> bool:
        try:
            return Client(prod).request("GET", "/healthz", timeout=5).status == 200
        except OSError:
            return False

    # nginx keeps a failed server aside for fail_timeout (10 s) after an error.
    wait_until(through_nginx, 30, "nginx does not reach the processes again")


def ws_connections(prod: Prod, port: int, meeting: int) -> int:
    """How many sockets of this meeting the process has accepted (daphne's access log)."""
    return len(re.findall(rf"WSCONNECT /ws/meetings/{meeting}/", _daphne_log(prod, port)))


def _daphne_log(prod: Prod, port: int) -> str:
    log = Path(prod.state["workdir"]) / f"daphne-{port}.log"
    return log.read_text(errors="replace") if log.exists() else ""


def ws_open(prod: Prod, port: int, meeting: int) -> int:
    """Sockets of the meeting open on this process now: every attempt (WSCONNECTING), taken
    or refused, ends in one WSDISCONNECT."""
    text = _daphne_log(prod, port)
    accepted = len(re.findall(rf"WSCONNECTING /ws/meetings/{meeting}/", text))
    return accepted - len(re.findall(rf"WSDISCONNECT /ws/meetings/{meeting}/", text))


def push_announcement(prod: Prod, meeting: int, text: str) -> None:
    """A push to the meeting's public watchers that only announces `text` (a probe)."""
    from channels_redis.core import RedisChannelLayer

    from deliberation import events

    layer = RedisChannelLayer(
        hosts=[prod.state["redis_url"]], prefix=prod.state["env"]["CHANNEL_PREFIX"]
    )
    message = {"type": events.PUSH_TYPE, "text": json.dumps({"fragments": {}, "announce": text})}
    group = events.audience_group(meeting, events.PUBLIC, "fr")
    # In a thread of its own: Playwright's sync API keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        executor.submit(asyncio.run, layer.group_send(group, message)).result(timeout=10)


# --- Watchers: real pages in Chromium -------------------------------------------------------


CONNECTED = "document.querySelector('[data-live-socket]')?.dataset.liveConnected === 'true'"


@dataclass
class Watcher:
    page: Any
    opened: int = 0
    closed: int = 0
    port: int | None = None  # the process its first socket reached
    sockets: list[Any] = field(default_factory=list)

    def on_socket(self, ws: Any) -> None:
        self.opened += 1
        self.sockets.append(ws)
        ws.on("close", self._on_close)

    def _on_close(self, _ws: Any) -> None:
        self.closed += 1

    def connected(self) -> bool:
        return bool(self.page.evaluate(CONNECTED))

    def announced(self) -> str:
        return str(
            self.page.evaluate("document.querySelector('[data-live-announcer]')?.textContent || ''")
        )

    def tally(self) -> str:
        return str(
            self.page.evaluate(
                "[...document.querySelectorAll('.votes-cast')].map(e => e.textContent.trim())"
                ".join(' | ')"
            )
        )

    def shows(self, votes: int, timeout: float) -> None:
        # Polled from here: the page's CSP (no eval) rules out Playwright's wait_for_function.
        # Exactly N: "12 votes" must not pass for "2 votes".
        def right() -> bool:
            return bool(
                self.page.evaluate(
                    "n => [...document.querySelectorAll('.votes-cast')]"
                    ".some(e => new RegExp('^' + n + ' votes? ').test(e.textContent.trim()))",
                    votes,
                )
            )

        def wrong() -> str:
            return f"a watcher first on :{self.port} shows {self.tally()!r}, not {votes}"

        wait_until(right, timeout, wrong)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(ignore_https_errors=True, locale="fr-BE")
            context.set_default_timeout(30_000)
            yield context
        finally:
            browser.close()


def open_watchers(
    context: Any, prod: Prod, meeting: int, count: int, *, until_both: bool = True
) -> list[Watcher]:
    """`count` public live pages, opened one after another, each through nginx; each is
    attributed to the process whose access log shows its socket. With `until_both`, more
    are opened until both processes hold at least one: after a test that stopped a process,
    nginx leaves it aside for its `fail_timeout` (10 s), so the search lasts longer than that."""
    watchers: list[Watcher] = []
    ports = daphne_ports(prod)
    both_deadline = time.monotonic() + 25
    while len(watchers) < count or (
        until_both
        and len({w.port for w in watchers}) < len(ports)
        and time.monotonic() < both_deadline
    ):
        before = {port: ws_connections(prod, port, meeting) for port in ports}
        page = context.new_page()
        watcher = Watcher(page)
        page.on("websocket", watcher.on_socket)
        deadline = time.monotonic() + BUSY_RETRY_SECONDS
        while (status := page.goto(f"{prod.url}/seances/{meeting}/direct/").status) != 200:
            assert status == 503 and time.monotonic() < deadline, f"live page: HTTP {status}"
            page.wait_for_timeout(500)  # pacing the retries
        wait_until(watcher.connected, 30, "a watcher's socket did not connect")

        def attributed(before: dict[int, int] = before) -> int | None:
            grown = [p for p in ports if ws_connections(prod, p, meeting) > before[p]]
            return grown[0] if len(grown) == 1 else None

        watcher.port = wait_until(attributed, 10, "the watcher's socket is in no access log")
        watchers.append(watcher)
    if until_both:
        assert {w.port for w in watchers} == set(ports), "the watchers are all on one process"
    return watchers


def pump(watchers: list[Watcher], ms: int = 100) -> None:
    """Let Playwright deliver the pages' events (socket closed, opened)."""
    watchers[0].page.wait_for_timeout(ms)


# --- 1. A daphne process killed during a ballot --------------------------------------------


def test_a_process_killed_during_a_ballot_loses_no_acknowledged_vote(
    prod: Prod, members: dict[str, Client]
) -> None:
    wait_all_serving(prod)
    meeting, ballot = open_session(prod, "Panne d’un processus pendant un scrutin")
    ports = daphne_ports(prod)
    acknowledged: dict[str, str] = {}
    recorded_on: dict[int, int] = dict.fromkeys(ports, 0)
    retried: list[str] = []  # outcomes of votes that needed a second try
    lock = threading.Lock()
    choices = ["yes", "no", "abstain"]

    with chromium() as context:
        watchers = open_watchers(context, prod, meeting, 4)
        victim = next(w.port for w in watchers if w.port is not None)
        survivor = next(p for p in ports if p != victim)
        on_victim = [w for w in watchers if w.port == victim]
        victim_pid = daphne_pid(prod, victim)

        def cast(
            email: str, choice: str, port: int, start: threading.Barrier | None = None
        ) -> None:
            """A member votes through `port`; a failed request is tried again through
            nginx, as someone reloading the page would."""
            client = members[email]
            if start is not None:
                start.wait(timeout=30)
            for attempt in range(20):
                try:
                    outcome = vote(client, meeting, ballot, choice, port if attempt == 0 else None)
                except (OSError, http.client.HTTPException):
                    time.sleep(0.2)  # pacing the retries, not an assertion
                    continue
                except VoteFailed as failed:
                    if failed.response.status >= 500:
                        time.sleep(0.2)
                        continue
                    raise
                with lock:
                    acknowledged[email] = choice
                    if attempt == 0:
                        recorded_on[port] += 1
                    else:
                        retried.append(outcome)
                return
            raise AssertionError(f"{email} could not vote")

        # The first half vote through both processes, alternately.
        first = MEMBERS[:5]
        for index, email in enumerate(first):
            cast(email, choices[index % 3], ports[index % 2])
        assert all(recorded_on[port] >= 1 for port in ports), recorded_on
        for watcher in watchers:
            watcher.shows(len(first), RESYNC_SECONDS)

        # The second half vote at once, through both processes, as one is killed.
        second = MEMBERS[5:]
        start = threading.Barrier(len(second) + 1)
        threads = [
            threading.Thread(
                target=cast,
                args=(email, choices[index % 3], (victim, survivor)[index % 2], start),
            )
            for index, email in enumerate(second)
        ]
        for thread in threads:
            thread.start()
        start.wait(timeout=30)
        os.kill(victim_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        for thread in threads:
            thread.join(timeout=60)
        assert len(acknowledged) == len(MEMBERS), acknowledged

        # Every acknowledged vote is in the database, once.
        assert_votes_match(prod, ballot, acknowledged)

        # The watchers on the killed process lost their socket, reconnected, and show the
        # whole tally; so do the others. Within 10 s of the kill (or of the last vote).
        last_vote_at = time.monotonic()
        deadline = max(killed_at, last_vote_at) + RESYNC_SECONDS
        for watcher in watchers:
            watcher.shows(len(MEMBERS), max(0.5, deadline - time.monotonic()))
        pump(watchers)
        for watcher in on_victim:
            assert watcher.closed >= 1, "a watcher on the killed process kept its socket"
            assert watcher.opened >= 2, "a watcher on the killed process did not reconnect"
            assert watcher.connected()
        elapsed = time.monotonic() - killed_at
    print(f"\nkilled :{victim} with {len(on_victim)} of {len(watchers)} watchers on it; "
          f"votes taken at the first try per process {recorded_on}, after a retry "
          f"{retried}; all watchers right after "
          f"{elapsed:.1f} s")  # fmt: skip

    # The supervisor (systemd's Restart=always) brings the process back.
    wait_until(lambda: daphne_pid(prod, victim) != victim_pid, 30, "the killed daphne stays down")
    wait_all_serving(prod)


# --- 2. Redis restarted during a session ------------------------------------------------------


def redis_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["redis-cli", "-p", "6379", *args], capture_output=True, text=True, timeout=10
    )


def redis_up() -> bool:
    return redis_cli("ping").stdout.strip() == "PONG"


@contextlib.contextmanager
def redis_stopped() -> Iterator[None]:
    """The machine's Redis shut down (nothing saved), started again however the block ends."""
    assert redis_up(), "Redis is not running before the test"
    redis_cli("shutdown", "nosave")
    try:
        wait_until(lambda: not redis_up(), 10, "Redis did not stop", interval=0.05)
        yield
    finally:
        if not redis_up():
            subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
        wait_until(redis_up, 15, "Redis did not start again", interval=0.05)


def test_a_redis_restart_loses_nothing_and_watchers_resync(
    prod: Prod, members: dict[str, Client]
) -> None:
    wait_all_serving(prod)
    meeting, ballot = open_session(prod, "Redémarrage de Redis pendant une séance")
    acknowledged: dict[str, str] = {}
    for email in MEMBERS[:3]:
        assert vote(members[email], meeting, ballot, "yes") == "recorded"
        acknowledged[email] = "yes"

    with chromium() as context:
        watchers = open_watchers(context, prod, meeting, 4)
        for watcher in watchers:
            watcher.shows(3, RESYNC_SECONDS)

        ports = daphne_ports(prod)
        with redis_stopped():
            stopped_at = time.monotonic()
            # A vote while Redis is away: the database takes it; its push is lost.
            outcome = vote(members[MEMBERS[3]], meeting, ballot, "no", retry_busy=False)
            assert outcome == "recorded"
            acknowledged[MEMBERS[3]] = "no"
        restarted_at = time.monotonic()
        down_for = restarted_at - stopped_at
        # Another as soon as Redis is back, before the processes have noticed.
        assert vote(members[MEMBERS[4]], meeting, ballot, "no") == "recorded"
        acknowledged[MEMBERS[4]] = "no"

        # Each process notices its groups are gone, joins again and has its pages reconnect:
        # each page resyncs and shows both votes. Recovered when a push reaches them all.
        deadline = restarted_at + RESYNC_SECONDS
        for watcher in watchers:
            watcher.shows(5, max(0.5, deadline - time.monotonic()))
        probes = 0

        def probe_reaches_all() -> bool:
            nonlocal probes
            probes += 1
            text = f"Sonde {probes}"
            push_announcement(prod, meeting, text)
            until = time.monotonic() + 1.5
            while time.monotonic() < until:
                if all(w.announced() == text for w in watchers):
                    return True
                pump(watchers)
            return False

        wait_until(probe_reaches_all, RESYNC_SECONDS, "pushes do not reach every watcher")
        resynced = time.monotonic() - restarted_at
        pump(watchers)
        assert all(w.closed >= 1 and w.opened >= 2 for w in watchers), [
            (w.port, w.opened, w.closed) for w in watchers
        ]
        # Where the pages are now (the access logs). nginx may have sent them all to one
        # process: one that failed a handshake while Redis was away is set aside for its
        # fail_timeout (10 s). More pages then open until both processes hold some.
        reconnected = {port: ws_open(prod, port, meeting) for port in ports}
        assert sum(reconnected.values()) == len(watchers), reconnected
        deadline = time.monotonic() + 30
        while min(ws_open(prod, port, meeting) for port in ports) < 1:
            assert time.monotonic() < deadline, "no watcher could reach one of the processes"
            watchers += open_watchers(context, prod, meeting, 1, until_both=False)
            watchers[-1].shows(5, RESYNC_SECONDS)
        watching = {port: ws_open(prod, port, meeting) for port in ports}

        # A vote now reaches every watcher, on both processes, by push alone.
        sockets_before = [w.opened for w in watchers]
        assert vote(members[MEMBERS[5]], meeting, ballot, "abstain") == "recorded"
        acknowledged[MEMBERS[5]] = "abstain"
        for watcher in watchers:
            watcher.shows(6, RESYNC_SECONDS)
        pump(watchers)
        assert [w.opened for w in watchers] == sockets_before, "the push needed a reconnection"

    assert_votes_match(prod, ballot, acknowledged)
    wait_all_serving(prod)
    print(f"\nRedis down {down_for:.1f} s; every watcher resynced and reached by a push "
          f"{resynced:.1f} s after its start ({probes} probes); sockets per process after "
          f"the reconnections {reconnected}, at the last vote {watching}")  # fmt: skip


# --- 3. PostgreSQL stopped for 5 s -----------------------------------------------------------

OUTAGE_SECONDS = 5
MAX_OUTAGE_SECONDS = 15


def pg_cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    if action == "stop":
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def pg_up() -> bool:
    result = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True, timeout=10
    )
    return result.returncode == 0


def assert_unavailable_page(response: Response, label: str = "") -> None:
    assert response.status == 503, (label, response.status, response.text[:300])
    assert response.headers["Retry-After"], label
    assert "Service momentanément indisponible" in response.text, label
    assert "Réessayez dans quelques secondes" in response.text, label


def test_a_database_outage_answers_503_and_service_resumes_by_itself(
    prod: Prod, members: dict[str, Client]
) -> None:
    wait_all_serving(prod)
    meeting, ballot = open_session(prod, "Coupure de la base de données")
    acknowledged: dict[str, str] = {}
    for email in MEMBERS[:4]:
        assert vote(members[email], meeting, ballot, "yes") == "recorded"
        acknowledged[email] = "yes"
    pids = {entry["port"]: entry["pid"] for entry in prod.state["daphne"]}
    visitor = Client(prod)
    voter = members[MEMBERS[4]]
    live = f"/seances/{meeting}/direct/"
    form = {"ballot": str(ballot), "choice": "no"}

    def timed(call: Callable[[], Response]) -> tuple[Response, float]:
        began = time.monotonic()
        return call(), time.monotonic() - began

    # During the outage, on each process and through nginx: a page and the vote form.
    calls: dict[str, Callable[[], Response]] = {
        "page via nginx": lambda: visitor.request("GET", live, timeout=30)
    }
    for port in daphne_ports(prod):
        calls[f"page :{port}"] = functools.partial(
            visitor.request, "GET", live, port=port, timeout=30
        )
        calls[f"vote :{port}"] = functools.partial(
            voter.request,
            "POST",
            f"/seances/{meeting}/salle/?do=voter",
            form=form,
            port=port,
            timeout=30,
        )

    assert pg_up(), "PostgreSQL is not running before the test"
    pg_cluster("stop")
    stopped_at = time.monotonic()
    executor = concurrent.futures.ThreadPoolExecutor(len(calls))
    try:
        futures = {name: executor.submit(timed, call) for name, call in calls.items()}
        # The database stays away five seconds, or until each request has had its answer
        # (a request waits for a connection up to the pool's timeout, 3 s), at most
        # MAX_OUTAGE_SECONDS: the length of the fault, not a wait for a result.
        concurrent.futures.wait(futures.values(), timeout=MAX_OUTAGE_SECONDS)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
        answered_during = {name for name, future in futures.items() if future.done()}
    finally:
        pg_cluster("start")
        outage = time.monotonic() - stopped_at
        executor.shutdown(wait=True)
    during = {name: future.result() for name, future in futures.items()}
    assert answered_during == set(calls), (
        f"unanswered while PostgreSQL was away: {set(calls) - answered_during}"
    )
    for name, (response, _elapsed) in during.items():
        assert_unavailable_page(response, name)
    wait_until(pg_up, 30, "PostgreSQL did not start again")
    started_at = time.monotonic()

    # Service resumes by itself: the same processes, pages and the vote form work again.
    def page_ok() -> bool:
        return visitor.request("GET", live).status == 200

    wait_until(page_ok, 30, "the live page does not come back")
    for port in daphne_ports(prod):
        wait_until(functools.partial(serves, prod, port), 30, f"daphne :{port} does not recover")

    def voted() -> bool:
        try:
            outcome = vote(members[MEMBERS[4]], meeting, ballot, "no", retry_busy=False)
            return outcome in ("recorded", "already")
        except VoteFailed as failed:
            assert failed.response.status == 503, failed.response.status
            return False

    wait_until(voted, 30, "the vote form does not come back", interval=0.5)
    resumed = time.monotonic() - started_at
    acknowledged[MEMBERS[4]] = "no"
    assert {entry["port"]: entry["pid"] for entry in prod.state["daphne"]} == pids

    # Nothing corrupted: the votes are those acknowledged, the decisions' chain holds,
    # including the decision the closing ballot adds now.
    recorded = assert_votes_match(prod, ballot, acknowledged)
    assert len(recorded["rows"]) == len(acknowledged)
    run_python(
        prod,
        "from council.models import User\nfrom deliberation import actions\n"
        "actions.do_close_ballot("
        f"{ballot}, acting_user=User.objects.get(email='secretariat@example.org'))",
    )
    # The management command exits non-zero, and so does this, if the chain is broken.
    chain = run_python(
        prod, "from django.core.management import call_command\ncall_command('verify_decisions')"
    )
    assert "chaîne intacte" in chain, chain
    answers = {name: f"{r.status} after {t:.1f} s" for name, (r, t) in during.items()}
    print(
        f"\nPostgreSQL down {outage:.1f} s; answers {answers}; service back {resumed:.1f} s "
        "after it"
    )


# --- 4. No process answers: nginx's own page --------------------------------------------------


def test_nginx_answers_its_own_french_page_when_no_process_answers(prod: Prod) -> None:
    wait_all_serving(prod)
    old = {entry["port"]: entry["pid"] for entry in prod.state["daphne"]}
    for pid in old.values():
        os.kill(pid, signal.SIGKILL)
    for port in old:
        wait_until(functools.partial(port_closed, port), 10, f"daphne :{port} still listens")
    # The supervisor waits two seconds before starting them again, and they take longer
    # than that to import: this request finds nobody.
    response = Client(prod).request("GET", "/seances/")
    assert response.status == 502, response.status
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Retry-After"] == "10"
    assert "Service momentanément indisponible" in response.text
    assert 'lang="nl"' in response.text and 'lang="en"' in response.text
    assert "nginx" not in response.text
    wait_until(
        lambda: all(daphne_pid(prod, port) != pid for port, pid in old.items()),
        30,
        "the supervisor did not start the processes again",
    )
    wait_all_serving(prod)
