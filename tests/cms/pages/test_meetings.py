import datetime

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from deliberation.models import AgendaItem
from tests.cms.conftest import add_meeting


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def meeting_with_closed_item(council, meeting_index):
    meeting, page = add_meeting(
        council,
        meeting_index,
        1,
        title="Séance ordinaire de mars",
        start=(timezone.now() + datetime.timedelta(days=10)).replace(second=0, microsecond=0),
        items=[
            ("Guichets physiques", AgendaItem.Kind.DEBATE, "Maintenir trois guichets."),
            ("Situation d'un agent", AgendaItem.Kind.INFORMATION, "Détails confidentiels."),
        ],
    )
    closed = meeting.agenda_items.get(title="Situation d'un agent")
    # Writing the item's publicity as the admin form would, through the action.
    from deliberation.actions import do_save_meeting

    items = list(meeting.agenda_items.all())
    for item in items:
        if item.pk == closed.pk:
            item.is_public = False
    meeting.agenda_items = items
    do_save_meeting(meeting, acting_user=None)
    return meeting, page


def test_meeting_page_shows_the_agenda_and_hides_closed_item_details(
    client, meeting_with_closed_item
):
    _meeting, page = meeting_with_closed_item
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Guichets physiques" in html and "Maintenir trois guichets." in html
    assert "Situation d&#x27;un agent" in html or "Situation d'un agent" in html
    assert "Détails confidentiels." not in html
    assert "à huis clos" in html
    assert "Salle du conseil" in html


def test_meeting_index_lists_upcoming_and_past_and_filters_by_year(client, council, meeting_index):
    add_meeting(council, meeting_index, 1, title="Séance à venir")
    add_meeting(
        council,
        meeting_index,
        2,
        title="Séance de 2024",
        start=timezone.make_aware(datetime.datetime(2024, 5, 2, 19)),
    )
    html = client.get(meeting_index.url).content.decode()
    assert (
        html.index("Séance à venir") < html.index("Séances passées") < html.index("Séance de 2024")
    )
    filtered = client.get(meeting_index.url, {"annee": "2024"}).content.decode()
    assert "Séance de 2024" in filtered and "Séance à venir" not in filtered


@pytest.mark.parametrize("year", ["1999", "abc", "-1", "2024' OR 1=1", "9" * 500, ""])
def test_unknown_year_filter_gives_a_clear_page(client, council, meeting_index, year):
    add_meeting(council, meeting_index, 1, title="Séance à venir")
    response = client.get(meeting_index.url, {"annee": year, "page": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Séance à venir" in html
    if year:
        assert "Aucune séance n&#x27;est publiée pour l&#x27;année demandée" in html


def test_draft_meeting_page_is_not_public(client, council, meeting_index):
    add_meeting(council, meeting_index, 1, publish_page=False)
    assert client.get("/seances/seance-1/").status_code == 404
    assert "Séance 1" not in client.get(meeting_index.url).content.decode()


def test_meeting_icalendar_holds_start_place_and_url(client, meeting_with_closed_item):
    meeting, page = meeting_with_closed_item
    response = client.get(page.url + "calendrier/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == meeting.start
    assert "Salle du conseil, hôtel de ville" in str(event["location"])
    assert "hybride" in str(event["location"])
    # The site's canonical address (Wagtail's Site), whatever host the request came by.
    assert str(event["url"]) == page.get_full_url()
    assert page.get_full_url().endswith("/seances/seance-1/")
    assert str(event["summary"]) == "Séance ordinaire de mars"


def test_all_meetings_icalendar_has_one_event_per_published_meeting(client, council, meeting_index):
    for n in range(3):
        add_meeting(council, meeting_index, n)
    add_meeting(council, meeting_index, 9, publish_page=False)
    response = client.get(meeting_index.url + "calendrier/")
    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == ["Séance 0", "Séance 1", "Séance 2"]
    assert len({str(e["uid"]) for e in events}) == 3


def test_home_shows_the_next_meeting_and_its_agenda(client, council, meeting_index):
    add_meeting(council, meeting_index, 3, title="Séance suivante")
    add_meeting(council, meeting_index, 1, title="Séance prochaine")
    html = client.get("/").content.decode()
    assert "Prochaine séance" in html
    assert "Séance prochaine" in html and "Séance suivante" not in html
    assert "Point public 1" in html
