"""The vote's own path, in process: the server time of a member's vote POST (session,
CSRF, `check_cast_vote` with its row lock, commit, and the pushes rendered after it) on
the demo with SQLite and the in-memory channel layer, no network.

`python -m tests.bench.vote_path [--rounds 4] [--profile out.prof]`: each round opens a
ballot, every voting member posts a vote through the room's form, the ballot closes.
Prints the median and p95 of the POSTs and the queries per vote, then the same for the
public pages rendered in process (`--json`: one JSON line for tests.bench.run). Run with
the benchmark's environment (SQLITE_PATH of a prepared database: tests.bench.setup_session)."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from typing import Any

import django


def measure(rounds: int, profile: str = "") -> dict[str, Any]:
    import cProfile

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from council.models import User
    from deliberation import actions
    from deliberation.models import Ballot, Meeting
    from deliberation.selectors import presence
    from tests.conftest import mark_second_factor_passed

    meeting = Meeting.objects.filter(state=Meeting.State.IN_SESSION).latest("pk")
    item = meeting.agenda_items.get()
    secretariat = User.objects.get(email="secretariat@example.org")
    voters = [s.voter.user for s in presence(meeting).seats if s.proxy_for is None]
    clients = []
    for user in voters:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        session = client.session
        mark_second_factor_passed(session, user)
        session.save()
        client.get(f"/seances/{meeting.pk}/salle/")  # the CSRF cookie, as a browser has
        clients.append(client)
    times: list[float] = []
    queries: list[int] = []
    profiler = cProfile.Profile() if profile else None
    # Round 0 warms the process up; the last one counts the queries, untimed (capturing
    # them quotes each statement's parameters with one more query on SQLite).
    last = rounds + 1
    for number in range(last + 1):
        ballot = Ballot.objects.filter(agenda_item=item, state=Ballot.State.OPEN).first()
        if ballot is not None:
            actions.do_close_ballot(ballot.pk, acting_user=secretariat)
        ballot = actions.do_open_ballot(
            item,
            subject=Ballot.Subject.PROCEDURAL,
            question=f"Question {number}",
            acting_user=secretariat,
        )
        for client in clients:
            token = client.cookies["csrftoken"].value
            data = {"ballot": str(ballot.pk), "choice": "yes", "csrfmiddlewaretoken": token}
            path = f"/seances/{meeting.pk}/salle/?do=voter"
            if number == last:
                with CaptureQueriesContext(connection) as context:
                    response = client.post(path, data)
                queries.append(len(context.captured_queries))
            else:
                if profiler and number:
                    profiler.enable()
                start = time.perf_counter()
                response = client.post(path, data)
                elapsed = (time.perf_counter() - start) * 1000
                if profiler:
                    profiler.disable()
                if number:
                    times.append(elapsed)
            assert response.status_code == 302, response.status_code
    if profiler:
        profiler.dump_stats(profile)
    times.sort()
    return {
        "votes": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "queries": statistics.median(queries),
    }


PAGE_REPEAT = 20


def page_renders() -> list[dict[str, Any]]:
    """Median server time and queries of each public page type, in process, anonymous,
    rendered each time (the page cache is off here: tests.bench.page_cache measures it)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.models import MeetingPage

    settings.PAGE_CACHE = False
    client = Client()
    meeting = MeetingPage.objects.live().filter(locale__language_code="fr").first()
    archive = client.get("/decisions/").content.decode()
    decision = re.findall(r'href="(/decisions/[^/"]+/\d+/\d+/)"', archive)[0]
    paths = ["/", "/nl/", "/en/", meeting.url if meeting else "/seances/", "/decisions/", decision]
    rows = []
    for path in paths:
        assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as context:
            client.get(path)
            count = len(context.captured_queries)
        times = []
        for _ in range(PAGE_REPEAT):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        rows.append({"path": path, "queries": count, "p50_ms": statistics.median(times)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    django.setup()
    result = measure(args.rounds, args.profile)
    pages = page_renders()
    if args.json:
        print(json.dumps({"vote": result, "pages": pages}))
        return
    for row in pages:
        print(f"{row['path']}: {row['queries']} queries, p50 {row['p50_ms']:.1f} ms")
    print(
        f"vote POST: {result['votes']} votes, p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, {result['queries']:.0f} queries per vote"
    )


if __name__ == "__main__":
    main()
