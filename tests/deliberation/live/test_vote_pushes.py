"""What one vote pushes. From a seat outside the room: the counts only (the public's, the
console's participation and roll-call line, the screen's turnout), each as the page shows
it, read without the speakers or the roll call. From a seat in the room: the roll call and
the ballot panel with them."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import actions, events, live
from deliberation.models import AgendaItem, Ballot
from tests.deliberation.live.test_events import Listener
from tests.deliberation.web.test_views import with_totp

pytestmark = pytest.mark.django_db

COUNTS = {"live-votes-cast", "console-turnout", "console-roll-call-count", "screen-turnout"}


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


def pushed(layer, meeting, capture, vote) -> dict[str, dict[str, str]]:
    """{audience: {fragment id: html}} of what `vote()` pushed to each audience."""
    listeners = {
        audience: Listener(layer, events.audience_group(meeting.pk, audience))
        for audience in events.AUDIENCES
    }
    with capture():
        vote()
    out: dict[str, dict[str, str]] = {}
    for audience, listener in listeners.items():
        messages = listener.drain()
        assert len(messages) == 1, audience
        out[audience] = messages[0]["fragments"]
    return out


def page(client, name: str, meeting) -> str:
    response = client.get(reverse(f"deliberation:{name}", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_vote_from_outside_the_room_pushes_the_counts_only(layer, client, session, capture):
    ballot = session.open_ballot()
    assert ballot.room_method == Ballot.RoomMethod.ROLL_CALL
    remote = session.people.members[4]
    with CaptureQueriesContext(connection) as context:
        fragments = pushed(
            layer,
            session.meeting,
            capture,
            lambda: actions.check_cast_vote(ballot.pk, "yes", acting_user=remote.user),
        )
    assert set(fragments["public"]) == set(fragments["members"]) == {"live-votes-cast"}
    assert set(fragments["staff"]) == {
        "live-votes-cast",
        "console-turnout",
        "console-roll-call-count",
    }
    assert set(fragments["screen"]) == {"screen-turnout"}
    # 7 members present and a proxy: 8 votes possible.
    assert "1 vote exprimé sur 8 possibles" in fragments["staff"]["console-turnout"]
    assert (
        "Faut-il reporter le point ? — 1 vote exprimé."
        in (fragments["staff"]["console-roll-call-count"])
    )
    assert '<strong>1<span class="screen-of"> / 8</span>' in fragments["screen"]["screen-turnout"]
    # Neither the speakers (the screen's) nor the roll call's last entry are read again.
    statements = [query["sql"] for query in context.captured_queries]
    assert not [sql for sql in statements if "deliberation_speakerrequest" in sql]
    assert not [sql for sql in statements if "room_roll_call" in sql]

    # Each fragment is what the page itself shows.
    screen = page(client, "screen", session.meeting)
    assert fragments["screen"]["screen-turnout"] in screen
    client.force_login(with_totp(session.chair))
    assert fragments["staff"]["console-turnout"] in page(client, "chair", session.meeting)
    client.force_login(with_totp(session.secretary))
    roll_call = fragments["staff"]["console-roll-call-count"]
    assert roll_call in page(client, "secretariat", session.meeting)


def test_a_seat_in_the_room_voting_online_leaves_the_roll_call(layer, session, capture):
    ballot = session.open_ballot()
    in_room = session.people.members[1]
    fragments = pushed(
        layer,
        session.meeting,
        capture,
        lambda: actions.check_cast_vote(ballot.pk, "no", acting_user=in_room.user),
    )
    assert set(fragments["staff"]) == {
        "live-votes-cast",
        "console-ballots",
        "console-roll-call",
    }
    assert set(fragments["screen"]) == {"screen-turnout"}
    roll_call = fragments["staff"]["console-roll-call"]
    assert "Faut-il reporter le point ? — 1 vote exprimé." in roll_call
    called = roll_call.split('class="roll-call"')[1]
    assert str(in_room.user) not in called
    assert str(session.people.members[2].user) in called


def test_a_vote_entered_at_the_roll_call_updates_it(layer, session, capture):
    ballot = session.open_ballot()
    member = session.people.members[2]
    fragments = pushed(
        layer,
        session.meeting,
        capture,
        lambda: actions.check_record_room_vote(
            ballot.pk, member.pk, "abstain", acting_user=session.secretary
        ),
    )
    roll_call = fragments["staff"]["console-roll-call"]
    # The secretariat may take the entry back.
    assert "vote-salle-annuler" in roll_call
    assert str(member.user) not in roll_call.split('class="roll-call"')[1]


def test_a_closed_session_ballot_shows_no_count_on_the_screen(layer, session, capture):
    AgendaItem.objects.filter(pk=session.item.pk).update(is_public=False)
    ballot = session.open_ballot()
    fragments = pushed(
        layer,
        session.meeting,
        capture,
        lambda: actions.check_cast_vote(
            ballot.pk, "yes", acting_user=session.people.members[4].user
        ),
    )
    assert "screen-turnout" in fragments["screen"]
    assert "<p" not in fragments["screen"]["screen-turnout"]
    assert "exprimé" not in fragments["public"]["live-votes-cast"]
    assert "1 vote exprimé" in fragments["members"]["live-votes-cast"]


def test_a_resync_sends_each_fragment_once(client, session):
    session.open_ballot()
    url = reverse("deliberation:fragments", args=[session.meeting.pk])
    fragments = client.get(url, {"audience": "screen"}).json()["fragments"]
    assert set(fragments) == {live.SCREEN_FRAGMENT}
    public = client.get(url).json()["fragments"]
    # The count comes inside its ballot panel, not a second time beside it.
    assert "live-ballots" in public
    assert not set(public) & COUNTS
