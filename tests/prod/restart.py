"""Both daphne processes of the production topology restarted under open live pages, and
when each page is back: the measure behind tests/prod/test_reconnect.py (pass or fail) and
tests/bench/reconnect.py (the figure in docs/benchmarks.md).

A restart is what `systemctl restart conseil-ouvert@*` does: each process is stopped
(SIGTERM) and the topology's supervisor, as systemd's `Restart=always`, starts it again two
seconds later; Django and Wagtail then import before the process listens. While they are
away, the pages' sockets fail and retry (static/js/live.js: backoff capped at 3 s, jitter).

Times are the machine's wall clock, in seconds: this side samples the processes' ports
every 50 ms (straight, not through nginx: a probe through nginx while they are away would
count as a failure there and hold them aside longer), Chromium stamps each request it makes
(Playwright's `request.timing`), so a page's return is read from its own network log, not
from how often this side looks.
- back: the first moment one of the processes accepts a TCP connection again;
- reconnected: the page's socket is open again, i.e. the resync request it sends on `open`
  starts (the page's `data-live-connected` is then true);
- resynced: that request, the page's fragments as they now stand, has its answer, whose
  status is kept: a resync nginx answered 502 leaves the page connected but stale.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.prod.topology import Running

CONNECTED = "document.querySelector('[data-live-socket]')?.dataset.liveConnected === 'true'"
POLL_SECONDS = 0.05
RETURN_TIMEOUT = 180  # seconds: the processes import slowly on a loaded 2-core machine


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class LivePage:
    """One open page with a live socket, and what its network log says since `since`."""

    name: str
    page: Any
    since: float = 0.0
    sockets: int = 0  # sockets the page opened since `since` (its attempts)
    resyncs: list[tuple[float, float, int]] = field(default_factory=list)  # start, end, status

    def __post_init__(self) -> None:
        self.page.on("websocket", self._on_socket)
        self.page.on("requestfinished", self._on_request)

    def _on_socket(self, _ws: Any) -> None:
        if time.time() >= self.since:
            self.sockets += 1

    def _on_request(self, request: Any) -> None:
        if "/fragments/" not in request.url:
            return
        timing = request.timing
        start = timing["startTime"] / 1000
        response = request.response()
        end = start + max(timing["responseEnd"], 0) / 1000
        if start >= self.since and response is not None:
            self.resyncs.append((start, end, response.status))

    def connected(self) -> bool:
        return bool(self.page.evaluate(CONNECTED))

    def returned(self) -> tuple[float, float, int] | None:
        """(reconnected, resynced, the resync's status) once the page is connected again
        and its first resync since has its answer."""
        return self.resyncs[0] if self.resyncs and self.connected() else None

    def watch_from(self, moment: float) -> None:
        self.since = moment
        self.sockets = 0
        self.resyncs = []


@dataclass
class Return:
    """One restart and each page's return."""

    stopped_at: float
    accepting_at: dict[int, float]  # port → first TCP accept after the stop
    # name → reconnected, resynced, the resync's HTTP status, sockets tried
    pages: dict[str, tuple[float, float, int, int]]

    @property
    def back_at(self) -> float:
        """The first moment one of the processes accepts connections again."""
        return min(self.accepting_at.values())

    def reconnect_s(self, name: str) -> float:
        return self.pages[name][0] - self.back_at

    def resync_s(self, name: str) -> float:
        return self.pages[name][1] - self.back_at

    @property
    def worst_resync_s(self) -> float:
        return max(self.resync_s(name) for name in self.pages)

    @property
    def down_s(self) -> float:
        return self.back_at - self.stopped_at

    def resync_status(self, name: str) -> int:
        return self.pages[name][2]

    def summary(self) -> str:
        pages = "; ".join(
            f"{name}: reconnected {self.reconnect_s(name):+.2f} s, resync answered "
            f"{status} at {self.resync_s(name):+.2f} s ({tried} sockets tried)"
            for name, (_r, _s, status, tried) in self.pages.items()
        )
        accepting = ", ".join(
            f":{port} +{at - self.stopped_at:.1f} s" for port, at in self.accepting_at.items()
        )
        return f"processes accepting again {accepting} after the stop; from the first: {pages}"


class Watch:
    """Samples, from a thread of its own, when each port accepts connections again."""

    def __init__(self, ports: list[int]) -> None:
        self.accepting_at: dict[int, float] = {}
        self._down = set(ports)  # a port counts once it has been seen closed
        self._ports = ports
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            now = time.time()
            for port in self._ports:
                if port in self.accepting_at:
                    continue
                if not _accepts(port):
                    self._down.discard(port)
                elif port not in self._down:
                    self.accepting_at[port] = now
            if self.done():
                return

    def done(self) -> bool:
        return len(self.accepting_at) == len(self._ports)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def daphne_pids(prod: Running) -> dict[int, int]:
    return {entry["port"]: entry["pid"] for entry in prod.state["daphne"]}


STOP_TIMEOUT = 10  # seconds: the unit's TimeoutStopSec (docs/deploy/conseil-ouvert@.service)


def _kill_if_still_there(pid: int) -> None:
    """What systemd does once TimeoutStopSec has passed after SIGTERM."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop_processes(prod: Running) -> tuple[float, dict[int, int]]:
    """SIGTERM to both processes, SIGKILL to one still there after STOP_TIMEOUT, as
    `systemctl restart` does (the supervisor starts them again); when, and their pids."""
    pids = daphne_pids(prod)
    stopped_at = time.time()
    for pid in pids.values():
        os.kill(pid, signal.SIGTERM)
        timer = threading.Timer(STOP_TIMEOUT, _kill_if_still_there, args=(pid,))
        timer.daemon = True
        timer.start()
    return stopped_at, pids


def wait_closed(ports: list[int], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while any(_accepts(port) for port in ports):
        if time.monotonic() > deadline:
            raise AssertionError(f"the processes on {ports} do not stop")
        time.sleep(POLL_SECONDS)


def restart_and_watch(
    prod: Running,
    pages: list[LivePage],
    *,
    while_down: Any = None,
    timeout: float = RETURN_TIMEOUT,
) -> Return:
    """Stop both processes, run `while_down()` once their ports are closed (if given), and
    wait until the supervisor has them back and every page has reconnected and resynced."""
    for page in pages:
        assert page.connected(), f"{page.name} is not connected before the restart"
    ports = sorted(daphne_pids(prod))
    since = time.time()
    for page in pages:
        page.watch_from(since)
    watch = Watch(ports)
    try:
        stopped_at, old = stop_processes(prod)
        wait_closed(ports)
        if while_down is not None:
            while_down()
        deadline = time.monotonic() + timeout
        returned: dict[str, tuple[float, float, int]] = {}
        while not (watch.done() and len(returned) == len(pages)):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"not back after {timeout} s: processes {watch.accepting_at}, pages "
                    f"back {sorted(returned)} of {[p.name for p in pages]}"
                )
            for page in pages:
                if page.name not in returned and watch.accepting_at:
                    back = page.returned()
                    if back is not None:
                        returned[page.name] = back
            # Let Playwright deliver the pages' events (sockets, requests).
            pages[0].page.wait_for_timeout(100)
    finally:
        watch.stop()
    new = daphne_pids(prod)
    assert all(new[port] != old[port] for port in ports), "a process was not restarted"
    return Return(
        stopped_at=stopped_at,
        accepting_at=dict(watch.accepting_at),
        pages={page.name: (*returned[page.name], page.sockets) for page in pages},
    )


def open_live_page(context: Any, prod: Running, name: str, path: str) -> LivePage:
    """A page opened through nginx and connected (a busy shared PostgreSQL's 503 retried)."""
    page = context.new_page()
    deadline = time.monotonic() + 60
    while (status := page.goto(prod.url + path).status) != 200:
        assert status == 503 and time.monotonic() < deadline, f"{path}: HTTP {status}"
        page.wait_for_timeout(500)  # pacing the retries
    live = LivePage(name, page)
    deadline = time.monotonic() + 30
    while not live.connected():
        assert time.monotonic() < deadline, f"{name}'s socket does not connect"
        page.wait_for_timeout(100)
    return live
