"""Forensics of an election round: the secret-ballot attack (test_secret_ballot_forensics)
run on a round whose urn counts candidacies, blank and invalid ballots.

The attacker holds the database files (SQLite's main file and WAL; PostgreSQL's pages and
WAL) but not the SECRET_KEY; they order the versions of the round's urn, read the option
added between two versions, and give it to the participation recorded with it. With the
cipher replaced by the identity the attack re-links every online vote; with the real one it
does no better than guessing the most voted option for everyone.
"""

from __future__ import annotations

import datetime
import re
import struct

import pytest
from django.db import connection
from django.utils import timezone

from deliberation import actions, urn
from deliberation.models import Ballot, BallotParticipation, Election
from tests.deliberation.actions.test_secret_ballot_forensics import _IdentityCipher, _raw_files

pytestmark = pytest.mark.django_db(transaction=True)

PARTS = 2  # online, paper


def _run_round(session) -> tuple[Ballot, list[tuple[int, str]], tuple[str, ...]]:
    p, sec = session.people, session.secretary
    m = p.members
    for member in (p.chair, p.vice_chair, m[0], m[1], m[2]):
        actions.check_set_attendance(session.meeting, member.pk, "remote", acting_user=sec)
    now = timezone.now()
    election = actions.check_open_candidacies(
        session.item,
        office="vice_chair",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
        acting_user=sec,
    )
    a, b, c = (
        actions.check_file_candidacy(election.pk, acting_user=x.user) for x in (m[1], m[2], m[3])
    )
    Election.objects.filter(pk=election.pk).update(candidacies_close_at=now)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    ka, kb, kc = str(a.pk), str(b.pk), str(c.pk)
    voters = [
        (p.chair, None, kb),
        (p.vice_chair, None, ka),
        (m[0], None, "blank"),
        (m[0], m[5], kc),
        (m[1], None, ka),
        (m[2], None, kb),
        (m[4], None, kb),
    ]
    cast = []
    for voter, giver, choice in voters:
        actions.check_cast_election_vote(
            ballot.pk, choice, proxy_for_id=giver.pk if giver else None, acting_user=voter.user
        )
        participation = BallotParticipation.objects.get(ballot=ballot, voter=voter, proxy_for=giver)
        cast.append((participation.pk, choice))
    actions.check_record_paper_count(
        ballot.pk, ballots=1, counts={kc: 1}, acting_user=session.secretary
    )
    return ballot, cast, tuple(ballot.options)


def _attack(raw: bytes, ballot: Ballot, options: tuple[str, ...], totals: dict[str, int]):
    counters = len(options) * PARTS
    size = urn._HEADER.size + urn.NONCE_BYTES + 4 * counters + 16
    marker = urn._HEADER.pack(urn.MAGIC, ballot.pk)
    blobs = {raw[x.start() : x.start() + size] for x in re.finditer(re.escape(marker), raw)}
    start = urn._HEADER.size + urn.NONCE_BYTES
    states = set()
    for blob in blobs:
        if len(blob) == size:
            values = struct.unpack(f">{counters}I", blob[start : start + 4 * counters])
            if all(v <= 1000 for v in values):
                states.add(values)
    participations = list(
        BallotParticipation.objects.filter(ballot=ballot)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    guess = dict.fromkeys(participations, max(totals, key=totals.__getitem__))
    by_count = {sum(s[: len(options)]): s for s in states}
    for n, participation in enumerate(participations, start=1):
        before, after = by_count.get(n - 1), by_count.get(n)
        if before is not None and after is not None:
            added = [i for i in range(len(options)) if after[i] == before[i] + 1]
            if len(added) == 1:
                guess[participation] = options[added[0]]
    return guess


def _relinked(session) -> tuple[int, int, int]:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        ballot, cast, options = _run_round(session)
        decision = actions.check_close_round(ballot.pk, acting_user=session.chair)
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint=1000")
    totals = decision.tally["total"]
    guess = _attack(_raw_files(ballot), ballot, options, totals)
    blind = max(totals, key=totals.__getitem__)
    attacked = sum(guess[p] == choice for p, choice in cast)
    chance = sum(blind == choice for _, choice in cast)
    return attacked, chance, len(cast)


def test_a_copy_of_the_database_relinks_no_election_vote(session):
    attacked, chance, votes = _relinked(session)
    assert votes == 7
    assert attacked <= chance < votes


def test_control_the_same_attack_relinks_every_election_vote_in_clear(session, monkeypatch):
    monkeypatch.setattr(urn, "AESGCM", _IdentityCipher)
    attacked, chance, votes = _relinked(session)
    assert attacked == votes > chance


def test_no_participation_row_holds_a_choice(session):
    ballot, _cast, _options = _run_round(session)
    columns = {f.column for f in BallotParticipation._meta.concrete_fields}
    assert not {"choice", "option", "candidate", "created_at"} & columns
    decision = actions.check_close_round(ballot.pk, acting_user=session.chair)
    ballot.refresh_from_db()
    assert ballot.urn is None
    assert decision.tally["ballots"] == 8 and decision.named_votes == []
