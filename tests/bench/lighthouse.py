"""`make bench`, search-engine part: Lighthouse 12's SEO audit on each public page type.

Builds the demo in a fresh SQLite database, serves it with daphne (as the browser tests
do), runs `npx lighthouse@12 --only-categories=seo` in Debian's Chromium on one page of each
type and prints the score with the audits that failed. Exits 1 if a page scores below
--min-score. Needs node and npm (npx fetches Lighthouse once) and /usr/bin/chromium.

    python -m tests.bench.lighthouse [--min-score 95] [--base-url http://127.0.0.1:8000]

With --base-url it audits a server already running the demo (`make run`) instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
LIGHTHOUSE = "lighthouse@12"
CHROME_FLAGS = "--headless=new --no-sandbox"


def seed_demo(database: Path) -> None:
    env = {**os.environ, "SQLITE_PATH": str(database), "DEMO": "1"}
    env.pop("DATABASE_URL", None)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def page_types() -> dict[str, str]:
    """One address for each public page type of the demo (Django must be set up)."""
    from cms.archive import views as archive
    from cms.models import MeetingPage, NewsPage, RecommendationPage
    from deliberation.models import Meeting
    from deliberation.selectors.consultations import public_consultations

    meeting_page = MeetingPage.objects.live().order_by("-meeting__start").first()
    live = Meeting.objects.filter(state=Meeting.State.IN_SESSION).first() or meeting_page.meeting
    consultation = public_consultations()[0]
    english = MeetingPage.objects.live().filter(locale__language_code="en")
    return {
        "home": "/",
        "meeting page": meeting_page.url,
        "recommendation": RecommendationPage.objects.live().first().url,
        "news": NewsPage.objects.live().first().url,
        "decisions": "/decisions/",
        "decision": archive.decision_url(archive.public_decisions()[0]),
        "consultation": f"/consultations/{consultation.pk}/",
        "live page": f"/seances/{live.pk}/direct/",
        "home in English": "/en/",
        "home in Dutch": "/nl/",
        "recommendation in English": RecommendationPage.objects.live()
        .filter(locale__language_code="en")
        .first()
        .url,
        # A page nobody translated: it says so, in French under the English interface.
        "meeting page not translated": english.filter(alias_of__isnull=False).first().url,
    }


def lighthouse(url: str) -> tuple[int, list[str]]:
    """The SEO score (0–100) and the titles of the audits that did not pass."""
    result = subprocess.run(
        [
            "npx", "-y", LIGHTHOUSE, url,
            "--only-categories=seo", f"--chrome-flags={CHROME_FLAGS}",
            "--output=json", "--output-path=stdout", "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout)
    category = report["categories"]["seo"]
    failed = []
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
            failed.append(f"{ref['id']}: {audit['title']}")
    return round(category["score"] * 100), failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-score", type=int, default=95)
    parser.add_argument("--base-url", help="audit this running demo instead of starting one")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="conseil-lighthouse-"))
    server = None
    try:
        if not args.base_url:
            database = workdir / "db.sqlite3"
            seed_demo(database)
            os.environ["SQLITE_PATH"] = str(database)
            os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
        import django

        django.setup()
        paths = page_types()
        if args.base_url:
            base_url = args.base_url.rstrip("/")
        else:
            from tests.browser.server import start_daphne

            server = start_daphne(workdir / "server", DEMO="1")
            base_url = server.url
        below = []
        print(f"Lighthouse 12 SEO, {base_url}")
        for name, path in paths.items():
            score, failed = lighthouse(base_url + path)
            print(f"  {name:<28} {score:>3}  {path}")
            for audit in failed:
                print(f"      failed: {audit}")
            if score < args.min_score:
                below.append(name)
        if below:
            print(f"Below {args.min_score}: {', '.join(below)}")
            return 1
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
