"""Screenshots of the room screen and the chair's cockpit at 1920×1080 and 1280×800 (issue 14).

Builds the demo in a fresh SQLite database, adds a meeting in session (ten members in the
room, one at home, an item with a recommendation and an amendment, a member speaking, two
waiting, an open roll-call ballot on the amendment with a 3-minute countdown and four votes
recorded), serves it with daphne as the browser tests do and takes, in Debian's Chromium
with JavaScript, the window as a person sees it (not the full page):

* room-screen-<width>.png: `/seances/<id>/ecran/` during the ballot;
* cockpit-ballot-<width>.png: the chair's console during the ballot;
* cockpit-close-<width>.png: the close confirmation, after six members in the room have
  left (the quorum is lost).

    python -m tests.bench.screenshots [--out docs/screenshots] [--demo-database FILE]

The PNGs are kept as Chromium writes them (each under 250 KB).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.bench.lighthouse import seed_demo
from tests.browser.chromium import CHROMIUM_ARGS, CHROMIUM_PATH

BASE_DIR = Path(__file__).resolve().parents[2]
SIZES = ((1920, 1080), (1280, 800))
# The demo's eleven members with a vote: the chair and nine in the room, one at home.
IN_ROOM = [f"membre{n}@example.org" for n in (1, 2, 3, 4, 5, 6, 8, 9, 11)]
LEAVING = IN_ROOM[3:]  # six leave once the ballot is open: 5 present of 11, the quorum lost
TIMEOUT_MS = 15_000


def open_session() -> int:
    """The demo council's meeting in session, as described above; its id."""
    from django.utils import timezone

    from council.models import Council, Membership, User
    from deliberation import actions, push, selectors
    from deliberation.models import Attendance, Ballot, SpeakerRequest, VoteChannel

    council = Council.objects.get(slug="numerique")
    secretariat = User.objects.get(email="secretariat@example.org")
    chair = User.objects.get(email="president@example.org")

    def seat(email: str) -> Membership:
        return _seat(council, email)

    with push.muted():
        meeting = actions.do_create_meeting(
            council,
            title="Séance du conseil",
            start=timezone.now() - datetime.timedelta(minutes=40),
            place="Salle du conseil, hôtel de ville",
            items=[
                ("Approbation du procès-verbal", "minutes_approval"),
                ("Guichets et lignes téléphoniques", "decision"),
                ("Horaires d’été de l’EPN", "decision"),
                ("Divers", "information"),
            ],
            acting_user=secretariat,
        )
        for email in ["president@example.org", *IN_ROOM]:
            actions.do_set_attendance(
                meeting, seat(email), Attendance.Status.ROOM, acting_user=secretariat
            )
        actions.do_set_attendance(
            meeting, seat("membre10@example.org"), Attendance.Status.REMOTE, acting_user=secretariat
        )
        actions.do_open_meeting(meeting, acting_user=chair)
        first = meeting.agenda_items.get(number=1)
        actions.do_open_item(first, acting_user=chair)
        actions.do_close_item(first, acting_user=chair)
        item = meeting.agenda_items.get(number=2)
        actions.do_open_item(item, acting_user=chair)
        proposal = actions.do_create_proposal(
            item,
            title="Recommandation sur les guichets",
            paragraphs=[
                "Le conseil recommande de maintenir les guichets physiques dans chaque commune.",
                "Les lignes téléphoniques restent ouvertes du lundi au vendredi, de 8 à 18 heures.",
                "Un bilan est présenté chaque année au conseil, avec les chiffres de "
                "fréquentation.",
            ],
            acting_user=User.objects.get(email="membre2@example.org"),
        )
        amendment = actions.check_propose_amendment(
            proposal,
            base_version_id=selectors.latest_version(proposal).pk,
            operations=[
                {
                    "op": "replace",
                    "paragraph": 2,
                    "text": "Les lignes téléphoniques restent ouvertes du lundi au samedi midi.",
                }
            ],
            justification="Un service le samedi pour qui travaille.",
            acting_user=User.objects.get(email="membre3@example.org"),
        )
        speaking = actions.do_add_speaker(item, seat("membre4@example.org"), acting_user=chair)
        actions.do_add_speaker(item, seat("membre6@example.org"), acting_user=chair)
        actions.do_add_speaker(
            item,
            seat("membre3@example.org"),
            kind=SpeakerRequest.Kind.REPLY,
            acting_user=chair,
        )
        actions.do_give_floor(speaking, acting_user=chair)
        ballot = actions.do_open_ballot(
            item,
            subject=Ballot.Subject.AMENDMENT,
            amendment=amendment,
            question="Adopter l’amendement 1 : le samedi midi ?",
            duration=180,
            acting_user=chair,
        )
        actions.do_cast_vote(
            ballot.pk,
            "yes",
            acting_user=User.objects.get(email="membre10@example.org"),
        )
        for email, choice in zip(IN_ROOM[:3], ["yes", "yes", "no"], strict=True):
            actions.do_cast_vote(
                ballot.pk,
                choice,
                voter_id=seat(email).pk,
                channel=VoteChannel.ROOM_ROLL_CALL,
                acting_user=secretariat,
            )
    return int(meeting.pk)


