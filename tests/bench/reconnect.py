"""`make bench`, production topology: how long after a restart of both daphne processes the
open pages are connected again and resynced (issue 14: "resync within 5 s of the server's
return").

    python -m tests.prod.topology run -- python -m tests.bench.reconnect

A meeting's public live page and its room screen are open in Chromium through nginx; both
processes are stopped (SIGTERM) and the supervisor starts them again, as a `systemctl
restart` would; `--restarts` times. See tests/prod/restart.py for what is measured.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
from pathlib import Path

from tests.bench.prod import replace_sections, versions
from tests.bench.run import ROOT, machine
from tests.browser.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.prod.restart import Return, open_live_page, restart_and_watch
from tests.prod.topology import Running

SECTION = "## Production topology: reconnect after a restart"
TARGET_SECONDS = 5  # issue 14


def report(returns: list[Return], failures: list[str], software: str) -> list[str]:
    today = datetime.date.today().isoformat()
    names = ["live page", "room screen"]
    worst = [r.worst_resync_s for r in returns] or [float("nan")]
    lines = [
        SECTION,
        "",
        f"Measured {today} with `make bench` (`python -m tests.prod.topology run -- python -m "
        f"tests.bench.reconnect`) on {machine()}; nginx with TLS and HTTP/2 in front of two "
        f"daphne processes, production settings; {software}.",
        "",
        "A meeting in session; its public live page and its room screen open in Chromium "
        "through nginx. Both daphne processes are stopped (SIGTERM) and started again by the "
        "supervisor two seconds later (systemd's `Restart=always`, `RestartSec=2`), then "
        "import Django before listening. Times are counted from the moment the first process "
        "accepts connections again: *reconnected* when the page's socket is open again (its "
        "resync request starts), *resynced* when that request's answer, the page's fragments "
        "as they now stand, has arrived (Chromium's own timestamps). The pages retry with a "
        "backoff capped at 3 s with jitter (static/js/live.js).",
        "",
        f"**Median over {len(returns)} restarts of the later page's resync: "
        f"{statistics.median(worst):.1f} s** after the servers' return (target: within "
        f"{TARGET_SECONDS} s); worst {max(worst):.1f} s. A resync whose answer was not 200 "
        "is marked in bold: the page is connected again but shows what it showed before the "
        "restart until the next push.",
        "",
        "| restart | processes away | "
        + " | ".join(f"{name}: reconnected / resynced (sockets tried)" for name in names)
        + " |",
        "|---:|---:|" + "---:|" * len(names),
    ]
    for index, back in enumerate(returns, 1):
        cells = [
            f"{back.reconnect_s(name):.1f} s / {back.resync_s(name):.1f} s"
            + ("" if back.resync_status(name) == 200 else f" **{back.resync_status(name)}**")
            + f" ({back.pages[name][3]})"
            for name in names
        ]
        lines.append(f"| {index} | {back.down_s:.1f} s | " + " | ".join(cells) + " |")
    for failure in failures:
        lines.append(f"| {len(returns) + 1} | not back in time: {failure} |" + " |" * len(names))
    return [*lines, ""]


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    prod = Running.from_environment()
    if prod is None:
        sys.exit("Run under the topology: python -m tests.prod.topology run -- " + __spec__.name)
    code = (
        "import json\nfrom tests.bench.setup_session import open_session\n"
        "print(json.dumps(open_session(title='Séance de mesure : redémarrage', "
        "question='Redémarrer sans perdre le fil ?')))"
    )
    meeting = json.loads(prod.python(code).strip().splitlines()[-1])["meeting"]
    returns: list[Return] = []
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(ignore_https_errors=True, locale="fr-BE")
            context.set_default_timeout(30_000)
            pages = [
                open_live_page(context, prod, "live page", f"/seances/{meeting}/direct/"),
                open_live_page(context, prod, "room screen", f"/seances/{meeting}/ecran/"),
            ]
            for index in range(args.restarts):
                try:
                    back = restart_and_watch(prod, pages)
                except AssertionError as error:
                    # Not back in time: reported as such; the pages' state is unknown after.
                    failures.append(str(error))
                    print(f"restart {index + 1}: {error}", flush=True)
                    break
                returns.append(back)
                print(f"restart {index + 1}: {back.summary()}", flush=True)
        finally:
            browser.close()
    worst = [r.worst_resync_s for r in returns] or [float("nan")]
    print(
        f"reconnect after a restart: median {statistics.median(worst):.1f} s, worst "
        f"{max(worst):.1f} s from the servers' return to the later page's resync "
        f"(target {TARGET_SECONDS} s); not back in time: {len(failures)}",
        flush=True,
    )
    section = report(returns, failures, versions(prod.state["database_url"]))
    replace_sections(Path(args.output), {SECTION: section})
    print("\n".join(section))


if __name__ == "__main__":
    main()
