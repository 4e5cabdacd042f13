"""The public decision archive: search, filters, pages, permanent URLs, CSV, bad input."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.archive import search_index
from cms.archive.links import decision_url
from council.models import Role
from deliberation import chain
from deliberation.models import AgendaItem, Ballot, Decision, Meeting
from tests.factories import make_council, make_membership, make_user

pytestmark = pytest.mark.django_db
ARCHIVE = "/decisions/"


def make_decision(meeting, question, *, outcome="adopted", public=True, **fields) -> Decision:
    """A decision recorded as do_close_ballot records one (chain fields included), without
    running a whole session: the archive only reads what was recorded."""
    item = AgendaItem.objects.create(
        meeting=meeting, title=f"Point : {question}", kind="decision", is_public=public
    )
    ballot = Ballot.objects.create(
        agenda_item=item, subject="procedural", question=question, state="closed"
    )
    closer = fields.pop("closed_by", None) or make_user()
    now = fields.pop("closed_at", None) or timezone.now()
    decision = Decision(
        council_id=meeting.council_id,
        ballot=ballot,
        meeting=meeting,
        agenda_item=item,
        outcome=outcome,
        subject="procedural",
        question=question,
        secrecy=fields.pop("secrecy", "open"),
        rule="simple",
        tally=fields.pop(
            "tally",
            {
                "online": {"yes": 2, "no": 1, "abstain": 0},
                "room_roll_call": {"yes": 3, "no": 0, "abstain": 1},
                "proxy": {"yes": 1, "no": 0, "abstain": 0},
                "total": {"yes": 6, "no": 1, "abstain": 1},
                "voters": 8,
            },
        ),
        quorum={
            "members_with_vote": 8,
            "present": 7,
            "required": 5,
            "reached": True,
            "second_convocation": False,
        },
        named_votes=fields.pop("named_votes", []),
        text_voted=fields.pop("text_voted", {"kind": "procedural", "question": question}),
        amendments_applied=[],
        opened_at=now,
        closed_at=now,
        closed_by=closer,
    )
    chain.link(decision, Decision)
    decision.save(force_insert=True)
    # What the DecisionRecorded subscriber does once do_close_ballot commits (PostgreSQL only).
    search_index.index_decisions([decision.pk])
    return decision


def make_meeting(council, title="Séance de mars") -> Meeting:
    return Meeting.objects.create(
        council=council, title=title, start=timezone.now(), state=Meeting.State.CLOSED
    )


@pytest.fixture
def archive(home, council):
    meeting = make_meeting(council)
    closer = make_user()
    made = [
        make_decision(meeting, "Maintenir les guichets physiques ?", closed_by=closer),
        make_decision(
            meeting, "Reporter le point sur la fibre ?", outcome="rejected", closed_by=closer
        ),
        make_decision(meeting, "Ouvrir un espace numérique ?", closed_by=closer),
        make_decision(meeting, "Question à huis clos ?", public=False, closed_by=closer),
    ]
    return meeting, made


def test_list_counts_and_head_hash(client, archive):
    _, made = archive
    response = client.get(ARCHIVE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 décisions trouvées" in body
    assert "Maintenir les guichets physiques" in body
    assert "huis clos" not in body
    assert made[-1].hash in body  # the chain's head, closed-session decision included
    # The archive is as recent as the chain's newest decision.
    newest = timezone.localtime(made[-1].closed_at).replace(microsecond=0)
    assert f'Dernière mise à jour : <time datetime="{newest.isoformat()}"' in body
    permalink = client.get(decision_url(made[0])).content.decode()
    closed = timezone.localtime(made[0].closed_at).replace(microsecond=0)
    assert f'Dernière mise à jour : <time datetime="{closed.isoformat()}"' in permalink


def test_search_and_filters(client, archive, council):
    meeting, _ = archive
    other = make_council(name="Conseil des aînés", slug="aines")
    make_decision(make_meeting(other, "Séance des aînés"), "Guichets dans les villages ?")
    body = client.get(ARCHIVE, {"q": "guichets"}).content.decode()
    assert "2 décisions trouvées" in body
    body = client.get(ARCHIVE, {"q": "guichets", "council": "numerique"}).content.decode()
    assert "1 décision trouvée" in body
    assert "villages" not in body
    body = client.get(ARCHIVE, {"outcome": "rejected"}).content.decode()
    assert "1 décision trouvée" in body and "fibre" in body
    body = client.get(ARCHIVE, {"meeting": meeting.pk, "year": timezone.now().year}).content
    assert "3 décisions trouvées" in body.decode()
    body = client.get(ARCHIVE, {"year": 2001}).content.decode()
    assert "0 décision" in body  # singular or plural, by catalogue


def test_sorting(client, archive):
    newest = client.get(ARCHIVE, {"sort": "recent"}).content.decode()
    oldest = client.get(ARCHIVE, {"sort": "oldest"}).content.decode()
    assert newest.index("espace numérique") < newest.index("guichets physiques")
    assert oldest.index("guichets physiques") < oldest.index("espace numérique")


@pytest.mark.parametrize(
    "params",
    [
        {"year": "deux-mille"},
        {"year": "99999999999999999999"},
        {"council": "inconnu"},
        {"outcome": "<script>"},
        {"meeting": "abc"},
        {"meeting": "999999"},
        {"sort": "pk; drop table"},
        {"q": "mot " * 300},
        {"q": " ".join(f"mot{n}" for n in range(40))},
    ],
)
def test_bad_filters_are_a_400_with_a_message(client, archive, params):
    response = client.get(ARCHIVE, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le formulaire contient des erreurs" in body
    assert 'aria-invalid="true"' in body
    response = client.get(reverse("cms:archive_csv"), params)
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9", "99999999999999999999"])
def test_out_of_range_page_is_a_404_with_a_message(client, archive, page):
    response = client.get(ARCHIVE, {"page": page})
    assert response.status_code == 404
    assert "Cette page de résultats n&#x27;existe pas" in response.content.decode()


def test_search_with_hostile_characters_does_not_fail(client, archive):
    for q in ['"guichets', "guichets & | ! :*", "'; --", "((()"]:
        assert client.get(ARCHIVE, {"q": q}).status_code == 200


def test_permanent_url_shows_tally_votes_rule_and_quorum(client, home, council):
    meeting = make_meeting(council)
    votes = [
        {
            "membership": 1,
            "name": "Alice Martin",
            "choice": "yes",
            "channel": "room_roll_call",
            "proxy_for": None,
            "proxy_for_name": None,
        },
        {
            "membership": 2,
            "name": "Bruno Petit",
            "choice": "no",
            "channel": "proxy",
            "proxy_for": 3,
            "proxy_for_name": "Chloé Dubois",
        },
    ]
    decision = make_decision(meeting, "Adopter la charte ?", named_votes=votes)
    url = f"/decisions/numerique/{decision.year}/{decision.number}/"
    assert reverse("cms:decision", args=["numerique", decision.year, decision.number]) == url
    body = client.get(url).content.decode()
    assert f"Décision n° {decision.number}/{decision.year}" in body
    assert "Adopter la charte ?" in body
    for label in ("En ligne", "En salle (appel nominal)", "Par procuration", "Total"):
        assert label in body
    assert "Alice Martin" in body and "Chloé Dubois" in body
    assert "par procuration, vote exprimé par Bruno Petit" in body
    assert "Majorité simple" in body
    assert "7 présent·es sur 8 membres avec voix" in body
    assert decision.hash in body and decision.previous_hash in body


def test_a_secret_decision_shows_its_totals_only_whatever_it_stored(client, home, council):
    # Decisions recorded before secret ballots sealed their counts kept a split by channel:
    # one proxy, voting no, is given away by "par procuration : 0 pour, 1 contre".
    decision = make_decision(make_meeting(council), "Désigner le délégué ?", secrecy="secret")
    body = client.get(f"/decisions/numerique/{decision.year}/{decision.number}/").content.decode()
    assert "Total" in body
    for label in ("En ligne", "En salle (appel nominal)", "Par procuration"):
        assert label not in body
    items = client.get("/oparl/v1.1/body/1/agendaItem").json()["data"]
    events = [e for i in items for e in i.get("conseilOuvert:voteEvents", [])]
    assert [e["channels"] for e in events] == [{}]


def test_amendment_decision_shows_the_diff(client, home, council):
    text = {
        "kind": "amendment",
        "proposal": "Recommandation sur les guichets",
        "amendment": 1,
        "base_version": 1,
        "base_paragraphs": ["Les guichets ouvrent le matin.", "Un bilan est fait."],
        "operations": [
            {"op": "replace", "paragraph": 1, "text": "Les guichets ouvrent le matin et le soir."},
            {"op": "delete", "paragraph": 2, "text": ""},
        ],
        "justification": "Pour celles et ceux qui travaillent.",
    }
    decision = make_decision(make_meeting(council), "Amendement 1", text_voted=text)
    body = client.get(reverse("cms:decision", args=["numerique", decision.year, 1])).content
    html = body.decode()
    assert "<ins>" in html and "et le soir" in html
    assert "<del>" in html and "Un bilan est fait." in html


def test_an_amendment_that_inserts_a_preamble_keeps_it_on_the_permanent_page(client, home, council):
    # An insertion after paragraph 0 goes before the first paragraph: the live room showed
    # it, and the decision's permanent page must show the same text.
    text = {
        "kind": "amendment",
        "proposal": "Recommandation sur les guichets",
        "amendment": 2,
        "base_version": 1,
        "base_paragraphs": ["A", "B"],
        "operations": [{"op": "insert_after", "paragraph": 0, "text": "Préambule"}],
        "justification": "",
    }
    decision = make_decision(make_meeting(council), "Amendement 2", text_voted=text)
    html = client.get(reverse("cms:decision", args=["numerique", decision.year, 1])).content
    assert "Préambule</ins>" in html.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/decisions/numerique/2026/999/",
        "/decisions/inconnu/2026/1/",
        "/decisions/numerique/99999999999/1/",
        "/decisions/numerique/2026/99999999999999999999/",
    ],
)
def test_unknown_decision_is_a_404_with_a_message(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Décision introuvable" in response.content.decode()


def test_closed_session_decision_has_no_public_page(client, archive):
    _, made = archive
    hidden = made[-1]
    url = reverse("cms:decision", args=["numerique", hidden.year, hidden.number])
    assert client.get(url).status_code == 404


def test_csv_export_of_a_filtered_list(client, archive):
    _, made = archive
    response = client.get(reverse("cms:archive_csv"), {"outcome": "adopted"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["conseil", "année", "numéro"]
    assert [r[6] for r in rows[1:]] == [
        "Ouvrir un espace numérique ?",
        "Maintenir les guichets physiques ?",
    ]
    assert rows[1][12] == made[2].hash
    assert rows[1][13].endswith(f"/decisions/numerique/{made[2].year}/{made[2].number}/")


FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+SUM(1,1)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


def test_csv_export_neutralises_formulas_in_every_text_cell(client):
    """OWASP's CSV injection: a text cell that a spreadsheet would run as a formula is
    prefixed with a single quote and quoted; the counts stay plain numbers."""
    council = make_council()
    meeting = make_meeting(council, title="=1+1 séance")
    for question in FORMULAS:
        make_decision(meeting, question)
    response = client.get(reverse("cms:archive_csv"), {"sort": "oldest"})
    raw = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(raw)))[1:]
    assert [r[6] for r in rows] == ["'" + q for q in FORMULAS]
    assert {r[4] for r in rows} == {"'=1+1 séance"}
    assert {r[5][:1] for r in rows} == {"P"}  # "Point : =HYPERLINK…" is not a formula
    triggers = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row if cell.startswith(triggers)]
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in raw
    assert ',6,1,1,"' in raw  # yes, no, abstain: numbers, unquoted


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_query_counts_constant_with_ten_times_the_data(client, home, council):
    meeting = make_meeting(council)
    closer = make_user()
    make_membership(Role.MEMBER, council)
    for n in range(3):
        make_decision(meeting, f"Question {n} sur les guichets ?", closed_by=closer)
    first = make_decision(meeting, "Question suivie ?", closed_by=closer)
    detail = reverse("cms:decision", args=["numerique", first.year, first.number])
    _queries(client, ARCHIVE)  # warms the per-process caches (site, settings)
    small = (
        _queries(client, ARCHIVE),
        _queries(client, ARCHIVE, {"q": "guichets", "sort": "number"}),
        _queries(client, detail),
    )
    others = [make_meeting(council, f"Séance {n}") for n in range(5)]
    for n in range(36):
        make_decision(
            others[n % 5],
            f"Autre question {n} sur les guichets ?",
            closed_by=closer,
            closed_at=timezone.now() - datetime.timedelta(days=n),
        )
    large = (
        _queries(client, ARCHIVE),
        _queries(client, ARCHIVE, {"q": "guichets", "sort": "number"}),
        _queries(client, detail),
    )
    assert Decision.objects.count() == 40
    assert small == large
