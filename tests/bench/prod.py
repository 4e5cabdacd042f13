"""`make bench`, production topology: nginx (TLS, HTTP/2) in front of two daphne processes,
PostgreSQL and Redis, as tests/prod/topology.py starts them.

    python -m tests.prod.topology run -- python -m tests.bench.prod

- Live room fan-out: N watchers connect with wss:// through nginx (spread over both
  processes by `least_conn`), one member casts a vote through the real HTTPS form; time
  until each watcher has the updated tally, against the bare broadcast floor measured by the
  same load generator in the same run. Each N again with the room's screens connected too
  (`--screens`, the projector page's socket, audience `screen`, whose fragment is rendered
  for each push as well): the watchers' p95 against the same floor, and the screens' times.
- Page throughput (tests.bench.prod_pages): wrk against every public page type, each
  uncached (a cookie the page cache does not know: every request renders) and cached (an
  anonymous reader, cms.page_cache in Redis), against a trivial Django view (/robots.txt, a
  template through the whole middleware stack) of the same stack in the same run.
- Memory: RSS of each daphne process idle, then holding 2,000 idle wss sockets.
- `--profile`: py-spy samples both processes during a fan-out run and the home page's
  uncached wrk load; the top frames go in the report.

Timings on a shared 2-core machine are noisy: read the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench import page_cache, prod_pages
from tests.bench.loadgen import Result
from tests.bench.run import (
    PYTHON,
    ROOT,
    VOTERS,
    floor_run,
    idle_memory,
    machine,
    platform_run,
    rss_mb,
)
from tests.prod.topology import Running

IDLE_SOCKETS = 2000
# What the report's sections are called: each run rewrites these, and only these.
FANOUT = "## Production topology: live room fan-out"
PAGES = "## Production topology: page throughput"
MEMORY = "## Production topology: memory with 2,000 idle sockets"
PROFILE = "## Production topology: where the time goes"
GENERATED = (FANOUT, PAGES, MEMORY, PROFILE)


def established(port: int) -> int:
    """Established TCP connections to a local port (nginx → daphne)."""
    output = subprocess.run(
        ["ss", "-Htn", "state", "established", f"sport = :{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return len(output.splitlines())


class Profiler:
    """py-spy sampling each daphne process (busy time only: idle threads are not sampled)
    from its start until `stop()`, which returns the top frames."""

    def __init__(self, pids: list[int], folder: Path, name: str) -> None:
        self.files = [folder / f"py-spy-{name}-{pid}.txt" for pid in pids]
        self.processes = [
            subprocess.Popen(
                [
                    str(Path(PYTHON).with_name("py-spy")), "record", "--pid", str(pid),
                    "--rate", "200", "--format", "raw", "--nonblocking", "--output", str(path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid, path in zip(pids, self.files, strict=True)
        ]  # fmt: skip
        time.sleep(1)  # py-spy attaches

    def stop(self, count: int = 12) -> Profile:
        """Samples, the frames most often on top of the stack (self), and the project's
        functions most often anywhere in it (inclusive), over both processes."""
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            process.wait(timeout=60)
        own: collections.Counter[str] = collections.Counter()
        inclusive: collections.Counter[str] = collections.Counter()
        total = 0
        for path in self.files:
            if not path.exists():
                continue
            for line in path.read_text().splitlines():
                stack, _, samples = line.rpartition(" ")
                if not samples.isdigit():
                    continue
                frames = [short(frame) for frame in stack.split(";")]
                n = int(samples)
                total += n
                own[frames[-1]] += n
                for frame in set(frames):
                    # Not the middleware: every request runs inside it.
                    if frame.startswith(PROJECT_PACKAGES) and "middleware" not in frame:
                        inclusive[frame] += n
        return Profile(total, own.most_common(count), inclusive.most_common(count))


@dataclass
class Profile:
    samples: int
    own: list[tuple[str, int]]
    inclusive: list[tuple[str, int]]


class Spread:
    """Connections nginx holds to each daphne port, at their busiest while running."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.busiest = dict.fromkeys(ports, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            counts = {port: established(port) for port in self.ports}
            if sum(counts.values()) > sum(self.busiest.values()):
                self.busiest = counts

    def stop(self) -> list[int]:
        self._stop.set()
        self._thread.join()
        return [self.busiest[port] for port in self.ports]