def _seat(council: Any, email: str) -> Any:
    """The person's seat (the demo's elections may have left a second, current membership)."""
    from council.models import SEATED_ROLES, Membership

    seats = Membership.objects.current().filter(
        council=council, user__email=email, role__in=SEATED_ROLES
    )
    return min(seats, key=lambda m: SEATED_ROLES.index(m.role))


def lose_quorum(meeting_id: int) -> None:
    from council.models import User
    from deliberation import actions, push
    from deliberation.models import Attendance, Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    secretariat = User.objects.get(email="secretariat@example.org")
    with push.muted():
        for email in LEAVING:
            actions.do_set_attendance(
                meeting,
                _seat(meeting.council, email),
                Attendance.Status.ABSENT,
                acting_user=secretariat,
            )


def _connected(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-live-connected=true]")).to_have_count(1, timeout=TIMEOUT_MS)
    page.wait_for_timeout(1_500)  # the clocks tick once at least


def shoot(base_url: str, meeting_id: int, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import open_context, sign_in

    taken: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        screen = open_context(browser, base_url=base_url).new_page()
        chair = open_context(browser, base_url=base_url).new_page()
        sign_in(chair, "president@example.org")
        for width, height in SIZES:
            for page, path in (
                (screen, f"/seances/{meeting_id}/ecran/"),
                (chair, f"/seances/{meeting_id}/presidence/"),
            ):
                page.set_viewport_size({"width": width, "height": height})
                page.goto(path)
                _connected(page)
            for page, name in ((screen, "room-screen"), (chair, "cockpit-ballot")):
                taken.append(out / f"{name}-{width}.png")
                page.screenshot(path=taken[-1])
        # Playwright's loop runs in this thread, where Django refuses the ORM.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(lose_quorum, meeting_id).result()
        for width, height in SIZES:
            chair.set_viewport_size({"width": width, "height": height})
            chair.goto(f"/seances/{meeting_id}/presidence/")
            with chair.expect_navigation():
                chair.get_by_role("link", name="Clore le scrutin").first.click()
            chair.locator("#cloture").wait_for()
            taken.append(out / f"cockpit-close-{width}.png")
            chair.screenshot(path=taken[-1])
        browser.close()
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BASE_DIR / "docs" / "screenshots")
    parser.add_argument(
        "--demo-database", type=Path, help="a copy of this SQLite demo instead of a fresh one"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="conseil-screenshots-"))
    server = None
    try:
        database = workdir / "db.sqlite3"
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        if args.demo_database:
            shutil.copyfile(args.demo_database, database)
        else:
            seed_demo(database)
        os.environ.update(SQLITE_PATH=str(database), DEMO="1")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
        import django

        django.setup()
        meeting_id = open_session()
        from tests.browser.server import start_daphne

        server = start_daphne(workdir / "server", DEMO="1")
        for path in shoot(server.url, meeting_id, args.out):
            print(f"{path.name}: {path.stat().st_size / 1000:.0f} KB")
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
