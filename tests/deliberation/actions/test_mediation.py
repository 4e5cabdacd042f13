"""The mediation desk: recording a contribution, its receipt code, the public follow-up."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from council.models import Role
from deliberation import actions
from deliberation.models import (
    AgendaItem,
    AuditEntry,
    Contribution,
    ContributionChannel,
    Decision,
    Meeting,
)
from deliberation.selectors import mediation as mediation_reads
from deliberation.selectors import public_decisions
from tests.deliberation.live.test_events import open_ballot, start_session
from tests.factories import make_council, make_membership, make_user

DESK = "/guichet/"
FOLLOWUP = "/suivi/"
NOT_FOUND = "Nous ne trouvons pas ce code"


@pytest.fixture
def mediator(people):
    return make_membership(Role.MEDIATOR, people.council, make_user(first_name="Mona")).user


@pytest.fixture
def item(meeting):
    return meeting.agenda_items.get(number=2)


def record(item, user, **fields):
    values = {
        "channel": ContributionChannel.PHONE,
        "received_on": timezone.localdate(),
        "text": "Je n'ai pas d'ordinateur : gardez le guichet ouvert le samedi.",
        "consent_to_publish": True,
        "resident_name": "Georges Lemaire",
        "contact_phone": "0470 99 88 77",
    }
    values.update(fields)
    return actions.check_record_contribution(item, acting_user=user, **values)


# --- Codes and input -----------------------------------------------------------------------


def test_codes_use_only_unambiguous_characters_and_read_in_two_groups():
    codes = {actions.new_receipt_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{6}", code), code
        assert not set(code) & set("01OILU")
    assert mediation_reads.format_code("K7M4QX") == "K7M-4QX"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K7M-4QX", "K7M4QX"),
        ("k7m 4qx", "K7M4QX"),
        (" K7M.4QX ", "K7M4QX"),
        ("K7M-4Q0", None),  # a zero is never in a code
        ("K7M-4QO", None),
        ("K7M-4QI", None),
        ("K7M4Q", None),
        ("K7M4QXX", None),
        ("", None),
        ("K7M-4QX' OR 1=1", None),
        ("Ｋ７Ｍ４ＱＸ", None),
        (None, None),
    ],
)
def test_typed_codes_are_normalised_or_refused(typed, stored):
    assert mediation_reads.normalise_code(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010 12 34 56", "010123456"),
        ("0470/12.34.56", "0470123456"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 10 12 34 56", "+3210123456"),
        ("(010) 12-34-56", None),
        ("", ""),
    ],
)
def test_phone_numbers_are_kept_as_digits(typed, stored):
    if stored is None:
        with pytest.raises(actions.ActionError):
            actions.clean_phone(typed)
    else:
        assert actions.clean_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "12345",
        "10 12 34 56",
        "+0 12 34 56 78",
        "0470 12 34 5x",
        "<script>",
        "0" * 40,
        "+32 470 12 34 56 78 90 12 34",
    ],
)
def test_malformed_phone_numbers_are_refused_in_french(typed):
    with pytest.raises(actions.ActionError) as error:
        actions.clean_phone(typed)
    assert error.value.field == "contact_phone"
    assert "Numéro de téléphone invalide" in str(error.value)


# --- The action ----------------------------------------------------------------------------


def test_a_name_is_kept_as_typed_with_markup_dropped(item, mediator):
    contribution = record(item, mediator, resident_name="Dupont & <b>Fils</b> <script>x</script>")
    assert contribution.resident_name == "Dupont & Fils"


def test_a_mediator_records_a_phone_contribution(item, mediator):
    contribution = record(item, mediator, text="Gardez le guichet <script>alert(1)</script>\nMerci")
    contribution.refresh_from_db()
    assert contribution.agenda_item == item
    assert contribution.channel == "phone"
    assert contribution.recorded_by == mediator
    assert contribution.contact_phone == "0470998877"
    assert contribution.resident_name == "Georges Lemaire"
    assert "<script>" not in contribution.body
    assert "&lt;script&gt;" in contribution.body
    assert contribution.body.startswith("<p>") and "<br>" in contribution.body
    assert mediation_reads.normalise_code(contribution.receipt_code) == contribution.receipt_code
    entry = AuditEntry.objects.get(action="contribution_recorded")
    assert entry.actor == mediator
    assert entry.meeting == item.meeting
    assert entry.data["channel"] == "phone"
    # The trail names the mediator, not the resident.
    assert "Lemaire" not in str(entry.data)


def test_a_contribution_on_a_proposal_counts_for_its_item(people, meeting, mediator):
    session_item, proposal = start_session(people, meeting)
    contribution = record(proposal, mediator, channel="letter")
    assert contribution.agenda_item == session_item
    assert contribution.proposal == proposal


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("mediator", True),
        ("secretary", True),
        ("chair", False),
        ("vice_chair", False),
        ("member", False),
        ("substitute", False),
        ("observer", False),
        ("resident", False),
        ("other_council_mediator", False),
    ],
)
def test_who_may_record_a_contribution(people, item, mediator, who, allowed):
    user = {
        "mediator": mediator,
        "secretary": people.secretary.user,
        "chair": people.chair.user,
        "vice_chair": people.vice_chair.user,
        "member": people.members[0].user,
        "substitute": people.substitutes[0].user,
        "observer": people.observer.user,
        "resident": people.resident,
        "other_council_mediator": make_membership(Role.MEDIATOR, make_council()).user,
    }[who]
    if allowed:
        assert record(item, user).pk
    else:
        with pytest.raises(actions.ActionError, match="médiation"):
            record(item, user)
        assert not Contribution.objects.exists()


def test_no_contribution_on_a_private_or_closed_item(people, meeting, item, mediator):
    AgendaItem.objects.filter(pk=item.pk).update(is_public=False)
    item.refresh_from_db()
    with pytest.raises(actions.ActionError):
        record(item, mediator)
    AgendaItem.objects.filter(pk=item.pk).update(is_public=True, state=AgendaItem.State.CLOSED)
    item.refresh_from_db()
    with pytest.raises(actions.ActionError):
        record(item, mediator)
    AgendaItem.objects.filter(pk=item.pk).update(state=AgendaItem.State.PENDING)
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CLOSED)
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    with pytest.raises(actions.ActionError):
        record(item, mediator)
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"channel": None}, "channel"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": ["liste"]}, "text"),
        ({"resident_name": "n" * 201}, "resident_name"),
        ({"contact_email": "pas-une-adresse"}, "contact_email"),
        ({"contact_phone": "allo"}, "contact_phone"),
        ({"received_on": "2026-13-45"}, "received_on"),
        # Dates relative to today are computed when the test runs, not when it is collected:
        # a suite that crosses midnight must not turn "tomorrow" into "today".
        ({"received_on": datetime.timedelta(days=1)}, "received_on"),
        ({"received_on": datetime.timedelta(days=-400)}, "received_on"),
        ({"consent_to_publish": "yes"}, "consent_to_publish"),
    ],
)
def test_bad_input_is_refused_with_its_field(item, mediator, fields, field):
    fields = {
        name: timezone.localdate() + value if isinstance(value, datetime.timedelta) else value
        for name, value in fields.items()
    }
    with pytest.raises(actions.ActionError) as error:
        record(item, mediator, **fields)
    assert error.value.field == field
    assert str(error.value)
    assert not Contribution.objects.exists()


def test_not_a_target_is_refused(mediator):
    with pytest.raises(actions.ActionError):
        record("item-3", mediator)


# --- The desk's pages ----------------------------------------------------------------------


def desk_post(item, **fields):
    data = {
        "target": f"item-{item.pk}",
        "channel": "counter",
        "received_on": timezone.localdate().isoformat(),
        "resident_name": "",
        "contact_phone": "",
        "contact_email": "",
        "text": "Je préfère venir au guichet.",
        "consent_to_publish": "on",
    }
    data.update(fields)
    return data


def test_the_desk_is_for_mediators_and_the_secretariat(client, people, mediator):
    assert client.get(DESK).status_code == 302  # to the login page
    for user in (people.members[0].user, people.resident, people.chair.user):
        client.force_login(user)
        response = client.get(DESK)
        # The chair has no desk, but must first set up a second factor (middleware).
        assert response.status_code in (403, 302)
        assert response.status_code == 403 or "/accounts/" in response["Location"]
    client.force_login(mediator)
    assert client.get(DESK).status_code == 200
    secretary = people.secretary.user
    Authenticator.objects.create(user=secretary, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(secretary)
    assert client.get(DESK).status_code == 200


def test_a_contribution_through_the_desk_gives_a_printable_slip(client, item, mediator):
    client.force_login(mediator)
    page = client.get(DESK).content.decode()
    assert f'value="item-{item.pk}"' in page
    assert 'type="radio"' in page and "<legend" in page
    response = client.post(
        DESK, desk_post(item, resident_name="Rita", contact_phone="0470 12 34 56")
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    code = mediation_reads.format_code(contribution.receipt_code)
    assert response["Location"] == f"/guichet/recu/{code}/"
    assert contribution.recorded_by == mediator
    assert contribution.channel == "counter"
    assert contribution.consent_to_publish is True
    slip = client.get(response["Location"])
    html = slip.content.decode()
    assert slip.status_code == 200
    assert code in html
    assert "010 12 34 56" in html  # the council's phone number, from the contact settings
    assert "reçue au guichet" in html
    assert "css/mediation.css" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_desk_errors_keep_the_values_and_speak_french(client, item, mediator):
    client.force_login(mediator)
    response = client.post(
        DESK, desk_post(item, contact_phone="12-AB", text="Un avis à garder", resident_name="Rita")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert "Numéro de téléphone invalide" in html
    assert "Un avis à garder" in html and 'value="Rita"' in html and 'value="12-AB"' in html
    response = client.post(DESK, desk_post(item, received_on="hier", channel="fax"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez une date valide" in html or "date" in html.lower()
    assert not Contribution.objects.exists()


def test_a_contribution_at_the_limit_typed_with_line_breaks_is_recorded(client, item, mediator):
    from tests.deliberation.actions.test_consultations import typed_in_a_browser

    client.force_login(mediator)
    text = typed_in_a_browser(actions.TEXT_MAX)
    response = client.post(DESK, desk_post(item, text=text))
    assert response.status_code == 302
    body = Contribution.objects.get().body
    assert body.count("<br>") == 49 and "\r" not in body
    response = client.post(DESK, desk_post(item, text=typed_in_a_browser(actions.TEXT_MAX + 1)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and "(actuellement 5001)" in html
    assert "z" * 101 in html
    assert Contribution.objects.count() == 1


def test_forged_targets_and_mediator_fields_are_refused(client, people, meeting, item, mediator):
    private = meeting.agenda_items.get(number=3)
    AgendaItem.objects.filter(pk=private.pk).update(is_public=False)
    client.force_login(mediator)
    for target in (f"item-{private.pk}", "item-999999", "proposal-1", "<b>", ""):
        response = client.post(DESK, desk_post(item, target=target))
        assert response.status_code == 400, target
        assert "error-summary" in response.content.decode()
    # A resident forging the desk's fields gets nothing recorded.
    client.force_login(people.resident)
    response = client.post(DESK, desk_post(item, channel="phone"))
    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_the_slip_is_only_for_the_desk(client, people, item, mediator):
    contribution = record(item, mediator)
    url = f"/guichet/recu/{mediation_reads.format_code(contribution.receipt_code)}/"
    client.force_login(people.members[0].user)
    assert client.get(url).status_code == 403
    other = make_membership(Role.MEDIATOR, make_council()).user
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(mediator)
    assert client.get("/guichet/recu/ZZZ-ZZZ/").status_code == 404
    assert client.get("/guichet/recu/%3Cscript%3E/").status_code == 404


# --- /suivi/ -------------------------------------------------------------------------------


def _message_block(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


def test_the_follow_up_page_needs_no_account_nor_javascript(client, db):
    response = client.get(FOLLOWUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get"' in html
    assert '<label for="id_code">' in html
    assert "<script" not in html.split("</main>")[0]


def test_a_code_shows_the_status_then_what_the_council_decided(client, people, meeting, mediator):
    item, proposal = start_session(people, meeting)
    contribution = record(proposal, mediator, consent_to_publish=False)
    typed = contribution.receipt_code.lower()  # read over the phone, typed in lower case
    response = client.get(FOLLOWUP, {"code": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert mediation_reads.format_code(contribution.receipt_code) in html
    assert "reçue par téléphone" in html
    assert "en cours d&#x27;examen" in html or "en cours d'examen" in html
    assert "n'est pas publiée" in html or "n&#x27;est pas publiée" in html
    # Nothing the resident gave is shown to whoever holds the code.
    assert "Lemaire" not in html and "0470998877" not in html

    ballot = open_ballot(people, item, proposal)
    actions.check_close_ballot(ballot.pk, acting_user=people.chair.user)
    actions.check_close_item(item, acting_user=people.chair.user)
    html = client.get(FOLLOWUP, {"code": contribution.receipt_code}).content.decode()
    assert "examinée en séance" in html
    assert "Adopter la recommandation ?" in html
    assert f"/seances/{meeting.pk}/direct/" in html
    assert timezone.localtime(meeting.start).strftime("%Y-%m-%d") in html


def test_a_closed_session_decision_is_not_shown_to_a_code_holder(client, people, meeting, mediator):
    """Recorded on a public item that the secretariat later switched to a closed session
    (huis clos): /suivi/ shows only what the public archive shows, and still says in words
    what became of the contribution."""
    item, proposal = start_session(people, meeting)
    contribution = record(proposal, mediator)
    # What the meeting's admin form does when the item goes behind closed doors.
    AgendaItem.objects.filter(pk=item.pk).update(is_public=False)
    item.refresh_from_db()
    ballot = open_ballot(people, item, proposal)
    actions.check_close_ballot(ballot.pk, acting_user=people.chair.user)
    actions.check_close_item(item, acting_user=people.chair.user)
    decision = Decision.objects.get(ballot=ballot)
    assert not public_decisions().filter(pk=decision.pk).exists()

    response = client.get(FOLLOWUP, {"code": contribution.receipt_code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "examinée en séance" in html
    assert "Adopter la recommandation ?" not in html
    assert decision.hash not in html
    assert f"/decisions/{people.council.slug}/" not in html


def test_unknown_malformed_and_expired_codes_get_the_same_message(client, item, mediator):
    contribution = record(item, mediator)
    Contribution.objects.filter(pk=contribution.pk).update(
        created_at=timezone.now() - mediation_reads.CODE_VALIDITY - datetime.timedelta(days=1)
    )
    blocks = set()
    for code in (contribution.receipt_code, "ZZZ-ZZZ", "K7M-4Q0", "x" * 500, "é🙂"):
        response = client.get(FOLLOWUP, {"code": code})
        assert response.status_code == 404
        html = response.content.decode()
        assert NOT_FOUND in html
        blocks.add(_message_block(html))
    assert len(blocks) == 1
    assert "K7M-4QX" in blocks.pop()
    assert client.get(FOLLOWUP, {"code": ""}).status_code == 400


def test_lookups_are_rate_limited_per_address(client, item, mediator):
    contribution = record(item, mediator)
    for _ in range(10):
        assert client.get(FOLLOWUP, {"code": "ZZZ-ZZZ"}).status_code == 404
    response = client.get(FOLLOWUP, {"code": contribution.receipt_code})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de" in html
    assert mediation_reads.format_code(contribution.receipt_code) not in html.split("value=")[0]
    # Another address is not throttled, and the page without a code never is.
    assert client.get(FOLLOWUP).status_code == 200
    other = client.get(FOLLOWUP, {"code": contribution.receipt_code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_a_repeated_code_parameter_is_no_500(client, db):
    assert client.get(FOLLOWUP + "?code=a&code=b").status_code == 404


# --- Public counts -------------------------------------------------------------------------


def test_the_item_page_shows_counts_by_channel_and_only_consented_texts(client, item, mediator):
    record(item, mediator, channel="phone", text="Avis public par téléphone")
    record(item, mediator, channel="phone", text="Avis privé", consent_to_publish=False)
    record(item, mediator, channel="letter", text="Avis public par courrier")
    record(item, mediator, channel="epn", text="Avis public EPN")
    response = client.get(f"/points/{item.pk}/contributions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 contributions reçues hors ligne" in html
    assert "2 reçue par téléphone" in html
    assert "1 reçue par courrier" in html
    assert "1 reçue à l&#x27;espace public numérique" in html
    assert "Avis public par téléphone" in html and "Avis public par courrier" in html
    assert "Avis privé" not in html
    assert "Reçue par courrier" in html  # each published text shows its channel
    assert "Georges" not in html and "0470998877" not in html
    assert "1 autre avis a été transmis" in html


def test_the_item_page_runs_the_same_queries_whatever_the_number(client, item, mediator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/points/{item.pk}/contributions/").status_code == 200
        return len(captured)

    for channel in ("phone", "letter", "counter"):
        record(item, mediator, channel=channel)
    queries()  # the first request fills the site's caches (site, locale, navigation)
    few = queries()
    for i in range(30):
        record(item, mediator, channel=ContributionChannel.values[i % 5])
    assert queries() == few


def test_private_and_unknown_items_have_no_public_page(client, meeting):
    private = meeting.agenda_items.get(number=3)
    AgendaItem.objects.filter(pk=private.pk).update(is_public=False)
    assert client.get(f"/points/{private.pk}/contributions/").status_code == 404
    assert client.get("/points/999999/contributions/").status_code == 404


# --- Demo ----------------------------------------------------------------------------------


def test_the_demo_seeds_mediated_contributions_on_the_draft_recommendation(db, client):
    from cms.demo import seed_people
    from deliberation.demo import UPCOMING_TITLE, seed_deliberation
    from deliberation.mediation_demo import seed_mediation

    council = seed_people()
    seed_deliberation(council)
    seeded = seed_mediation(council)
    assert seed_mediation(council) == []  # idempotent
    assert Contribution.objects.count() == len(seeded) == 5
    item = seeded[0].agenda_item
    assert item.meeting.title == UPCOMING_TITLE
    assert {c.proposal for c in seeded} == {item.proposals.get()}
    assert {c.recorded_by.email for c in seeded} == {"guichet@example.org"}
    data = mediation_reads.item_contributions(item)
    assert {row.channel: row.count for row in data.by_channel} == {
        "phone": 2,
        "letter": 1,
        "counter": 1,
        "epn": 1,
    }
    assert len(data.published) == 4 and data.unpublished == 1
    html = client.get(f"/points/{item.pk}/contributions/").content.decode()
    assert "5 contributions reçues hors ligne" in html


def test_mon_espace_links_mediators_to_the_desk(client, people, mediator):
    client.force_login(mediator)
    assert 'href="/guichet/"' in client.get("/espace/").content.decode()
    client.force_login(people.members[0].user)
    assert 'href="/guichet/"' not in client.get("/espace/").content.decode()
