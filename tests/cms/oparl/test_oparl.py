"""The OParl 1.1 API: every object validates against the OParl schemas; lists page and filter
as the spec says; closed items, secret ballots and drafts stay private; bad input gets a JSON
4xx; a list page's query count does not grow with its data."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model

from cms.demo import seed_people, seed_site
from cms.models import RecommendationIndexPage, RecommendationPage
from council.actions import do_assign_office, do_end_mandate
from council.models import EndReason, Role
from deliberation.actions import do_create_meeting, do_save_meeting
from deliberation.demo import seed_deliberation
from deliberation.models import AgendaItem, Decision, Meeting
from tests.cms.conftest import add_recommendation, publish
from tests.factories import make_membership

# The OParl 1.1 schemas, kept with the API (CC BY-SA 4.0, see its LICENSE).
SCHEMA_DIR = Path(__file__).resolve().parents[3] / "cms" / "oparl" / "schema"
API = "/oparl/v1.1/"
BASE = "http://testserver" + API
KINDS = {
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agendaItem": "AgendaItem",
    "paper": "Paper",
    "consultation": "Consultation",
    "file": "File",
    "location": "Location",
    "legislativeTerm": "LegislativeTerm",
}
CLOSED_TITLE = "Situation d'un agent"
CLOSED_SECRET = "Détails confidentiels du point à huis clos."
WATER_BOARD = "Intercommunale de l'eau du Val d'Orne"


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


def validate(obj: dict, name: str) -> None:
    """Validate against the OParl schema, then the nested objects the `schema` keyword names
    (jsonschema ignores that keyword, so nesting is followed by hand)."""
    schema = _schema(name)
    jsonschema.validate(obj, schema, format_checker=jsonschema.FormatChecker())
    assert obj["type"] == f"https://schema.oparl.org/1.1/{name}"
    assert obj["id"].startswith(BASE)
    for key, spec in schema["properties"].items():
        value = obj.get(key)
        nested = spec.get("schema") or spec.get("items", {}).get("schema")
        if value is None or not nested:
            continue
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, dict):
                validate(part, nested.removesuffix(".json"))


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def listing(client, kind: str, query: str = "") -> dict:
    return get(client, f"{API}body/1/{kind}?limit=100{query}")


def _seed(media_root: Path) -> dict:
    council = seed_people()
    seed_deliberation(council)
    meeting = do_create_meeting(
        council,
        title="Séance avec huis clos",
        start=timezone.now() + datetime.timedelta(days=40),
        place="Salle du conseil",
        items=[
            ("Guichets physiques", AgendaItem.Kind.DEBATE, "Maintenir trois guichets."),
            (CLOSED_TITLE, AgendaItem.Kind.INFORMATION, CLOSED_SECRET),
        ],
        acting_user=None,
    )
    items = list(meeting.agenda_items.all())
    for item in items:
        item.is_public = item.title != CLOSED_TITLE
    meeting.agenda_items = items
    meeting.state = Meeting.State.CONVENED
    do_save_meeting(meeting, acting_user=None)
    with override_settings(MEDIA_ROOT=media_root):
        document = get_document_model().objects.create(
            title="Note de synthèse", file=ContentFile(b"%PDF-1.4 note", name="note.pdf")
        )
    for item in meeting.agenda_items.all():
        # The admin's document chooser writes this row.
        AgendaItem.documents.through.objects.create(agendaitem=item, document=document)
    do_create_meeting(
        council,
        title="Séance en préparation",
        start=timezone.now() + datetime.timedelta(days=80),
        items=[("Point encore secret", AgendaItem.Kind.DEBATE, "Brouillon.")],
        state=Meeting.State.DRAFT,
        acting_user=None,
    )
    index = publish(
        seed_site(), RecommendationIndexPage(title="Recommandations", slug="recommandations")
    )
    decision = Decision.objects.filter(subject="proposal", outcome="adopted").first()
    live = add_recommendation(index, 1, decision=decision)
    withdrawn = add_recommendation(index, 2)
    # Fresh from the database: the instance in hand predates its publication's timestamps.
    withdrawn = RecommendationPage.objects.get(pk=withdrawn.pk)
    withdrawn.unpublish()
    return {
        "council": council,
        "meeting": meeting,
        "live": live,
        "withdrawn": withdrawn,
        **_mandates(council),
    }


def _mandates(council) -> dict:
    """A mandate ended by resignation, and two delegates of the council in another body
    (beside their seats); all in the current legislature."""
    seated = datetime.date(2025, 1, 7)
    ended = make_membership("member", council, start=seated)
    do_end_mandate(
        ended,
        end=datetime.date(2025, 6, 30),
        reason=EndReason.RESIGNATION,
        decision="41/2025",
        acting_user=None,
    )
    delegates = [
        do_assign_office(
            council,
            make_membership("member", council, start=seated).user,
            Role.DELEGATE,
            start=datetime.date(2025, 2, day),
            decision=f"{day}/2025",
            body=WATER_BOARD,
            acting_user=None,
        )
        for day in (3, 4)
    ]
    # A member becomes a substitute: the seat ends the day before, the new mandate succeeds it.
    changed = do_assign_office(
        council,
        make_membership("member", council, start=seated).user,
        Role.SUBSTITUTE,
        start=datetime.date(2025, 9, 1),
        decision="60/2025",
        acting_user=None,
    )
    return {"ended": ended, "delegates": delegates, "changed": changed}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once for the module (the demo history is slow to build), rolled back after;
    each test runs inside it in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed(tmp_path_factory.mktemp("media"))
        transaction.set_rollback(True)


@pytest.fixture
def records(db, seeded, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return seeded


def test_system_and_body_validate_and_link_every_list(client, records):
    system = get(client, API)
    validate(system, "System")
    bodies = get(client, system["body"])
    assert bodies["pagination"]["totalElements"] == 1
    (body,) = bodies["data"]
    validate(body, "Body")
    assert get(client, body["id"]) == body
    assert body["legislativeTerm"][0]["name"] == "Législature 2025-2030"
    for kind in KINDS:
        key = {"location": "locationList", "legislativeTerm": "legislativeTermList"}.get(kind, kind)
        assert body[key] == f"{BASE}body/1/{kind}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_object_of_every_type_validates_and_resolves(client, records, kind):
    page = listing(client, kind)
    assert page["data"], f"no {kind} in the fixture"
    assert page["pagination"]["totalElements"] == len(page["data"])
    for obj in page["data"]:
        validate(obj, KINDS[kind])
        # The id is the object's URL and serves the same object.
        assert get(client, obj["id"]) == obj


def test_lists_hold_what_is_public(client, records):
    meetings = listing(client, "meeting")["data"]
    names = [m["name"] for m in meetings]
    assert "Séance en préparation" not in names
    assert len(names) == 5
    text = json.dumps(listing(client, "agendaItem"), ensure_ascii=False)
    assert "Point encore secret" not in text
    papers = listing(client, "paper")["data"]
    assert {p["paperType"] for p in papers if not p.get("deleted")} == {
        "proposition",
        "recommandation",
    }
    files = listing(client, "file")["data"]
    # Attached to the public item and the closed one: only the public link shows.
    assert [f["name"] for f in files] == ["Note de synthèse"]
    assert len(files[0]["agendaItem"]) == 1
    assert files[0]["accessUrl"].startswith("http://testserver/documents/")
    assert files[0]["meeting"] == [f"{BASE}meeting/{records['meeting'].pk}"]


def test_membership_carries_role_dates_voting_right_and_why_it_ended(client, records):
    ended = records["ended"]
    obj = get(client, f"{API}membership/{ended.pk}")
    validate(obj, "Membership")
    assert obj == {
        "id": f"{BASE}membership/{ended.pk}",
        "type": "https://schema.oparl.org/1.1/Membership",
        "person": f"{BASE}person/{ended.user_id}",
        "organization": f"{BASE}organization/{records['council'].pk}",
        "role": "membre effectif·ve",
        "votingRight": True,
        "startDate": "2025-01-07",
        "endDate": "2025-06-30",
        "conseilOuvert:endReason": "démission",
        "conseilOuvert:endDecision": "41/2025",
    }
    person = get(client, obj["person"])
    validate(person, "Person")
    assert person["membership"] == [obj]


def test_a_changed_office_links_the_mandate_it_continues(client, records):
    changed = records["changed"]
    obj = get(client, f"{API}membership/{changed.pk}")
    validate(obj, "Membership")
    assert obj["role"] == "membre suppléant·e" and obj["votingRight"] is False
    assert obj["conseilOuvert:startDecision"] == "60/2025"
    previous = get(client, obj["conseilOuvert:succeeds"])
    validate(previous, "Membership")
    assert previous["endDate"] == "2025-08-31"
    assert previous["conseilOuvert:endReason"] == "changement de fonction"
    assert previous["conseilOuvert:endDecision"] == "60/2025"


def test_a_delegate_sits_in_another_body_on_behalf_of_the_council(client, records):
    council = f"{BASE}organization/{records['council'].pk}"
    first, second = records["delegates"]
    obj = get(client, f"{API}membership/{second.pk}")
    validate(obj, "Membership")
    organ = f"{BASE}organization/organ-{first.pk}"
    assert obj["organization"] == organ
    assert obj["onBehalfOf"] == council
    assert obj["role"] == "délégué·e"
    assert obj["startDate"] == "2025-02-04"
    assert obj["conseilOuvert:startDecision"] == "4/2025"
    # Their vote in that body is not recorded: left out rather than guessed.
    assert "votingRight" not in obj
    body = get(client, organ)
    validate(body, "Organization")
    assert body["name"] == WATER_BOARD
    assert body["membership"] == [f"{BASE}membership/{m.pk}" for m in (first, second)]
    assert body["memberCount"] == 2
    # The council lists its seats, the body its delegates: each mandate in one organization.
    councils = [o for o in listing(client, "organization")["data"] if o["id"] == council]
    assert obj["id"] not in councils[0]["membership"]
    person = get(client, obj["person"])
    validate(person, "Person")
    assert obj in person["membership"]
    seat = next(m for m in person["membership"] if m["role"] == "membre effectif·ve")
    assert seat["organization"] == council and "onBehalfOf" not in seat


def test_closed_item_exposes_only_its_title(client, records):
    closed = AgendaItem.objects.get(title=CLOSED_TITLE)
    obj = get(client, f"{API}agendaItem/{closed.pk}")
    assert set(obj) == {"id", "type", "meeting", "number", "order", "name", "public"}
    assert obj["name"] == CLOSED_TITLE and obj["public"] is False
    meeting = get(client, f"{API}meeting/{records['meeting'].pk}")
    embedded = [i for i in meeting["agendaItem"] if i["name"] == CLOSED_TITLE]
    assert embedded == [obj]
    for kind in KINDS:
        assert CLOSED_SECRET not in json.dumps(listing(client, kind), ensure_ascii=False)


def test_withdrawn_recommendation_is_announced_as_deleted(client, records):
    papers = listing(client, "paper")["data"]
    deleted = [p for p in papers if p.get("deleted")]
    assert deleted == [
        {
            "id": f"{BASE}paper/recommendation-{records['withdrawn'].pk}",
            "type": "https://schema.oparl.org/1.1/Paper",
            "created": deleted[0]["created"],
            "modified": deleted[0]["modified"],
            "deleted": True,
        }
    ]
    live = next(p for p in papers if p["id"].endswith(f"recommendation-{records['live'].pk}"))
    assert live["name"] == "Recommandation 1"
    assert live["relatedPaper"][0].startswith(f"{BASE}paper/proposal-")
    assert live["web"].startswith("http://testserver/")


def test_decisions_carry_popolo_vote_events(client, records):
    items = listing(client, "agendaItem")["data"]
    events = [e for i in items for e in i.get("conseilOuvert:voteEvents", [])]
    decisions = {str(d.pk): d for d in Decision.objects.all()}
    assert len(events) == len(decisions) == 9
    persons = {p["id"] for p in listing(client, "person")["data"]}
    for event in events:
        decision = decisions[event["identifier"]]
        counts = {c["option"]: c["value"] for c in event["counts"]}
        assert counts == {k: decision.tally["total"][k] for k in ("yes", "no", "abstain")}
        assert event["result"] == ("pass" if decision.outcome == "adopted" else "fail")
        if decision.secrecy == "secret":
            assert "votes" not in event
        else:
            assert len(event["votes"]) == len(decision.named_votes) > 0
            assert {v["voter_id"] for v in event["votes"]} <= persons
            options = [v["option"] for v in event["votes"]]
            assert {o: options.count(o) for o in counts if options.count(o)} == {
                o: n for o, n in counts.items() if n
            }
    assert sum(1 for e in events if e["secret"]) == 1


def test_pagination_walks_the_whole_list_and_keeps_filters(client, records):
    everything = [p["id"] for p in listing(client, "person")["data"]]
    assert len(everything) > 5
    url = f"{API}body/1/person?limit=4&created_since=2000-01-01T00:00:00%2B01:00"
    seen: list[str] = []
    pages = 0
    while url:
        page = get(client, url)
        pages += 1
        seen += [p["id"] for p in page["data"]]
        assert page["pagination"]["elementsPerPage"] == 4
        assert page["pagination"]["currentPage"] == pages
        assert "created_since=2000-01-01T00%3A00%3A00%2B01%3A00" in page["links"]["first"]
        url = page["links"].get("next")
    assert seen == everything
    assert pages == page["pagination"]["totalPages"] == -(-len(everything) // 4)
    assert "prev" in page["links"] and page["links"]["last"].endswith(f"page={pages}")


def test_paper_list_pages_across_proposals_then_recommendations(client, records):
    everything = [p["id"] for p in listing(client, "paper")["data"]]
    paged = []
    for n in range(1, -(-len(everything) // 3) + 1):
        paged += [p["id"] for p in get(client, f"{API}body/1/paper?limit=3&page={n}")["data"]]
    assert paged == everything
    assert everything[-1].endswith(f"recommendation-{records['withdrawn'].pk}")


def test_created_and_modified_filters(client, records):
    meetings = list(Meeting.objects.exclude(state="draft").order_by("pk"))
    base = datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC)
    for n, m in enumerate(meetings):
        Meeting.objects.filter(pk=m.pk).update(
            created=base + datetime.timedelta(days=n),
            updated=base + datetime.timedelta(days=10 + n),
        )

    def ids(query: str) -> list[int]:
        return [int(m["id"].rsplit("/", 1)[1]) for m in listing(client, "meeting", query)["data"]]

    pks = [m.pk for m in meetings]
    assert ids("&created_since=2025-01-03T12:00:00Z") == pks[2:]
    assert ids("&created_until=2025-01-02T12:00:00Z") == pks[:2]
    # The same instant with an offset, its "+" sent unencoded (arrives as a space).
    assert ids("&created_since=2025-01-03T13:00:00+01:00") == pks[2:]
    assert ids("&modified_since=2025-01-14T12:00:00Z") == pks[3:]
    assert ids("&modified_until=2025-01-12T12:00:00Z&created_since=2025-01-02T00:00:00Z") == [
        pks[1]
    ]
    assert ids("&modified_since=2030-01-01T00:00:00Z") == []
    # Offsets past the calendar's ends mean its ends.
    assert ids("&created_since=0001-01-01T00:00:00%2B23:59") == pks
    assert ids("&modified_since=9999-12-31T23:59:59-23:59") == []


@pytest.mark.parametrize(
    ("url", "status", "word"),
    [
        ("meeting/999999", 404, "n'existe pas"),
        ("meeting/abc", 404, "n'existe pas"),
        ("meeting/99999999999999999999999", 404, "n'existe pas"),
        ("paper/proposal-x", 404, "n'existe pas"),
        ("paper/other-1", 404, "n'existe pas"),
        ("organization/organ-x", 404, "n'existe pas"),
        ("organization/organ-999999", 404, "n'existe pas"),
        ("legislativeTerm/1990", 404, "n'existe pas"),
        ("body/2", 404, "n'existe pas"),
        ("body/1/vote", 404, "n'existe pas"),
        ("body/1/meeting?page=0", 400, "page"),
        ("body/1/meeting?page=-3", 400, "page"),
        ("body/1/meeting?page=deux", 400, "page"),
        ("body/1/meeting?page=50", 404, "La page 50"),
        ("body/1/meeting?limit=0", 400, "limit"),
        ("body/1/meeting?limit=100000", 400, "limit"),
        ("body/1/meeting?created_since=hier", 400, "created_since"),
        ("body/1/meeting?modified_until=2025-13-45T00:00:00Z", 400, "modified_until"),
        ("body/1/legislativeTerm?page=2", 404, "La page"),
        ("body?created_since=x", 400, "created_since"),
    ],
)
def test_bad_input_gets_a_json_4xx_with_a_message(client, records, url, status, word):
    body = get(client, API + url, status)
    assert body["status"] == status and word in body["message"]


def test_read_only(client, records):
    for method in (client.post, client.put, client.delete):
        response = method(f"{API}body/1/meeting")
        assert response.status_code == 405


def _more_records(council) -> None:
    """Ten more meetings with agenda items, and ten more people with mandates."""
    for n in range(10):
        meeting = do_create_meeting(
            council,
            title=f"Séance supplémentaire {n}",
            start=timezone.now() + datetime.timedelta(days=100 + n),
            place=f"Salle {n}",
            items=[(f"Point {n}.{k}", AgendaItem.Kind.DEBATE, "Texte.") for k in range(3)],
            acting_user=None,
        )
        meeting.state = Meeting.State.CONVENED
        do_save_meeting(meeting, acting_user=None)
        make_membership("member", council)
    index = RecommendationIndexPage.objects.get()
    for n in range(3, 8):
        add_recommendation(index, n)


def test_list_pages_cost_constant_queries(client, records, django_assert_max_num_queries):
    def count(kind: str, query: str = "") -> int:
        with CaptureQueriesContext(connection) as ctx:
            listing(client, kind, query)
        return len(ctx.captured_queries)

    # Wagtail caches the site's root paths on first use; count from a warm cache.
    for kind in KINDS:
        listing(client, kind)
    # A page of one object costs what a page of all of them costs (papers: proposals and
    # recommendations are two sources, organizations: councils and the bodies they delegate
    # to, so their first single-object page holds one source)…
    two_sources = ("paper", "organization")
    one = {kind: count(kind, "&limit=1") for kind in KINDS if kind not in two_sources}
    full = {kind: count(kind) for kind in KINDS}
    assert {k: n for k, n in full.items() if k not in two_sources} == one
    # …and more records do not change it.
    _more_records(records["council"])
    assert Meeting.objects.count() > 15
    assert RecommendationPage.objects.count() == 7
    assert {kind: count(kind) for kind in KINDS} == full
    for kind, n in full.items():
        with django_assert_max_num_queries(n):
            listing(client, kind)
