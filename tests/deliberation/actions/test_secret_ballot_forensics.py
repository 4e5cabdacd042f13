"""Forensics of a secret ballot: what a copy of the database files gives an attacker.

The attacker is the one docs/security.md's threat model names: an operator (or a thief of a
backup) who holds the database files — SQLite's main file and its write-ahead log;
PostgreSQL's table pages with their dead tuples, and its WAL segments — and the application
logs, but not the server's SECRET_KEY. They know the code, hence the urn's layout
(deliberation.urn). The attack is the one an outside review used on an earlier design: find
every version of the ballot's secret state the files still hold, order them, read the choice
added between two consecutive versions, and give it to the participation recorded with it.

The control runs the very same ballot through the very same write path with the urn's
cipher replaced by the identity: the attack then re-links every online and proxy vote,
which shows that it finds what the files hold. With the real cipher it must do no better
than chance: no better than guessing, for every voter, the choice the published totals make
most likely.
"""

from __future__ import annotations

import logging
import re
import struct
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from deliberation import actions, urn
from deliberation.models import Ballot, BallotParticipation

pytestmark = pytest.mark.django_db(transaction=True)

OPTIONS = ("yes", "no", "abstain")
PARTS = 2  # online, paper
COUNTERS = len(OPTIONS) * PARTS
SEALED_SIZE = urn._HEADER.size + urn.NONCE_BYTES + 4 * COUNTERS + 16

# Five members at home (one of them also votes the proxy they hold), two on paper in the room.
ONLINE_CHOICES = ["no", "yes", "abstain", "no", "no", "yes"]
PAPER = {"yes": 1, "no": 0, "abstain": 1}


class _IdentityCipher:
    """The control: the urn written in clear through the same code (a 16-byte blank tag)."""

    def __init__(self, key: bytes) -> None:
        pass

    def encrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
        return data + bytes(16)

    def decrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
        return data[:-16]


def _run_ballot(session) -> tuple[Ballot, list[tuple[int, str]]]:
    """A secret ballot of 8 votes: online, proxy and paper. Returns the ballot and, in the
    order they were cast, (participation id, choice) for every online and proxy vote."""
    people, sec = session.people, session.secretary
    home = [people.chair, people.vice_chair, people.members[0], people.members[1]]
    for member in home:
        actions.check_set_attendance(session.meeting, member.pk, "remote", acting_user=sec)
    ballot = session.open_ballot(
        secrecy="secret", question="Désigner la déléguée au comité de suivi ?"
    )
    voters = [
        (people.chair, None),
        (people.vice_chair, None),
        (people.members[0], None),
        (people.members[0], people.members[5]),  # the proxy member 0 holds
        (people.members[1], None),
        (people.members[4], None),
    ]
    cast = []
    for (voter, giver), choice in zip(voters, ONLINE_CHOICES, strict=True):
        actions.check_cast_vote(
            ballot.pk, choice, proxy_for_id=giver.pk if giver else None, acting_user=voter.user
        )
        participation = BallotParticipation.objects.get(ballot=ballot, voter=voter, proxy_for=giver)
        cast.append((participation.pk, choice))
    actions.check_record_room_totals(ballot.pk, **PAPER, acting_user=sec)
    return ballot, cast


def _raw_files(ballot: Ballot) -> bytes:
    """Every byte the database keeps where the ballot's row has lived."""
    if connection.vendor == "sqlite":
        # Copied from a running server (closing the last connection would checkpoint the
        # WAL into the main file and delete it).
        name = Path(connection.settings_dict["NAME"])
        return b"".join(p.read_bytes() for p in (name, Path(f"{name}-wal")) if p.exists())
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        table = Ballot._meta.db_table
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        blocks = cursor.fetchone()[0]
        pages = []
        for block in range(blocks):
            cursor.execute("SELECT get_raw_page(%s, %s)", [table, block])
            pages.append(bytes(cursor.fetchone()[0]))
        # The WAL segments written since the ballot began (the newest few).
        cursor.execute("SELECT name FROM pg_ls_waldir() ORDER BY modification DESC LIMIT 3")
        segments = [row[0] for row in cursor.fetchall()]
        for segment in segments:
            cursor.execute("SELECT pg_read_binary_file(%s)", [f"pg_wal/{segment}"])
            pages.append(bytes(cursor.fetchone()[0]))
    return b"".join(pages)


