"""`make bench`: how fast a vote reaches the watchers of a live room.

For N watchers of a meeting's public live page, one member casts a vote through the real
HTTP form; we time until each watcher has received the updated ballot fragment. In the same
run, the floor: a bare `websockets` broadcast server, measured by the same load generator.
Both channel layers are measured (in-memory: one process; Redis: what production runs).
Timings on a shared 2-core machine are noisy: read the ratio to the floor, not the ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from websockets.typing import Origin

from tests.bench import page_cache
from tests.bench.loadgen import Result, measure, tls_options

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).with_name("daphne"))
PASSWORD = "conseil-ouvert-demo"
# One vote per run: each run's voter is the next member.
# The demo's full members (membre7 resigned; membre11 took his seat) and the chair.
VOTERS = [f"membre{n}@example.org" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11)] + [
    "president@example.org"
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match.group(1)) / 1024 if match else float("nan")


class Browser:
    """A member's session over HTTP(S): log in, then post the vote form."""

    def __init__(self, base: str, ssl_context: ssl.SSLContext | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=ssl_context),
        )

    def _csrf(self) -> str:
        # "csrftoken", or "__Host-csrftoken" with the production settings.
        return next(c.value or "" for c in self.jar if c.name.endswith("csrftoken"))

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self.opener.open(request, timeout=30).status

    def login(self, email: str) -> None:
        self.opener.open(self.base + "/accounts/login/", timeout=30).read()
        self.post("/accounts/login/", {"login": email, "password": PASSWORD})


