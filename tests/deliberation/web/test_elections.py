"""An item's election page without JavaScript: every control a form, every refusal a
message in the page (status 400, never a 500), the result linked to its decision."""

from __future__ import annotations

from html import unescape

import pytest
from django.utils import timezone

from council.models import Membership, Role
from deliberation import actions
from deliberation.models import AgendaItem, Ballot, Candidacy, Election
from tests.deliberation.web.test_views import with_totp


@pytest.fixture
def staff(session):
    with_totp(session.chair)
    with_totp(session.secretary)
    return session


def page(item) -> str:
    return f"/points/{item.pk}/elections/"


def post(client, user, item, do, data):
    client.force_login(user)
    return client.post(f"{page(item)}?do={do}", data)


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_secretariat_calls_and_members_stand_without_js(client, staff):
    s, p = staff, staff.people
    item = s.item
    response = post(
        client,
        s.secretary,
        item,
        "appel",
        {
            "office": "chair",
            "seats": "1",
            "mode": "single",
            "opens_at": "2020-01-01T09:00",
            "closes_at": "2099-01-01T09:00",
        },
    )
    assert response.status_code == 302
    election = Election.objects.get(agenda_item=item)
    # A member stands, another proposes a third, who consents.
    assert (
        post(client, p.members[1].user, item, "candidature", {"election": election.pk}).status_code
        == 302
    )
    response = post(
        client,
        p.members[0].user,
        item,
        "candidature",
        {"election": election.pk, "candidate": p.members[2].pk},
    )
    assert response.status_code == 302
    proposed = Candidacy.objects.get(candidate=p.members[2])
    assert proposed.consented_at is None
    client.force_login(p.members[2].user)
    body = text(client.get(page(item)))
    assert "Accepter ma candidature" in body and "en attente d'acceptation" in body
    assert (
        post(client, p.members[2].user, item, "accepter", {"candidacy": proposed.pk}).status_code
        == 302
    )
    # The public sees the list.
    client.logout()
    body = text(client.get(page(item)))
    assert str(p.members[1].user) in body and str(p.members[2].user) in body
    assert "Déposer la candidature" not in body and "Ouvrir l'appel" not in body


@pytest.mark.parametrize(
    ("user", "do", "data", "message"),
    [
        ("member", "appel", {"office": "chair"}, "Seul le secrétariat"),
        ("secretary", "appel", {"office": "chair", "seats": "deux"}, "nombre entier"),
        (
            "secretary",
            "appel",
            {"office": "chair", "seats": "1", "mode": "single", "opens_at": "hier"},
            "date et une heure",
        ),
        ("member", "candidature", {"election": "x"}, "n'existe pas"),
        ("member", "ouvrir-tour", {"election": "E"}, "n'existe pas"),
        ("member", "voter", {"ballot": "999999", "choice": "1"}, "n'existe pas"),
        ("secretary", "clore-tour", {"ballot": ""}, "n'existe pas"),
        ("member", "inconnu", {}, "Action inconnue"),
    ],
)
def test_bad_input_is_a_message_never_a_500(client, staff, user, do, data, message):
    who = staff.people.members[0].user if user == "member" else staff.secretary
    response = post(client, who, staff.item, do, data)
    assert response.status_code == 400
    assert message in text(response)


def test_a_round_voted_counted_and_closed_from_the_page(client, staff):
    s, p = staff, staff.people
    m = p.members
    for member in (m[1], m[2]):
        actions.check_set_attendance(s.meeting, member.pk, "remote", acting_user=s.secretary)
    now = timezone.now()
    election = actions.check_open_candidacies(
        s.item,
        office="vice_chair",
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(hours=1),
        acting_user=s.secretary,
    )
    a = actions.check_file_candidacy(election.pk, acting_user=m[1].user)
    b = actions.check_file_candidacy(election.pk, acting_user=m[2].user)
    Election.objects.filter(pk=election.pk).update(candidacies_close_at=now)
    # Only the chair opens the round.
    response = post(client, s.secretary, s.item, "ouvrir-tour", {"election": election.pk})
    assert response.status_code == 400 and "Seule la présidence" in text(response)
    assert (
        post(client, s.chair, s.item, "ouvrir-tour", {"election": election.pk}).status_code == 302
    )
    ballot = Ballot.objects.get(election=election)
    # The ballot paper: a radio per candidate and blank.
    client.force_login(m[1].user)
    body = text(client.get(page(s.item)))
    assert f'type="radio" name="choice" value="{a.pk}"' in body
    assert 'value="blank"' in body
    response = post(client, m[1].user, s.item, "voter", {"ballot": ballot.pk})
    assert response.status_code == 400 and "votez blanc" in text(response)
    response = post(client, m[1].user, s.item, "voter", {"ballot": ballot.pk, "choice": "invalid"})
    assert response.status_code == 400 and "pas candidate" in text(response)
    assert (
        post(client, m[1].user, s.item, "voter", {"ballot": ballot.pk, "choice": a.pk}).status_code
        == 302
    )
    assert (
        post(client, m[2].user, s.item, "voter", {"ballot": ballot.pk, "choice": a.pk}).status_code
        == 302
    )
    assert "Votre vote est enregistré." in text(client.get(page(s.item)))
    # The tellers' count: four paper ballots in the room (chair, vice-chair, members 0 and 3;
    # member 0 also holds member 5's proxy, voted in the room too).
    counts = {"ballots": "5", f"count_{a.pk}": "3", f"count_{b.pk}": "1", "count_blank": "1"}
    response = post(
        client,
        s.secretary,
        s.item,
        "depouillement",
        {"ballot": ballot.pk, **counts, "ballots": "4"},
    )
    assert response.status_code == 400 and "doivent faire" in text(response)
    assert (
        post(
            client, s.secretary, s.item, "depouillement", {"ballot": ballot.pk, **counts}
        ).status_code
        == 302
    )
    response = post(client, s.secretary, s.item, "clore-tour", {"ballot": ballot.pk})
    assert response.status_code == 400 and "Seule la présidence" in text(response)
    assert post(client, s.chair, s.item, "clore-tour", {"ballot": ballot.pk}).status_code == 302
    ballot.refresh_from_db()
    decision = ballot.decision
    assert decision.text_voted["elected"] == [str(a.pk)]
    mandate = Membership.objects.current().get(user=m[1].user, council=p.council)
    assert mandate.role == Role.VICE_CHAIR and mandate.start_decision == decision.reference
    body = text(client.get(page(s.item)))
    assert decision.reference in body and "le décompte pas à pas" in body
    # The decision page shows the count per candidate and the steps.
    body = text(client.get(f"/decisions/{p.council.slug}/{decision.year}/{decision.number}/"))
    assert str(m[1].user) in body
    for step in decision.text_voted["steps"]:
        assert step in body