def _urn_versions(raw: bytes, ballot_id: int) -> list[bytes]:
    marker = urn._HEADER.pack(urn.MAGIC, ballot_id)
    found: dict[bytes, None] = {}
    for match in re.finditer(re.escape(marker), raw):
        blob = raw[match.start() : match.start() + SEALED_SIZE]
        if len(blob) == SEALED_SIZE:
            found.setdefault(blob)
    return list(found)


def _decode(blob: bytes) -> tuple[int, ...] | None:
    """The attacker reads the counters where the layout puts them; random bytes read as
    counters are not plausible counts of a council's ballot."""
    start = urn._HEADER.size + urn.NONCE_BYTES
    counters = struct.unpack(f">{COUNTERS}I", blob[start : start + 4 * COUNTERS])
    return counters if all(c <= 1000 for c in counters) else None


def _attack(raw: bytes, ballot: Ballot, totals: dict[str, int]) -> dict[int, str]:
    """The attacker's guess of each participation's choice."""
    states = sorted({s for s in map(_decode, _urn_versions(raw, ballot.pk)) if s is not None})
    participations = list(
        BallotParticipation.objects.filter(ballot=ballot)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Without readable states, the best guess is the choice the published totals favour.
    guess = dict.fromkeys(participations, max(totals, key=totals.__getitem__))
    by_online_count = {sum(state[: len(OPTIONS)]): state for state in states}
    for n, participation in enumerate(participations, start=1):
        before, after = by_online_count.get(n - 1), by_online_count.get(n)
        if before is not None and after is not None:
            added = [i for i in range(len(OPTIONS)) if after[i] == before[i] + 1]
            if len(added) == 1:
                guess[participation] = OPTIONS[added[0]]
    return guess


def _relinked(session, caplog) -> tuple[int, int, int]:
    """(re-linked by the attack, re-linked by the blind guess, votes) for one ballot."""
    caplog.set_level(logging.DEBUG)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Keep every frame in the WAL while the ballot runs (as a busy server may well).
            cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        ballot, cast = _run_ballot(session)
        actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint=1000")
    ballot.refresh_from_db()
    totals = ballot.decision.tally["total"]
    guess = _attack(_raw_files(ballot), ballot, totals)
    truth = dict(cast)
    blind = max(totals, key=totals.__getitem__)
    attacked = sum(guess[p] == choice for p, choice in truth.items())
    chance = sum(blind == choice for choice in truth.values())
    # Nothing the platform logged names a choice next to anything.
    logged = " ".join(r.getMessage() for r in caplog.records).lower()
    assert not re.search(r"\b(yes|no|abstain|pour|contre|abstention)\b", logged), logged
    return attacked, chance, len(truth)


def test_a_copy_of_the_database_relinks_no_secret_vote(session, caplog):
    attacked, chance, votes = _relinked(session, caplog)
    print(f"sealed urn: {attacked} of {votes} votes re-linked, chance {chance}")  # -s shows it
    assert votes == 6
    assert attacked <= chance < votes


def test_control_the_same_attack_relinks_every_vote_stored_in_clear(session, caplog, monkeypatch):
    monkeypatch.setattr(urn, "AESGCM", _IdentityCipher)
    attacked, chance, votes = _relinked(session, caplog)
    print(f"urn in clear: {attacked} of {votes} votes re-linked, chance {chance}")
    assert attacked == votes > chance


def test_the_totals_say_what_they_must(session):
    ballot, cast = _run_ballot(session)
    decision = actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    expected = Counter(choice for _, choice in cast) + Counter(PAPER)
    assert decision.tally["total"] == {o: expected[o] for o in OPTIONS}
    assert decision.tally["ballots"] == 8
