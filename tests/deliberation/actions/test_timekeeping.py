"""Time keeping: speaking time per meeting, item and speaker (the chair's), deadlines stored
by the server, points of order and replies at the head of the list, time spoken recorded
and written in the minutes, an optional countdown for a ballot."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from cms.minutes import minutes
from deliberation import actions, forms, selectors, timekeeping
from deliberation.actions import ActionError
from deliberation.models import SpeakerRequest

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 12, 6, 19, 30, tzinfo=datetime.UTC)


@contextmanager
def clock_at(moment: datetime.datetime):
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def types(sent):
    return [event.type for _group, event in sent]


def test_deadline_from_meeting_item_and_speaker(session, capture):
    m = session.people.members
    with capture() as sent:
        actions.check_set_meeting_speaking_time(session.meeting, 120, acting_user=session.chair)
    assert types(sent) == ["deliberation.speaking_time_changed"]
    request = actions.check_request_floor(session.item, acting_user=m[0].user)
    with clock_at(T0):
        actions.check_give_floor(session.item, request.pk, acting_user=session.chair)
    request.refresh_from_db()
    assert request.started_at == T0
    assert request.deadline == T0 + datetime.timedelta(seconds=120)

    # The item's time overrides the meeting's; the running turn follows.
    with capture() as sent:
        actions.check_set_item_speaking_time(session.item, 60, acting_user=session.chair)
    assert types(sent) == ["deliberation.speaking_time_changed"]
    request.refresh_from_db()
    assert request.deadline == T0 + datetime.timedelta(seconds=60)

    # The speaker's own time overrides both; 0 means no limit.
    actions.check_set_speaker_time(session.item, request.pk, 300, acting_user=session.chair)
    request.refresh_from_db()
    assert request.deadline == T0 + datetime.timedelta(seconds=300)
    actions.check_set_speaker_time(session.item, request.pk, 0, acting_user=session.chair)
    request.refresh_from_db()
    assert request.deadline is None

    # Blank item time: back to the meeting's.
    waiting = actions.check_request_floor(session.item, acting_user=m[1].user)
    actions.check_set_item_speaking_time(session.item, "", acting_user=session.chair)
    with clock_at(T0):
        actions.check_give_floor(session.item, waiting.pk, acting_user=session.chair)
    waiting.refresh_from_db()
    assert waiting.deadline == T0 + datetime.timedelta(seconds=120)


def test_a_speaker_time_given_while_waiting_applies_at_the_floor(session):
    request = actions.check_request_floor(session.item, acting_user=session.people.members[0].user)
    actions.check_set_speaker_time(session.item, request.pk, 90, acting_user=session.chair)
    with clock_at(T0):
        actions.check_give_floor(session.item, request.pk, acting_user=session.chair)
    request.refresh_from_db()
    assert request.deadline == T0 + datetime.timedelta(seconds=90)


def test_only_the_chair_keeps_time_and_bad_values_are_refused(session):
    member = session.people.members[0].user
    for user in (session.secretary, member):
        with pytest.raises(ActionError):
            actions.check_set_meeting_speaking_time(session.meeting, 60, acting_user=user)
        with pytest.raises(ActionError):
            actions.check_set_item_speaking_time(session.item, 60, acting_user=user)
    for bad in ("abc", -5, 10 * 3600, None):
        with pytest.raises(ActionError) as refused:
            actions.check_set_meeting_speaking_time(session.meeting, bad, acting_user=session.chair)
        assert refused.value.field == "minutes"
    with pytest.raises(ActionError):
        actions.check_set_speaker_time(session.item, 999999, 60, acting_user=session.chair)
    session.meeting.refresh_from_db()
    assert session.meeting.speaking_time == 300


def test_points_of_order_and_replies_go_to_the_head_of_the_list(session):
    m = session.people.members
    chair = session.chair
    first = actions.check_request_floor(session.item, acting_user=m[0].user)
    second = actions.check_request_floor(session.item, acting_user=m[1].user)
    reply = actions.check_request_floor(session.item, kind="reply", acting_user=m[2].user)
    order = actions.check_add_speaker(session.item, m[3].pk, kind="order", acting_user=chair)
    queue = selectors.speakers(session.item).queue
    assert [r.pk for r in queue] == [order.pk, reply.pk, first.pk, second.pk]
    assert order.kind == SpeakerRequest.Kind.POINT_OF_ORDER
    with pytest.raises(ActionError) as refused:
        actions.check_request_floor(session.item, kind="filibuster", acting_user=m[4].user)
    assert refused.value.field == "kind"


def test_time_spoken_is_recorded_when_a_turn_ends(session):
    m = session.people.members
    first = actions.check_request_floor(session.item, acting_user=m[0].user)
    second = actions.check_request_floor(session.item, kind="reply", acting_user=m[1].user)
    third = actions.check_request_floor(session.item, acting_user=m[2].user)
    with clock_at(T0):
        actions.check_give_floor(session.item, first.pk, acting_user=session.chair)
    # Giving the floor to the next ends the running turn.
    with clock_at(T0 + datetime.timedelta(seconds=65)):
        actions.check_give_floor(session.item, second.pk, acting_user=session.chair)
    with clock_at(T0 + datetime.timedelta(seconds=95)):
        actions.check_end_speaker(session.item, second.pk, acting_user=session.chair)
    with clock_at(T0 + datetime.timedelta(seconds=100)):
        actions.check_give_floor(session.item, third.pk, acting_user=session.chair)
    with clock_at(T0 + datetime.timedelta(seconds=112)):
        actions.check_remove_speaker(session.item, third.pk, acting_user=session.chair)
    for request, spoken in ((first, 65), (second, 30), (third, 12)):
        request.refresh_from_db()
        assert request.spoken_seconds == spoken

    text = str(minutes._item_blocks(session.meeting))
    assert f"{m[0].user} (1 min 05 s)" in text
    assert f"{m[1].user} (réplique, 30 s)" in text


def test_ballot_countdown_is_optional(session):
    with clock_at(T0):
        ballot = session.open_ballot(duration=120)
    assert ballot.deadline == T0 + datetime.timedelta(seconds=120)
    actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    assert session.open_ballot().deadline is None


def test_minutes_are_typed_as_people_say_them():
    assert timekeeping.parse_minutes("3") == 180
    assert timekeeping.parse_minutes("2,5") == 150
    assert timekeeping.parse_minutes("1:30") == 90
    for bad in ("", "abc", "1:75", "-1", "500"):
        with pytest.raises(ValueError):
            timekeeping.parse_minutes(bad)
    assert forms.minutes_value(150) == "2:30"
    assert timekeeping.duration(65) == "1 min 05 s"
    assert timekeeping.duration(120) == "2 min"


# --- Through the pages ----------------------------------------------------------------------


def _staff(client, user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


def test_the_chair_sets_times_from_the_console(client, session):
    chair = _staff(client, session.chair)
    page = f"/seances/{session.meeting.pk}/presidence/"
    html = chair.get(page).content.decode()
    assert "?do=temps-seance" in html and "?do=temps-point" in html
    response = chair.post(page + "?do=temps-seance", {"minutes": "2:30"})
    assert response.status_code == 302
    session.meeting.refresh_from_db()
    assert session.meeting.speaking_time == 150
    response = chair.post(page + "?do=temps-point", {"item": session.item.pk, "minutes": "1"})
    assert response.status_code == 302
    session.item.refresh_from_db()
    assert session.item.speaking_time == 60
    # A typo is explained in the page, nothing changes.
    response = chair.post(page + "?do=temps-seance", {"minutes": "trois"})
    assert response.status_code == 400
    assert "Indiquez des minutes" in response.content.decode()
    session.meeting.refresh_from_db()
    assert session.meeting.speaking_time == 150


def test_the_secretariat_console_has_no_time_forms(client, session):
    secretariat = _staff(client, session.secretary)
    page = f"/seances/{session.meeting.pk}/secretariat/"
    assert "?do=temps-seance" not in secretariat.get(page).content.decode()
    response = secretariat.post(page + "?do=temps-seance", {"minutes": "1"})
    assert response.status_code == 400


def test_members_ask_for_a_point_of_order(client, session):
    member = session.people.members[0].user
    client.force_login(member)
    page = f"/seances/{session.meeting.pk}/salle/"
    html = client.get(page).content.decode()
    assert "Motion d’ordre" in html and "Réplique" in html
    actions.check_request_floor(session.item, acting_user=session.people.members[1].user)
    response = client.post(page + "?do=parole", {"kind": "order"})
    assert response.status_code == 302
    queue = selectors.speakers(session.item).queue
    assert queue[0].membership.user == member
    assert queue[0].kind == SpeakerRequest.Kind.POINT_OF_ORDER


def test_the_deadline_is_printed_for_pages_without_script(client, session):
    request = actions.check_request_floor(session.item, acting_user=session.people.members[0].user)
    actions.check_give_floor(session.item, request.pk, acting_user=session.chair)
    request.refresh_from_db()
    until = timezone.localtime(request.deadline).strftime("%H:%M")
    for page in ("direct", "ecran"):
        html = client.get(f"/seances/{session.meeting.pk}/{page}/").content.decode()
        assert f"jusqu’à {until}" in html
        assert f'data-deadline="{round(request.deadline.timestamp() * 1000)}"' in html
