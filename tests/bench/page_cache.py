"""`make bench`: the public pages' throughput on one daphne, against /robots.txt.

Each page is loaded with `wrk -t2 -c16 -d8s` twice in the same run: as an anonymous reader
(served from cms.page_cache once the first two reads have learned and stored it), and with
a session cookie (the cache stands aside: every request renders, as before the cache).
/robots.txt, a static template, is the baseline of the same process.
"""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
import urllib.request

SECTION = "## Public pages from the cache"
WRK = ["wrk", "-t2", "-c16", "-d8s"]
# A cookie the cache treats as a logged-in reader's: the page renders every time.
UNCACHED = ["-H", "Cookie: sessionid=bench-uncached"]
PAGES = [
    "/",
    "/nl/",
    "/en/",
    "/seances/",
    "/recommandations/",
    "/actualites/",
    "/decisions/",
    "/suivi-des-recommandations/",
    "/suivi/",
    "/consultations/",
]


def _first_link(
    base: str, path: str, pattern: str, context: ssl.SSLContext | None = None
) -> str | None:
    with urllib.request.urlopen(base + path, context=context) as response:
        page = response.read().decode()
    match = re.search(pattern, page)
    return match.group(1) if match else None


def pages(base: str, context: ssl.SSLContext | None = None) -> list[str]:
    """The page types: the list above, a meeting page, a decision and a consultation.
    `context`: for an https:// `base` (the production topology's certificate)."""
    found = list(PAGES)
    for path, pattern in (
        ("/seances/", r'href="(/seances/\d{4}-[^"/]+/)"'),
        ("/decisions/", r'href="(/decisions/[^"/]+/\d+/\d+/)"'),
        ("/consultations/", r'href="(/consultations/\d+/)"'),
    ):
        link = _first_link(base, path, pattern, context)
        if link:
            found.append(link)
    return found


def requests_per_second(base: str, path: str, *extra: str) -> float:
    output = subprocess.run(
        [*WRK, *extra, base + path], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        return float("nan")
    return float(match.group(1)) if match else float("nan")


def measure(base: str) -> list[tuple[str, float, float]]:
    """(path, req/s uncached, req/s cached) with ("/robots.txt", floor, floor) first."""
    if not shutil.which("wrk"):
        print("wrk not found: the page cache is not measured.")
        return []
    floor = requests_per_second(base, "/robots.txt")
    rows = [("/robots.txt", floor, floor)]
    for path in pages(base):
        for _warm in range(2):
            urllib.request.urlopen(base + path).read()
        uncached = requests_per_second(base, path, *UNCACHED)
        cached = requests_per_second(base, path)
        rows.append((path, uncached, cached))
        print(
            f"{path:60} uncached {uncached:7.1f} req/s  cached {cached:7.1f} req/s "
            f"({cached / floor:5.0%} of /robots.txt)",
            flush=True,
        )
    return rows


def report(rows: list[tuple[str, float, float]], layer: str) -> list[str]:
    if not rows:
        return []
    floor = rows[0][1]
    lines = [
        SECTION,
        "",
        f"One daphne ({layer} layer and cache, SQLite, the demo), `wrk -t2 -c16 -d8s` per "
        "page, all in the same run. *Uncached*: the same page with a session cookie, so "
        "every request renders (what every reader got before the cache). *Cached*: an "
        "anonymous reader, served by `cms.page_cache`. The target is ≥ 50 % of "
        "`/robots.txt`.",
        "",
        "| page | uncached | % of robots | cached | % of robots |",
        "|---|---:|---:|---:|---:|",
    ]
    for path, uncached, cached in rows:
        lines.append(
            f"| `{path}` | {uncached:.0f} req/s | {uncached / floor:.0%} "
            f"| {cached:.0f} req/s | {cached / floor:.0%} |"
        )
    return [*lines, ""]
