"""`make bench`, archive part: search over 50,000 decisions on PostgreSQL.

Seeds (once; later runs reuse it) a benchmark database with the demo and enough past
meetings to hold DECISIONS decisions, chained like real ones, then requests the public
archive in process (Django's test client: the whole middleware stack, no network) with
full-text searches, filters and sorts. Reports the server time per request (p50, p95, max)
and the query count of each request; nothing is asserted here (tests assert the counts).

    ARCHIVE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseil_archive_bench \\
        python -m tests.bench.archive [--decisions 50000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
import urllib.parse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/conseil_archive_bench"
PER_MEETING = 50
WORDS = [
    "guichets",
    "téléphone",
    "bibliothèque",
    "formulaire",
    "courrier",
    "maisons multiservices",
    "accessibilité",
    "horaires",
    "aidants numériques",
    "village",
    "budget",
    "formation",
    "seniors",
    "jeunes",
    "école",
    "mobilité",
    "santé",
    "logement",
    "environnement",
    "culture",
]
SEARCHES = [
    "guichets",
    "téléphone horaires",
    "maisons multiservices",
    '"aidants numériques"',
    "bibliothèque -budget",
    "écoles",
    "introuvablexyz",
]


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def seed(target: int) -> int:
    """Past meetings, items, closed ballots and their chained decisions up to `target`."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from council.models import Council, User
    from deliberation import chain
    from deliberation.models import AgendaItem, Ballot, Decision, Meeting

    call_command("migrate", verbosity=0)
    if not Council.objects.filter(slug="numerique").exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    existing = Decision.objects.count()
    if existing >= target:
        finish()
        return existing
    council = Council.objects.get(slug="numerique")
    chair = User.objects.get(email="president@example.org")
    start = timezone.now() - datetime.timedelta(days=3650)
    position, previous = chain.head()
    numbers: dict[int, int] = {}
    for year, number in Decision.objects.filter(council=council).values_list("year", "number"):
        numbers[year] = max(numbers.get(year, 0), number)
    made = existing
    batch = 0
    while made < target:
        with transaction.atomic():
            chain.lock_chain()
            n = min(PER_MEETING, target - made)
            when = start + datetime.timedelta(hours=batch * 2)
            meeting = Meeting.objects.create(
                council=council,
                title=f"Séance de mesure {batch + 1} — {WORDS[batch % len(WORDS)]}",
                start=when,
                state=Meeting.State.CLOSED,
            )
            items = AgendaItem.objects.bulk_create(
                AgendaItem(
                    meeting=meeting,
                    sort_order=i,
                    title=f"Point {i + 1} : {WORDS[(batch + i) % len(WORDS)]} et "
                    f"{WORDS[(batch * 7 + i) % len(WORDS)]}",
                    kind=AgendaItem.Kind.DECISION,
                    state=AgendaItem.State.CLOSED,
                    is_public=(i % 10 != 9),
                )
                for i in range(n)
            )
            ballots = Ballot.objects.bulk_create(
                Ballot(
                    agenda_item=item,
                    subject=Ballot.Subject.PROCEDURAL,
                    question="Recommander au collège d'agir sur "
                    f"{WORDS[(batch + i * 3) % len(WORDS)]} ({batch}-{i}) ?",
                    state=Ballot.State.CLOSED,
                    opened_at=when,
                    closed_at=when,
                    closed_by=chair,
                )
                for i, item in enumerate(items)
            )
            decisions = []
            for i, (item, ballot) in enumerate(zip(items, ballots, strict=True)):
                closed = when + datetime.timedelta(minutes=i)
                year = chain.decision_year(closed)
                numbers[year] = numbers.get(year, 0) + 1
                position += 1
                yes = 6 + (i % 5)
                decision = Decision(
                    council=council,
                    ballot=ballot,
                    meeting=meeting,
                    agenda_item=item,
                    outcome=Decision.Outcome.ADOPTED if yes > 7 else Decision.Outcome.REJECTED,
                    subject=ballot.subject,
                    question=ballot.question,
                    secrecy=Ballot.Secrecy.OPEN,
                    rule=Ballot.Rule.SIMPLE,
                    tally={"total": {"yes": yes, "no": 7, "abstain": 1}, "voters": 14},
                    quorum={
                        "members_with_vote": 12,
                        "present": 10,
                        "required": 7,
                        "reached": True,
                        "second_convocation": False,
                    },
                    named_votes=[],
                    text_voted={"kind": "procedural", "question": ballot.question},
                    amendments_applied=[],
                    opened_at=closed,
                    closed_at=closed,
                    closed_by=chair,
                    year=year,
                    number=numbers[year],
                    position=position,
                    previous_hash=previous,
                )
                decision.hash = chain.compute_hash(decision)
                previous = decision.hash
                decisions.append(decision)
            Decision.objects.bulk_create(decisions)
        made += n
        batch += 1
        if batch % 100 == 0:
            print(f"  {made} decisions", file=sys.stderr)
    finish()
    return made


def finish() -> None:
    """Index what bulk_create wrote (no signal ran), then refresh the planner's statistics."""
    from django.db import connection

    from cms.archive import search_index

    search_index.index_decisions()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(repeat: int) -> list[tuple[str, list[float], int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    urls = [f"/decisions/?{urllib.parse.urlencode({'q': q})}" for q in SEARCHES]
    urls += [
        "/decisions/",
        "/decisions/?outcome=adopted&sort=oldest",
        "/decisions/?q=guichets&outcome=rejected&page=3",
        "/decisions/?page=500",
    ]
    rows = []
    for url in urls:
        client.get(url)  # warm caches and the connection
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
        rows.append((url, times, len(queries), response.status_code))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    # Its own database, never DATABASE_URL's: the run adds 50,000 decisions to it.
    url = os.environ.get("ARCHIVE_BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The archive benchmark runs on PostgreSQL: set ARCHIVE_BENCH_DATABASE_URL.")
    os.environ["DATABASE_URL"] = url
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    os.environ.setdefault("DEMO", "1")
    import django

    django.setup()
    import logging

    from django.conf import settings

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404 case on purpose

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    total = seed(args.decisions)
    rows = measure(args.repeat)
    print(f"\nArchive search, {total} decisions on PostgreSQL, {args.repeat} requests each")
    print(f"{'request':<60} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    all_times = []
    for url, times, queries, status in rows:
        all_times += times
        print(
            f"{urllib.parse.unquote_plus(url):<60} {status:>6} {queries:>7} "
            f"{statistics.median(times):>8.1f} {percentile(times, 95):>8.1f} {max(times):>8.1f}"
        )
    print(
        f"{'all requests':<60} {'':>6} {'':>7} {statistics.median(all_times):>8.1f} "
        f"{percentile(all_times, 95):>8.1f} {max(all_times):>8.1f}"
    )
    print("Target (QUALITY.md): p95 <= 100 ms server time; reported, not asserted.")


if __name__ == "__main__":
    main()
