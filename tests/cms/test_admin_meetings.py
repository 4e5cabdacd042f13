"""The secretariat prepares a meeting and its agenda in the Wagtail admin; the save goes
through deliberation's do_save_meeting."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.models import MeetingPage
from council.models import Role
from deliberation.admin import meetings as meetings_admin
from deliberation.models import Meeting
from tests.factories import make_membership, make_user


@pytest.fixture
def secretariat(settings, council):
    settings.DEMO = True  # demo accounts skip the TOTP set-up staff must otherwise do
    user = make_membership(Role.SECRETARY, council, make_user("sec@example.org")).user
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def saves(monkeypatch):
    calls = []
    real = meetings_admin.do_save_meeting

    def spy(meeting, *, acting_user):
        calls.append((meeting.title, acting_user))
        return real(meeting, acting_user=acting_user)

    monkeypatch.setattr(meetings_admin, "do_save_meeting", spy)
    return calls


def _form(council, items, **fields):
    return nested_form_data(
        {
            "council": council.pk,
            "title": "Séance de printemps",
            "start": "2030-04-02 19:00",
            "end": "2030-04-02 21:30",
            "place": "Salle du conseil",
            "mode": "hybrid",
            "state": "draft",
            "agenda_items": inline_formset(items),
            **fields,
        }
    )


def _item(title, **fields):
    return {
        "number": "",
        "title": title,
        "description": f"Description de « {title} ».",
        "kind": "debate",
        "is_public": "on",
        **fields,
    }


def test_secretariat_creates_a_meeting_with_its_agenda_through_the_action(
    secretariat, council, meeting_index, saves
):
    add_url = reverse("wagtailsnippets_deliberation_meeting:add")
    assert secretariat.get(add_url).status_code == 200
    response = secretariat.post(
        add_url, _form(council, [_item("Guichets"), _item("Maisons multiservices")])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="Séance de printemps")
    assert [i.title for i in meeting.agenda_items.order_by("sort_order")] == [
        "Guichets",
        "Maisons multiservices",
    ]
    assert saves and saves[0][0] == "Séance de printemps"
    assert saves[0][1].email == "sec@example.org"
    # Its page is created as a draft for the secretariat to publish or schedule.
    page = MeetingPage.objects.get(meeting=meeting)
    assert not page.live


def test_editing_the_agenda_saves_through_the_action(secretariat, council, meeting_index, saves):
    from tests.cms.conftest import add_meeting

    meeting, _page = add_meeting(council, meeting_index, 1, items=[])
    edit_url = reverse("wagtailsnippets_deliberation_meeting:edit", args=(meeting.pk,))
    assert secretariat.get(edit_url).status_code == 200
    response = secretariat.post(
        edit_url, _form(council, [_item("Point ajouté")], title="Séance 1 modifiée")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert meeting.title == "Séance 1 modifiée"
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Point ajouté"]
    assert [title for title, _user in saves] == ["Séance 1 modifiée"]


def test_admin_cannot_put_a_meeting_in_session(secretariat, council, meeting_index):
    add_url = reverse("wagtailsnippets_deliberation_meeting:add")
    response = secretariat.post(add_url, _form(council, [], state="in_session"))
    assert response.status_code == 200  # form redisplayed with its error
    assert not Meeting.objects.filter(title="Séance de printemps").exists()


def test_residents_and_members_do_not_reach_meeting_admin(council):
    member = make_membership(Role.MEMBER, council, make_user()).user
    client = Client()
    client.force_login(member)
    response = client.get(reverse("wagtailsnippets_deliberation_meeting:list"))
    assert response.status_code in (302, 403)
