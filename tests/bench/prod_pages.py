"""The production topology's page throughput (part of tests.bench.prod): every public page
type tests.bench.page_cache lists, loaded with wrk over HTTPS through nginx, uncached and
cached in the same run, each against /robots.txt's throughput of that run.

- Uncached: wrk sends a cookie the page cache does not know (page_cache.UNCACHED), so
  every request renders, as every request did before cms.page_cache.
- Cached: an anonymous reader; two GETs first, so that cms.page_cache has learned the
  page's groups and stored it (in Redis, as production settings have it).
"""

from __future__ import annotations

import http.client
import re
import subprocess
from dataclasses import dataclass

from tests.bench import page_cache
from tests.prod.topology import Running

WRK_ARGS = ["-t2", "-c32", "-d10s"]
TRIVIAL = "/robots.txt"
WARM_UP_GETS = 2


def get(topology: Running, path: str) -> tuple[int, str]:
    """One GET through nginx, redirects not followed, with no header but Host (as wrk
    sends it): the page cache's key, which varies on Accept-Encoding, is wrk's."""
    port = int(topology.url.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=topology.ssl, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


@dataclass
class Wrk:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses and socket errors
    seconds: float

    @property
    def ok_per_s(self) -> float:
        """Answers that were not errors, per second."""
        return (self.requests - self.errors) / self.seconds


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, *extra: str) -> Wrk:
    """`extra`: more wrk arguments, e.g. page_cache.UNCACHED's header."""
    output = subprocess.run(
        ["wrk", *WRK_ARGS, *extra, "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output)
    if not latency.keys() >= {"50", "99"} or done is None:
        raise RuntimeError(f"wrk's output is not understood:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    socket_errors = sum(int(n) for n in re.findall(r"\d+", sockets.group(1))) if sockets else 0
    return Wrk(
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(done.group(1)),
        errors=(int(non_2xx.group(1)) if non_2xx else 0) + socket_errors,
        seconds=_ms(done.group(2) + done.group(3)) / 1000,
    )


def bench_pages(topology: Running) -> list[str]:
    """page_cache's page types, found through nginx, each checked to answer 200 first."""
    paths = page_cache.pages(topology.url, topology.ssl)
    for path in [TRIVIAL, *paths]:
        status, _ = get(topology, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}, not 200")
    return paths


# (path, uncached, cached); /robots.txt first, measured once, in both columns.
Rows = list[tuple[str, Wrk, Wrk]]


def measure(topology: Running, paths: list[str]) -> Rows:
    trivial = wrk(topology.url + TRIVIAL)
    print(f"{TRIVIAL:60} {trivial.ok_per_s:7.1f} req/s errors {trivial.errors}", flush=True)
    rows = [(TRIVIAL, trivial, trivial)]
    for path in paths:
        uncached = wrk(topology.url + path, *page_cache.UNCACHED)
        for _warm in range(WARM_UP_GETS):
            get(topology, path)
        cached = wrk(topology.url + path)
        rows.append((path, uncached, cached))
        print(
            f"{path:60} uncached {uncached.ok_per_s:7.1f} req/s "
            f"({uncached.ok_per_s / trivial.ok_per_s:4.2f}, errors {uncached.errors}) "
            f"cached {cached.ok_per_s:7.1f} req/s "
            f"({cached.ok_per_s / trivial.ok_per_s:4.2f}, errors {cached.errors})",
            flush=True,
        )
    return rows


def section(title: str, measured: str, rows: Rows) -> list[str]:
    """The report's section: one line per page, the ratios to /robots.txt's first line."""
    trivial = rows[0][1].ok_per_s
    lines = [
        title,
        "",
        measured,
        "",
        f"`wrk {' '.join(WRK_ARGS)} --latency https://127.0.0.1:<port><path>`, one load "
        "after the other, every public page type (tests/bench/page_cache.py's list, a "
        "meeting, a decision and a consultation found through their indexes); each page "
        "answered 200 before it was loaded. *Uncached*: with the header "
        f"`{page_cache.UNCACHED[1]}`, a cookie `cms.page_cache` does not know, so every "
        "request renders (what every reader got before the cache). *Cached*: an anonymous "
        f"reader after {WARM_UP_GETS} GETs, served by `cms.page_cache` from Redis. req/s "
        "counts the answers that were not errors (non-2xx/3xx, socket errors; their number "
        "in brackets); ÷ robots is the ratio to /robots.txt's req/s in the same run "
        "(a template rendered by a Django view through the whole middleware stack).",
        "",
        "| page | uncached req/s | p99 | ÷ robots | cached req/s | p99 | ÷ robots |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for path, uncached, cached in rows:
        cells = [
            f"{load.ok_per_s:.1f}{f' ({load.errors} errors)' if load.errors else ''} "
            f"| {load.p99_ms:.0f} ms | {load.ok_per_s / trivial:.2f}"
            for load in (uncached, cached)
        ]
        lines.append(f"| `{path}` | {cells[0]} | {cells[1]} |")
    return [*lines, ""]
