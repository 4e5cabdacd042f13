"""A meeting and its items: opened, closed, moved between; the events each sends."""

from __future__ import annotations

import pytest

from deliberation import actions, events, selectors
from deliberation.actions import ActionError
from deliberation.models import (
    AgendaItem,
    AuditEntry,
    Meeting,
)
from tests.deliberation.actions.support import mgroup, types


def test_save_meeting_emits_agenda_changed(people, meeting, capture):
    meeting.title = "Séance ordinaire de mars"
    with capture() as sent:
        actions.do_save_meeting(meeting, acting_user=people.secretary.user)
    assert Meeting.objects.get(pk=meeting.pk).title == "Séance ordinaire de mars"
    assert sent == [(mgroup(meeting), events.AgendaChanged(meeting_id=meeting.pk))]
    assert [i.number for i in selectors.agenda(meeting)] == [1, 2, 3]


def test_open_and_close_meeting(people, meeting, capture):
    with capture() as sent:
        actions.check_open_meeting(meeting, acting_user=people.chair.user)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.IN_SESSION
    assert sent == [(mgroup(meeting), events.MeetingOpened(meeting_id=meeting.pk))]
    item = meeting.agenda_items.get(number=1)
    actions.check_open_item(item, acting_user=people.chair.user)
    with capture() as sent:
        actions.check_close_meeting(meeting, acting_user=people.secretary.user)
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.state == Meeting.State.CLOSED and meeting.end is not None
    assert meeting.current_item is None and item.state == AgendaItem.State.CLOSED
    assert types(sent) == ["deliberation.item_closed", "deliberation.meeting_closed"]
    assert AuditEntry.objects.filter(meeting=meeting, action="meeting_closed").exists()
    with pytest.raises(ActionError, match="close"):
        actions.check_open_meeting(meeting, acting_user=people.chair.user)


def test_open_item_closes_the_previous_one(session, capture):
    other = session.meeting.agenda_items.get(number=3)
    with capture() as sent:
        actions.check_open_item(other, acting_user=session.chair)
    session.item.refresh_from_db()
    session.meeting.refresh_from_db()
    assert session.item.state == AgendaItem.State.CLOSED
    assert session.meeting.current_item == other
    assert sent == [
        (
            mgroup(session.meeting),
            events.ItemClosed(meeting_id=session.meeting.pk, item_id=session.item.pk),
        ),
        (
            mgroup(session.meeting),
            events.ItemOpened(meeting_id=session.meeting.pk, item_id=other.pk),
        ),
    ]


def test_close_item(session, capture):
    with capture() as sent:
        actions.check_close_item(session.item, acting_user=session.secretary)
    session.meeting.refresh_from_db()
    assert session.meeting.current_item is None
    assert types(sent) == ["deliberation.item_closed"]


def test_item_with_an_open_ballot_cannot_be_left(session):
    session.open_ballot()
    with pytest.raises(ActionError, match="scrutin"):
        actions.check_close_item(session.item, acting_user=session.chair)
    with pytest.raises(ActionError, match="scrutin"):
        actions.check_open_item(
            session.meeting.agenda_items.get(number=3), acting_user=session.chair
        )
    with pytest.raises(ActionError, match="scrutin"):
        actions.check_close_meeting(session.meeting, acting_user=session.chair)