def test_the_members_room_sends_an_election_round_to_its_page(client, staff):
    s, m = staff, staff.people.members
    actions.check_set_attendance(s.meeting, m[1].pk, "remote", acting_user=s.secretary)
    now = timezone.now()
    election = actions.check_open_candidacies(
        s.item,
        office="chair",
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(hours=1),
        acting_user=s.secretary,
    )
    actions.check_file_candidacy(election.pk, acting_user=m[1].user)
    Election.objects.filter(pk=election.pk).update(candidacies_close_at=now)
    ballot = actions.check_open_round(election.pk, acting_user=s.chair)
    client.force_login(m[1].user)
    body = text(client.get(f"/seances/{s.meeting.pk}/salle/"))
    assert f"{page(s.item)}#tour-{ballot.pk}" in body
    # The room's yes/no form cannot vote in it either.
    response = client.post(
        f"/seances/{s.meeting.pk}/salle/?do=voter", {"ballot": ballot.pk, "choice": "yes"}
    )
    assert response.status_code == 400
    assert "tour d'élection" in text(response)


def test_the_item_page_publishes_the_candidacies(client, staff):
    s, m = staff, staff.people.members
    now = timezone.now()
    election = actions.check_open_candidacies(
        s.item,
        office="delegate",
        body="Intercommunale des eaux",
        seats=2,
        mode="list",
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(hours=1),
        acting_user=s.secretary,
    )
    actions.check_file_candidacy(election.pk, acting_user=m[1].user)
    actions.check_file_candidacy(election.pk, candidate_id=m[2].pk, acting_user=m[0].user)
    for room in ("direct", "salle"):
        client.force_login(m[3].user)
        body = text(client.get(f"/seances/{s.meeting.pk}/{room}/"))
        assert "Intercommunale des eaux" in body
        assert str(m[1].user) in body and "en attente d'acceptation" in body
        assert page(s.item) in body


def test_an_item_in_closed_session_hides_its_elections_from_the_public(client, staff):
    AgendaItem.objects.filter(pk=staff.item.pk).update(is_public=False)
    assert client.get(page(staff.item)).status_code == 404
    client.force_login(staff.people.members[0].user)
    assert client.get(page(staff.item)).status_code == 200
    assert client.get("/points/999999/elections/").status_code == 404


def test_the_consoles_and_the_screen_render_with_a_round_open(client, staff):
    s, m = staff, staff.people.members
    now = timezone.now()
    election = actions.check_open_candidacies(
        s.item,
        office="chair",
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(hours=1),
        acting_user=s.secretary,
    )
    actions.check_file_candidacy(election.pk, acting_user=m[1].user)
    Election.objects.filter(pk=election.pk).update(candidacies_close_at=now)
    ballot = actions.check_open_round(election.pk, acting_user=s.chair)
    for user, room in ((s.chair, "presidence"), (s.secretary, "secretariat"), (None, "ecran")):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(f"/seances/{s.meeting.pk}/{room}/").status_code == 200
    client.force_login(s.chair)
    response = client.get(f"/seances/{s.meeting.pk}/presidence/?cloture={ballot.pk}")
    assert response.status_code == 200
    # The console's close button refuses an election round with a message.
    response = client.post(
        f"/seances/{s.meeting.pk}/presidence/?do=scrutin-clore", {"ballot": ballot.pk, "seen": 0}
    )
    assert response.status_code == 400
    assert "tour d'élection" in text(response)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN
