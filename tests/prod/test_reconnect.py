"""A restart of both processes under open pages (issue 14, "Reconnect"): the public live page
and the room's screen reconnect by themselves and resync, showing a vote recorded while no
process was running. The seconds are printed (`make bench` reports them); the assertions
are about state, with a generous timeout, never a timing.
"""

from __future__ import annotations

import subprocess
import time

from tests.browser.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.prod.client import login
from tests.prod.restart import RETURN_TIMEOUT, daphne_pids, open_live_page, restart_and_watch
from tests.prod.test_faults import MEMBERS, open_session, vote, wait_all_serving
from tests.prod.topology import PYTHON, ROOT, Running

# A member's vote, recorded straight in the database: this process has Django loaded
# before the restart and casts the vote on a line from stdin, while no daphne runs.
VOTER_CODE = """
import sys
import django
django.setup()
from council.models import User
from deliberation import actions
user = User.objects.get(email=sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
actions.do_cast_vote(int(sys.argv[2]), "no", acting_user=user)
print("voted", flush=True)
"""


def shows_votes(live, votes: int) -> bool:
    """Exactly `votes` in the page's tally: the live page's "3 votes exprimés", the screen's
    "3 / 10" ("12 votes" must not pass for "2 votes")."""
    return bool(
        live.page.evaluate(
            r"""n => [...document.querySelectorAll('.votes-cast, .screen-turnout strong')]
                .some(e => e.textContent.trim().split(/\s/)[0] === String(n))""",
            votes,
        )
    )


def test_pages_reconnect_and_resync_after_both_processes_restart(prod: Running) -> None:
    from playwright.sync_api import sync_playwright

    wait_all_serving(prod)
    meeting, ballot = open_session(prod, "Redémarrage des processus pendant une séance")
    for email in MEMBERS[:2]:
        assert vote(login(prod, email), meeting, ballot, "yes") == "recorded"

    voter = subprocess.Popen(
        [PYTHON, "-c", VOTER_CODE, MEMBERS[2], str(ballot)],
        cwd=ROOT,
        env=prod.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert voter.stdout is not None and voter.stdin is not None
        assert voter.stdout.readline().strip() == "ready"
        ports = sorted(daphne_pids(prod))

        def vote_while_down() -> None:
            assert voter.stdin is not None and voter.stdout is not None
            voter.stdin.write("go\n")
            voter.stdin.flush()
            assert voter.stdout.readline().strip() == "voted"
            # Recorded while no process ran: the supervisor waits two seconds, and a
            # process imports for longer than that before it listens.
            down = [port for port in ports if subprocess.call(
                ["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"],
                stderr=subprocess.DEVNULL,
            ) != 0]  # fmt: skip
            assert down == ports, f"a process was back before the vote was recorded: {ports}"

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(ignore_https_errors=True, locale="fr-BE")
                context.set_default_timeout(30_000)
                pages = [
                    open_live_page(context, prod, "live page", f"/seances/{meeting}/direct/"),
                    open_live_page(context, prod, "room screen", f"/seances/{meeting}/ecran/"),
                ]
                for live in pages:
                    assert shows_votes(live, 2), f"{live.name} does not show the 2 votes"
                back = restart_and_watch(prod, pages, while_down=vote_while_down)
                # Each page is connected again, through a new socket, and shows the vote
                # recorded during the outage, which no push announced: the resync brought it.
                print(f"\nrestart: processes down {back.down_s:.1f} s; {back.summary()}")
                for live in pages:
                    assert live.connected(), live.name
                    assert back.pages[live.name][3] >= 1, f"{live.name} opened no new socket"
                    # The vote recorded while no process ran, which no push announced: the
                    # resync brings it (tried again each second if the first one failed).
                    deadline = time.monotonic() + 30
                    while not shows_votes(live, 3):
                        assert time.monotonic() < deadline, f"{live.name} misses the 3rd vote"
                        live.page.wait_for_timeout(200)
                # And pushes reach them again, whichever process holds their socket: a vote
                # (through nginx, a 503 tried again) shows without any reload.
                assert vote(login(prod, MEMBERS[3]), meeting, ballot, "abstain") == "recorded"
                for live in pages:
                    deadline = time.monotonic() + RETURN_TIMEOUT
                    while not shows_votes(live, 4):
                        assert time.monotonic() < deadline, f"{live.name} misses the 4th vote"
                        live.page.wait_for_timeout(200)
            finally:
                browser.close()
    finally:
        voter.kill()
        voter.wait(timeout=10)
