"""The records of an election round (minutes, OParl vote event, CSV archive) give the votes
per candidate, blank and invalid ballots and who was elected — never anything per voter."""

from __future__ import annotations

import csv
import io

import pytest

from cms.demo import seed_people
from cms.minutes.minutes import _ballot_line
from cms.oparl.serializers.common import Context
from cms.oparl.serializers.meetings import vote_event
from deliberation.election_demo import seed_elections
from deliberation.models import Decision

VOTER_NAMES = ("Fatima", "Thomas", "Aïcha", "Pierre")


@pytest.fixture
def rounds(db):
    seed_elections(seed_people())
    return list(Decision.objects.filter(subject="election").order_by("pk"))


def test_minutes_give_each_round_per_candidate(rounds):
    first, runoff, vice = rounds
    line = _ballot_line(first.ballot, first)
    assert "Marie Lambert : 4 ; Luc Peeters : 3 ; Sophie Martin : 2" in line
    assert "blancs : 1 ; nuls : 0" in line
    assert "ballottage entre : Marie Lambert, Luc Peeters" in line
    assert "pour" not in line
    assert "élu·e·s : Marie Lambert" in _ballot_line(runoff.ballot, runoff)
    vice_line = _ballot_line(vice.ballot, vice)
    assert "oui : 7 ; non : 1 ; abstention : 1" in vice_line
    assert "nuls : 1" in vice_line and "élu·e·s : Jean Dubois" in vice_line


def test_oparl_vote_event_counts_candidates_and_names_no_voter(rounds):
    first, runoff, vice = rounds
    ctx = Context(absolute=lambda path: "https://example.org" + path)
    event = vote_event(ctx, runoff)
    counts = {c.get("label", c["option"]): c["value"] for c in event["counts"]}
    assert counts == {"Marie Lambert": 6, "Luc Peeters": 3, "blank": 1, "invalid": 0}
    assert event["elected"] == ["Marie Lambert"] and event["result"] == "pass"
    assert "votes" not in event
    first_event = vote_event(ctx, first)
    assert first_event["elected"] == [] and first_event["runoff"] == [
        "Marie Lambert",
        "Luc Peeters",
    ]
    assert {c["option"]: c["value"] for c in vote_event(ctx, vice)["counts"]}["yes"] == 7


def test_csv_export_summarises_election_rounds(rounds, client):
    response = client.get("/decisions/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[-1].startswith("élection")
    by_question = {row[header.index("question")]: row for row in body}
    runoff_row = next(r for q, r in by_question.items() if "tour n° 2" in q)
    assert runoff_row[-1].startswith("Marie Lambert : 6 ; Luc Peeters : 3 ; blancs : 1")
    assert runoff_row[-1].endswith("élu·e·s : Marie Lambert")
    assert runoff_row[header.index("pour")] == ""
    assert not any(name in text for name in VOTER_NAMES)