PROJECT_PACKAGES = ("council/", "deliberation/", "cms/")


def short(frame: str) -> str:
    """`function (path/to/file.py:12)` → `file: function`, the path relative to the
    project, site-packages or the standard library, without the line number."""
    match = re.fullmatch(r"(.*) \((.*?)(?::\d+)?\)", frame.strip())
    if not match:
        return frame.strip()
    function, path = match.groups()
    path = re.sub(r"^.*?(site-packages/|python3\.\d+/)", "", path.removeprefix(f"{ROOT}/"))
    return f"{path}: {function}"


def versions(database_url: str) -> str:
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    redis = subprocess.run(["redis-cli", "info", "server"], capture_output=True, text=True).stdout
    redis_version = re.search(r"redis_version:(\S+)", redis)
    postgres = subprocess.run(
        ["psql", re.sub(r"/[^/]*$", "/postgres", database_url), "-tAc", "show server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{nginx.removeprefix('nginx version: ').replace('/', ' ')}, "
        f"PostgreSQL {postgres.split(' ')[0] or '?'}, "
        f"Redis {redis_version.group(1) if redis_version else '?'}"
    )


def replace_sections(path: Path, sections: dict[str, list[str]]) -> None:
    """Rewrite `sections` of the report where they stand (appended if new); every other
    line (the other benchmarks' sections, the commentary) is kept as it is."""
    lines = path.read_text().splitlines() if path.exists() else ["# Benchmarks", ""]
    out: list[str] = []
    current: str | None = None
    written: set[str] = set()
    for line in lines:
        if line.startswith("## "):
            current = line.strip() if line.strip() in sections else None
            if current is not None:
                out += sections[current]
                written.add(current)
        if current is None:
            out.append(line)
    for title, body in sections.items():
        if title not in written:
            if out and out[-1] != "":
                out.append("")
            out += body
    path.write_text("\n".join(out).rstrip("\n") + "\n")


FLOOR_RUNS = 3


def median_run(run: Callable[[], Coroutine[Any, Any, Result]]) -> Result:
    """The floor's run with the median p95 of FLOOR_RUNS: a single run swings by half."""
    runs = sorted((asyncio.run(run()) for _ in range(FLOOR_RUNS)), key=lambda r: r.p95_ms)
    return runs[len(runs) // 2]


def screen_times(result: Result) -> str:
    """The room screens' delivery times, `–` without screens, `lost` for one that missed."""
    if not result.others_ms:
        return "–"
    return ", ".join("lost" if ms is None else f"{ms:.0f} ms" for ms in result.others_ms)


def report(
    fanout: list[tuple[int, int, Result, tuple[Result, Result, Result], list[int]]],
    pages: prod_pages.Rows,
    memory: tuple[list[float], list[float], list[float], int, list[int]],
    profiles: dict[str, Profile],
    ports: list[int],
    software: str,
) -> dict[str, list[str]]:
    today = datetime.date.today().isoformat()
    stack = (
        f"nginx with TLS and HTTP/2 in front of two daphne processes (`least_conn`), "
        f"production settings, Redis channel layer; {software}"
    )
    measured = (
        f"Measured {today} with `make bench` "
        "(`python -m tests.prod.topology run -- python -m tests.bench.prod`) on "
        f"{machine()}; {stack}."
    )
    sections: dict[str, list[str]] = {}
    lines = [
        FANOUT,
        "",
        measured,
        "",
        "N watchers of a meeting's public live page connect with wss:// through nginx; one "
        "member logs in (allauth form, CSRF) and casts a vote through the HTTPS form; time "
        "until each watcher has received the updated ballot fragment. The floor is the bare "
        "`websockets` broadcast server (one process, no proxy) measured by the same load "
        "generator in the same run, twice: plain ws://, and wss:// with the topology's "
        "certificate (the load generator then decrypts every message, as it does from nginx)."
        " Each floor is the median of three runs (by p95): one run's p95 swings by half from "
        "one run to the next on this machine. The daphne floor is the same broadcast as an "
        "ASGI application served by daphne (tests/bench/floor_daphne.py: no Django, no "
        "Channels, one process, ws://): what the server alone costs. With room screens: the "
        "same, with that many sockets of the room's screen page (`?audience=screen`) "
        "connected too, whose fragment each push renders as well; p50, p95 and delivered are "
        "the N watchers', the screens' own times are in the last column.",
        "",
        "| N | room screens | per process | delivered | p50 | p95 | floor p95 "
        "| p95 ÷ floor p95 | TLS floor p95 | p95 ÷ TLS floor p95 | daphne floor p95 "
        "| screens' times |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, screens, result, (floor, tls_floor, daphne_floor), spread in fanout:
        per_process = " + ".join(str(count) for count in spread)
        lost = f" (lost: {result.lost})" if result.lost else ""
        lines.append(
            f"| {size} | {screens} | {per_process} | {result.delivered_pct:.1f} % "
            f"({result.delivered}/{size}){lost} | {result.p50_ms:.0f} ms "
            f"| {result.p95_ms:.0f} ms | {floor.p95_ms:.0f} ms "
            f"| {result.p95_ms / floor.p95_ms:.1f}× | {tls_floor.p95_ms:.0f} ms "
            f"| {result.p95_ms / tls_floor.p95_ms:.1f}× | {daphne_floor.p95_ms:.0f} ms "
            f"| {screen_times(result)} |"
        )
    sections[FANOUT] = [*lines, ""]

    sections[PAGES] = prod_pages.section(PAGES, measured, pages)

    start, before, used, held, spread_held = memory
    lines = [
        MEMORY,
        "",
        measured,
        "",
        f"{IDLE_SOCKETS} wss:// sockets on a meeting's live page through nginx, held idle for "
        f"2 s; {held} were accepted. RSS at start: before this benchmark's first request "
        "(the processes have answered /healthz only); idle: after the fan-out and page "
        "runs, no socket open.",
        "",
        "| process | RSS at start | RSS idle | RSS holding idle sockets | sockets held |",
        "|---|---:|---:|---:|---:|",
    ]
    for port, first, idle, holding, count in zip(
        ports, start, before, used, spread_held, strict=True
    ):
        lines.append(
            f"| daphne :{port} | {first:.0f} MB | {idle:.0f} MB | {holding:.0f} MB | {count} |"
        )
    sections[MEMORY] = [*lines, ""]

    if profiles:
        lines = [
            PROFILE,
            "",
            measured,
            "",
            "py-spy sampling both daphne processes at 200 Hz while they are busy (idle "
            "threads are not sampled), in a run of its own after the measured ones. "
            "`self`: the frame on top of the stack; `inclusive`: the project's functions "
            "anywhere in it (its middleware aside, which every request runs inside).",
            "",
        ]
        for what, profile in profiles.items():
            lines += [
                f"{what}, {profile.samples} samples:",
                "",
                "| self | share | inclusive (project) | share |",
                "|---|---:|---|---:|",
            ]
            for index in range(max(len(profile.own), len(profile.inclusive))):
                own = profile.own[index] if index < len(profile.own) else ("", 0)
                inc = profile.inclusive[index] if index < len(profile.inclusive) else ("", 0)
                cells = [
                    f"`{frame}` | {100 * n / profile.samples:.1f} %" if frame else " | "
                    for frame, n in (own, inc)
                ]
                lines.append(f"| {cells[0]} | {cells[1]} |")
            lines.append("")
        sections[PROFILE] = lines
    return sections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", default="100,500,1000,2000")
    parser.add_argument(
        "--screens", type=int, default=2, help="room screens in the second run of each N (0: none)"
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--profile", action="store_true", help="sample the servers with py-spy")
    args = parser.parse_args()
    topology = Running.from_environment()
    if topology is None:
        sys.exit("Run under the topology: python -m tests.prod.topology run -- " + __spec__.name)
    if args.profile and not Path(PYTHON).with_name("py-spy").exists():
        sys.exit("--profile needs py-spy in the virtualenv (pip install -e '.[dev]').")
    ports = [process["port"] for process in topology.state["daphne"]]
    pids = [process["pid"] for process in topology.state["daphne"]]
    ids = json.loads(topology.run("-m", "tests.bench.setup_session", "--session-only"))
    at_start = [rss_mb(pid) for pid in pids]
    pages = prod_pages.bench_pages(topology)
    software = versions(topology.state["database_url"])
    voters = iter(VOTERS)
    context = topology.ssl
    sizes = [int(n) for n in args.watchers.split(",")]

    def vote(size: int, screens: int = 0) -> tuple[Result, list[int]]:
        spread = Spread(ports)
        result = asyncio.run(
            platform_run(
                topology.url,
                ids["meeting"],
                ids["ballot"],
                size,
                next(voters),
                ssl_context=context,
                screens=screens,
            )
        )
        return result, spread.stop()

    # One vote unmeasured first: each process's first requests pay for imports and templates.
    vote(10)
    fanout: list[tuple[int, int, Result, tuple[Result, Result, Result], list[int]]] = []
    folder = Path(topology.state["workdir"])
    tls = (str(folder / "cert.pem"), str(folder / "key.pem"), context)
    for size in sizes:
        floor = median_run(lambda: floor_run(size))  # noqa: B023 (called at once)
        tls_floor = median_run(lambda: floor_run(size, tls))  # noqa: B023
        daphne_floor = median_run(lambda: floor_run(size, daphne=True))  # noqa: B023
        # Without, then with the room's screens, against the same floor.
        for screens in sorted({0, args.screens}):
            result, spread = vote(size, screens)
            fanout.append((size, screens, result, (floor, tls_floor, daphne_floor), spread))
            print(
                f"N={size:5} screens {screens}: connected {result.connected} delivered "
                f"{result.delivered_pct:5.1f} % p50 {result.p50_ms:7.1f} ms p95 "
                f"{result.p95_ms:7.1f} ms | floor p95 {floor.p95_ms:6.1f} ms | ratio "
                f"{result.p95_ms / floor.p95_ms:5.1f}× | TLS floor {tls_floor.p95_ms:6.1f} ms, "
                f"{result.p95_ms / tls_floor.p95_ms:5.1f}× | daphne floor "
                f"{daphne_floor.p95_ms:6.1f} ms | screens {screen_times(result)} "
                f"| per process {spread} | lost {result.lost or '-'}",
                flush=True,
            )
    loads = prod_pages.measure(topology, pages)
    sampler = Spread(ports)
    before, used, held = idle_memory(
        topology.url, ids["meeting"], pids, IDLE_SOCKETS, ssl_context=context
    )
    held_spread = sampler.stop()
    print(f"memory: idle {before} MB, holding {held} sockets {held_spread}: {used} MB", flush=True)

    profiles: dict[str, Profile] = {}
    if args.profile:
        profiler = Profiler(pids, folder, "fanout")
        vote(500)
        profiles["Fan-out, N = 500 (connections, the vote, the push)"] = profiler.stop()
        profiler = Profiler(pids, folder, "home")
        prod_pages.wrk(topology.url + "/", *page_cache.UNCACHED)
        profiles["Home page under wrk, uncached"] = profiler.stop()
    sections = report(
        fanout,
        loads,
        (at_start, before, used, held, held_spread),
        profiles,
        ports,
        software,
    )
    replace_sections(Path(args.output), sections)
    print("\n".join(line for body in sections.values() for line in body))


if __name__ == "__main__":
    main()
