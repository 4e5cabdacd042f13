"""While pushes are muted (the demo's seeding), an event renders and sends nothing; outside,
the same event is delivered."""

from __future__ import annotations

from unittest import mock

from deliberation import events, push


def test_a_muted_push_delivers_nothing_and_unmutes_after():
    event = events.MeetingOpened(meeting_id=1)
    with mock.patch.object(push, "deliver") as deliver:
        with push.muted():
            push.push("meeting-1", event)
        assert deliver.call_count == 0
        push.push("meeting-1", event)
    deliver.assert_called_once_with("meeting-1", event)