def start(command: list[str], env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
    output = log.open("ab") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


async def floor_run(
    watchers: int, tls: tuple[str, str, ssl.SSLContext] | None = None, *, daphne: bool = False
) -> Result:
    """The bare broadcast; `tls`: (certificate, key, a client context trusting it) for wss://;
    `daphne`: the same broadcast served by daphne (tests.bench.floor_daphne), plain ws://."""
    port = free_port()
    command = [PYTHON, "-m", "tests.bench.floor", str(port), *(tls[:2] if tls else ())]
    if daphne:
        command = [PYTHON, "-m", "daphne", "-p", str(port), "tests.bench.floor_daphne:application"]
    server = start(command, dict(os.environ))
    context = tls[2] if tls else None
    try:
        wait_for_port(port)
        from websockets.asyncio.client import connect

        url = f"{'wss' if tls else 'ws'}://127.0.0.1:{port}/"
        async with connect(url, **tls_options(context)) as sender:

            async def trigger() -> None:
                await sender.send("tick")

            return await measure(
                url, watchers, trigger, lambda message: message == "tick", ssl_context=context
            )
    finally:
        stop(server)


async def platform_run(
    base: str,
    meeting: int,
    ballot: int,
    watchers: int,
    voter: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    screens: int = 0,
) -> Result:
    """`base` is http://host:port, or https:// through nginx (then wss://, with the
    certificate `ssl_context` trusts and the site's own origin). `screens`: that many room
    screens (the screen page's socket, audience `screen`) connected too, timed apart."""
    browser = Browser(base, ssl_context)
    await asyncio.to_thread(browser.login, voter)
    url = base.replace("http", "ws", 1) + f"/ws/meetings/{meeting}/"

    async def trigger() -> None:
        status = await asyncio.to_thread(
            browser.post,
            f"/seances/{meeting}/salle/?do=voter",
            {"ballot": str(ballot), "choice": "yes"},
        )
        if status != 200:  # urllib follows the redirect of post/redirect/get
            raise RuntimeError(f"vote refused: HTTP {status}")

    return await measure(
        url,
        watchers,
        trigger,
        # The count, whichever event brings it (a voter in the room sends room_votes_changed).
        lambda message: '"votes_cast":' in message,
        # The platform accepts a socket from its own origin only (council/origins.py).
        origin=Origin(base),
        ssl_context=ssl_context,
        others=[url + "?audience=screen&lang=fr"] * screens,
    )


def prepare(env: dict[str, str]) -> dict[str, int]:
    output = subprocess.run(
        [PYTHON, "-m", "tests.bench.setup_session"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def idle_memory(
    base: str,
    meeting: int,
    pids: list[int],
    connections: int,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> tuple[list[float], list[float], int]:
    """RSS of each server process before and while `connections` idle sockets are open
    (through nginx, spread over the processes), and how many of them were accepted."""
    from websockets.asyncio.client import ClientConnection, connect

    origin = Origin(base)

    async def hold() -> tuple[list[float], int]:
        url = base.replace("http", "ws", 1) + f"/ws/meetings/{meeting}/"
        sockets: list[ClientConnection] = []
        for offset in range(0, connections, 50):
            batch = range(offset, min(offset + 50, connections))
            results = await asyncio.gather(
                *(
                    connect(url, origin=origin, open_timeout=60, **tls_options(ssl_context))
                    for _ in batch
                ),
                return_exceptions=True,
            )
            sockets += [ws for ws in results if not isinstance(ws, BaseException)]
        await asyncio.sleep(2)
        used = [rss_mb(pid) for pid in pids]
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        return used, len(sockets)

    before = [rss_mb(pid) for pid in pids]
    used, held = asyncio.run(hold())
    return before, used, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--watchers", default="100,500,1000")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--layers", default="in-memory,Redis", help="which channel layers to measure"
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.watchers.split(",")]
    wanted = set(args.layers.split(","))

    layers: dict[str, dict[str, str]] = {"in-memory": {}}
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    if (
        shutil.which("redis-cli")
        and subprocess.run(["redis-cli", "-u", redis_url, "ping"], capture_output=True).returncode
        == 0
    ):
        layers["Redis"] = {"REDIS_URL": redis_url, "CHANNEL_PREFIX": "bench"}
    else:
        print("Redis not reachable: only the in-memory layer is measured.", file=sys.stderr)

    layers = {name: extra for name, extra in layers.items() if name in wanted}
    rows: list[tuple[str, int, Result, Result]] = []
    memory: dict[str, tuple[float, float, int]] = {}
    in_process: dict[str, Any] = {}
    voters = iter(VOTERS)
    page_lines: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="conseil-bench-"))
    for layer, extra in layers.items():
        env = {
            **os.environ,
            **extra,
            "SQLITE_PATH": str(workdir / f"{layer}.sqlite3"),
            "DEMO": "1",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        if "REDIS_URL" not in extra:
            env.pop("REDIS_URL", None)
        if "REDIS_URL" in extra:
            # A clean slate: no channel, group or cache entry left from an earlier run.
            subprocess.run(["redis-cli", "-u", extra["REDIS_URL"], "flushdb"], check=True)
        ids = prepare(env)
        port = free_port()
        server = start(
            [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "council.asgi:application"],
            env,
            Path(os.environ.get("BENCH_LOG_DIR", workdir)) / f"daphne-{layer}.log",
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_port(port)
            if not page_lines:
                page_lines = page_cache.report(page_cache.measure(base), layer)
            # One vote unmeasured first: the first request of a process pays for imports,
            # template compilation and connections, which a session pays once.
            asyncio.run(platform_run(base, ids["meeting"], ids["ballot"], 10, next(voters)))
            for size in sizes:
                floor = asyncio.run(floor_run(size))
                result = asyncio.run(
                    platform_run(base, ids["meeting"], ids["ballot"], size, next(voters))
                )
                if not result.connected:
                    raise SystemExit(f"{layer} N={size}: no socket was accepted (see the log)")
                rows.append((layer, size, result, floor))
                print(
                    f"{layer:9} N={size:5}: connected {result.connected} "
                    f"delivered {result.delivered_pct:5.1f} % "
                    f"p50 {result.p50_ms:7.1f} ms p95 {result.p95_ms:7.1f} ms | floor p95 "
                    f"{floor.p95_ms:6.1f} ms | ratio {result.p95_ms / floor.p95_ms:5.1f}× "
                    f"| lost {result.lost or '-'} floor lost {floor.lost or '-'}",
                    flush=True,
                )
            before, used, held = idle_memory(base, ids["meeting"], [server.pid], 1000)
            memory[layer] = (before[0], used[0], held)
        finally:
            stop(server)
        if not in_process:
            # After the fan-out: these rounds close its ballot and open others.
            in_process = vote_path(env)
    shutil.rmtree(workdir, ignore_errors=True)
    write_report(Path(args.output), rows, memory, in_process, page_lines)


def vote_path(env: dict[str, str]) -> dict[str, Any]:
    """The vote POST's server time and the public pages' renders, in process
    (tests.bench.vote_path), on the database the fan-out used."""
    output = subprocess.run(
        [PYTHON, "-m", "tests.bench.vote_path", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    vote = result["vote"]
    print(
        f"vote POST in process: p50 {vote['p50_ms']:.1f} ms p95 {vote['p95_ms']:.1f} ms, "
        f"{vote['queries']:.0f} queries",
        flush=True,
    )
    return result


GENERATED_SECTIONS = (
    "## Live room fan-out",
    "## Memory of one server process",
    "## The vote's path and the pages, in process",
    page_cache.SECTION,
)


def kept_sections(path: Path, generated: tuple[str, ...] = GENERATED_SECTIONS) -> list[str]:
    """The lines of the report's other sections (not `generated`), as they stand."""
    if not path.exists():
        return []
    kept: list[str] = []
    keep = False
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            keep = line.strip() not in generated
        if keep:
            kept.append(line)
    return [*kept, ""] if kept else []


def machine() -> str:
    """The cores, CPU model and Python a report was measured with."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def write_report(
    path: Path,
    rows: list[tuple[str, int, Result, Result]],
    memory: dict[str, tuple[float, float, int]],
    in_process: dict[str, Any] | None = None,
    page_lines: list[str] | None = None,
) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today().isoformat()} with `make bench` "
        "(`python -m tests.bench.run`) on "
        f"{machine()}, one daphne process, SQLite.",
        "",
        "## Live room fan-out",
        "",
        "N watchers of a meeting's public live page; one member casts a vote through the "
        "real HTTP form (login, CSRF, `check_cast_vote`, commit, fragments rendered once per "
        "audience and language read); time until each watcher has received the updated "
        "ballot fragment. The "
        "floor is a bare `websockets` broadcast server measured by the same load generator "
        "in the same run.",
        "",
        "| layer | N | delivered | p50 | p95 | floor p95 | p95 ÷ floor p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for layer, size, result, floor in rows:
        lines.append(
            f"| {layer} | {size} | {result.delivered_pct:.1f} % ({result.delivered}/{size}) "
            f"| {result.p50_ms:.0f} ms | {result.p95_ms:.0f} ms | {floor.p95_ms:.0f} ms "
            f"| {result.p95_ms / floor.p95_ms:.1f}× |"
        )
    lines += [
        "",
        "## Memory of one server process",
        "",
        "| layer | RSS idle | RSS holding idle sockets | sockets held |",
        "|---|---:|---:|---:|",
    ]
    for layer, (before, after, held) in memory.items():
        lines.append(f"| {layer} | {before:.0f} MB | {after:.0f} MB | {held} |")
    lines.append("")
    if in_process:
        vote = in_process["vote"]
        lines += [
            "## The vote's path and the pages, in process",
            "",
            "`python -m tests.bench.vote_path` on the same database, no network: a member's "
            "vote POST through the room's form (session, CSRF, `check_cast_vote` with its row "
            "lock, commit, every push rendered), and each public page type for an anonymous "
            "reader (median of 20).",
            "",
            "| request | queries | p50 | p95 |",
            "|---|---:|---:|---:|",
            f"| vote POST ({vote['votes']} votes) | {vote['queries']:.0f} "
            f"| {vote['p50_ms']:.1f} ms | {vote['p95_ms']:.1f} ms |",
        ]
        for row in in_process["pages"]:
            lines.append(f"| GET `{row['path']}` | {row['queries']} | {row['p50_ms']:.1f} ms | |")
        lines.append("")
    lines += page_lines or []
    # Sections this run does not measure (the commentary, other benchmarks) are kept.
    lines += kept_sections(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
