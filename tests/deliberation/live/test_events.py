"""The live fan-out: one rendering per audience, pushed to that audience's group only."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from deliberation import actions, events, live
from deliberation.models import Attendance, Ballot, Meeting

SECRET_PARAGRAPH = "Texte confidentiel du huis clos."


def start_session(people, meeting):
    """The meeting in session, every voting member present, item 2 open with a proposal."""
    actions.check_open_meeting(meeting, acting_user=people.chair.user)
    for i, membership in enumerate(people.voting):
        status = Attendance.Status.REMOTE if i % 2 else Attendance.Status.ROOM
        actions.check_set_attendance(
            meeting, membership.pk, status, acting_user=people.secretary.user
        )
    item = meeting.agenda_items.order_by("sort_order")[1]
    actions.check_open_item(item, acting_user=people.chair.user)
    proposal = actions.check_create_proposal(
        item,
        title="Recommandation guichets",
        paragraphs=["Premier paragraphe.", "Deuxième paragraphe."],
        acting_user=people.members[0].user,
    )
    meeting.refresh_from_db()
    return item, proposal


def open_ballot(people, item, proposal) -> Ballot:
    return actions.check_open_ballot(
        item,
        subject=Ballot.Subject.PROPOSAL,
        proposal_id=proposal.pk,
        question="Adopter la recommandation ?",
        acting_user=people.chair.user,
    )


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


class Listener:
    """A channel subscribed to some groups, as a consumer would be."""

    def __init__(self, layer, *groups: str) -> None:
        self.layer = layer
        self.channel = async_to_sync(layer.new_channel)()
        for group in groups:
            async_to_sync(layer.group_add)(group, self.channel)

    def drain(self) -> list[dict]:
        async def receive_all() -> list[dict]:
            out = []
            while True:
                try:
                    out.append(await asyncio.wait_for(self.layer.receive(self.channel), 0.05))
                except TimeoutError:
                    return out

        return [json.loads(m["text"]) for m in async_to_sync(receive_all)()]


@pytest.fixture
def session(people, meeting):
    return start_session(people, meeting)


def test_an_event_reaches_each_audience_once_with_its_own_rendering(
    layer, people, meeting, session, capture
):
    item, proposal = session
    listeners = {
        audience: Listener(layer, events.audience_group(meeting.pk, audience))
        for audience in events.AUDIENCES
    }
    with capture() as sent:
        ballot = open_ballot(people, item, proposal)
    assert [type(e).__name__ for _g, e in sent] == ["BallotOpened"]

    received = {audience: listener.drain() for audience, listener in listeners.items()}
    for audience, messages in received.items():
        assert len(messages) == 1, audience
        message = messages[0]
        assert message["event"] == "deliberation.ballot_opened"
        assert message["data"]["ballot_id"] == ballot.pk
        # The room's screen has one fragment of its own.
        fragment = "screen" if audience == events.SCREEN else "live-ballots"
        assert "Adopter la recommandation ?" in message["fragments"][fragment]
        assert message["announce"] == "Scrutin ouvert : Adopter la recommandation ?"
    # Each audience gets the fragments its pages show, and no more.
    assert set(received["public"][0]["fragments"]) == {"live-ballots", "live-item"}
    assert "console-ballots" in received["staff"][0]["fragments"]
    assert "console-ballots" not in received["members"][0]["fragments"]
    # Staff fragments hold the chair's controls; nobody else's do.
    assert f"?cloture={ballot.pk}#cloture" in received["staff"][0]["fragments"]["console-ballots"]
    for audience in ("public", "members"):
        assert "cloture=" not in json.dumps(received[audience][0]["fragments"])


def test_the_public_never_receives_forms_nor_closed_session_content(
    layer, people, council, capture
):
    import datetime

    from django.utils import timezone

    from deliberation.models import AgendaItem

    # Built as the Wagtail admin builds it: in memory, then saved through the action.
    meeting = Meeting(
        council=council, title="Séance", start=timezone.now() + datetime.timedelta(hours=1)
    )
    meeting.agenda_items = [  # type: ignore[assignment]
        AgendaItem(title="Personnel", kind="debate", is_public=False, number=1, sort_order=0)
    ]
    actions.do_save_meeting(meeting, acting_user=people.secretary.user)
    actions.check_open_meeting(meeting, acting_user=people.chair.user)
    item = meeting.agenda_items.get()
    public = Listener(layer, events.audience_group(meeting.pk, "public"))
    members = Listener(layer, events.audience_group(meeting.pk, "members"))
    with capture():
        actions.check_open_item(item, acting_user=people.chair.user)
        actions.check_create_proposal(
            item, title="Dossier", paragraphs=[SECRET_PARAGRAPH], acting_user=people.chair.user
        )
    public_text = json.dumps(public.drain())
    members_text = json.dumps(members.drain())
    assert SECRET_PARAGRAPH in members_text
    assert SECRET_PARAGRAPH not in public_text
    assert "huis clos" in public_text
    assert "<form" not in public_text
    assert "live-participate" not in public_text


def test_a_vote_updates_the_count_for_all_and_the_paper_for_the_voter_only(
    layer, people, meeting, session, capture
):
    item, proposal = session
    ballot = open_ballot(people, item, proposal)
    voter, other = people.members[1], people.members[2]
    public = Listener(layer, events.audience_group(meeting.pk, "public"))
    voter_own = Listener(layer, events.user_push_group(voter.user_id))
    other_own = Listener(layer, events.user_push_group(other.user_id))
    with capture():
        actions.check_cast_vote(ballot.pk, "yes", acting_user=voter.user)

    public_messages = public.drain()
    assert len(public_messages) == 1
    # How many voted, never what: the open ballot's count is all that a vote changes.
    assert list(public_messages[0]["fragments"]) == ["live-votes-cast"]
    count = public_messages[0]["fragments"]["live-votes-cast"]
    assert 'id="live-votes-cast"' in count
    assert "1 vote exprimé" in count
    assert "pour" not in count

    own = voter_own.drain()
    assert len(own) == 1
    paper_id = live.user_fragment_id("my-vote", meeting.pk)
    assert list(own[0]["fragments"]) == [paper_id]
    assert "Vous avez voté : pour" in own[0]["fragments"][paper_id]
    assert other_own.drain() == []


def test_a_ballot_opening_hands_each_seated_member_a_paper(
    layer, people, meeting, session, capture
):
    item, proposal = session
    member = people.members[0]
    own = Listener(layer, events.user_push_group(member.user_id))
    resident = Listener(layer, events.user_push_group(people.resident.pk))
    with capture():
        open_ballot(people, item, proposal)
    messages = own.drain()
    assert len(messages) == 1
    paper = messages[0]["fragments"][live.user_fragment_id("my-vote", meeting.pk)]
    assert 'action="?do=voter"' in paper
    # Rendered outside a request: the page's script adds its own CSRF token.
    assert "csrfmiddlewaretoken" not in paper
    assert resident.drain() == []


def test_closing_announces_the_result(layer, people, meeting, session, capture):
    item, proposal = session
    ballot = open_ballot(people, item, proposal)
    for membership, choice in zip(people.voting, ["yes", "yes", "no", "abstain"], strict=False):
        actions.check_cast_vote(ballot.pk, choice, acting_user=membership.user)
    public = Listener(layer, events.audience_group(meeting.pk, "public"))
    with capture():
        actions.check_close_ballot(ballot.pk, acting_user=people.chair.user)
    closed = [m for m in public.drain() if m["event"] == "deliberation.ballot_closed"]
    assert len(closed) == 1
    assert closed[0]["announce"] == (
        "Scrutin clos : proposition adoptée, 2 pour, 1 contre, 1 abstention"
    )
    result = closed[0]["fragments"]["live-ballots"]
    assert "Adopté" in result
    # An open ballot publishes who voted what at close, in words.
    assert "Claire : pour" in result


def test_every_declared_event_type_has_its_fragments_mapped():
    unmapped = (
        set(events.event_types())
        - set(live.EVENT_FRAGMENTS)
        - {
            "deliberation.own_vote_recorded"  # a user-group event: the user's own fragments
        }
    )
    assert unmapped == set()
    for keys, _users in live.EVENT_FRAGMENTS.values():
        assert set(keys) <= set(live.FRAGMENTS)


def test_group_names():
    assert events.meeting_group(3) == "meeting-3"
    assert events.user_group(7) == "user-7"
    assert events.user_push_group(7) == "user-7.fr"
    assert events.user_push_group(7, "nl") == "user-7.nl"
    assert events.audience_group(3, "staff") == "meeting-3.staff.fr"
    assert events.audience_group(3, "staff", "en") == "meeting-3.staff.en"
    # A language the site does not speak falls back to the site's own.
    assert events.audience_group(3, "public", "de") == "meeting-3.public.fr"
    assert events.parse_group("meeting-3") == ("meeting", 3)
    with pytest.raises(ValueError):
        events.audience_group(3, "everyone")
    with pytest.raises(ValueError):
        events.parse_group("meeting-3.public")
