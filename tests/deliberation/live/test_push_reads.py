"""What a push reads and renders once: the pushes of one commit share one reading of the
room, a fragment that is the same for every audience is rendered once, and nothing read
after one commit serves the next."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import actions, events, live
from deliberation.models import Attendance
from tests.deliberation.live.test_events import Listener, open_ballot, start_session

ATTENDANCE_TABLE = 'FROM "deliberation_attendance"'


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


@pytest.fixture
def session(people, meeting):
    return start_session(people, meeting)


def attendance_reads(context: CaptureQueriesContext) -> int:
    return sum(ATTENDANCE_TABLE in query["sql"] for query in context.captured_queries)


def test_a_vote_reads_the_attendance_once_for_all_its_pushes(
    layer, people, meeting, session, capture
):
    item, proposal = session
    ballot = open_ballot(people, item, proposal)
    voter = people.members[1]
    own = Listener(layer, events.user_push_group(voter.user_id))
    staff = Listener(layer, events.audience_group(meeting.pk, "staff"))
    with CaptureQueriesContext(connection) as context, capture():
        actions.check_cast_vote(ballot.pk, "yes", acting_user=voter.user)
    # One reading for the permission check and the action under its lock, then one for the
    # pushes of every audience and for the voter's own ballot paper.
    assert attendance_reads(context) == 2
    assert len(staff.drain()) == 1
    [paper] = own.drain()
    assert "Vous avez voté : pour" in "".join(paper["fragments"].values())


def test_what_one_commit_read_does_not_serve_the_next(layer, people, meeting, session, capture):
    item, proposal = session
    ballot = open_ballot(people, item, proposal)
    public = Listener(layer, events.audience_group(meeting.pk, "public"))
    with capture():
        actions.check_cast_vote(ballot.pk, "yes", acting_user=people.members[1].user)
    public.drain()
    with capture():
        actions.check_set_attendance(
            meeting,
            people.members[3].pk,
            Attendance.Status.ABSENT,
            acting_user=people.secretary.user,
        )
    [message] = public.drain()
    present = len(people.voting) - 1
    assert (
        f"{present} membres avec voix délibérative présents"
        in (message["fragments"]["live-attendance"])
    )


def test_the_fragments_rendered_once_are_the_same_for_every_audience(people, meeting, session):
    item, proposal = session
    open_ballot(people, item, proposal)
    meeting.refresh_from_db()
    shared = [key for key, fragment in live.FRAGMENTS.items() if not fragment.per_audience]
    assert shared
    for key in shared:
        audiences = sorted(live.FRAGMENTS[key].audiences)
        renderings = {
            audience: live.render_fragment(key, live.RoomState(meeting, audience))
            for audience in audiences
        }
        assert len(set(renderings.values())) == 1, (key, renderings)
