"""Pushes in the watcher's language: one rendering per audience and language read, and the
result announced as a sentence whose words agree with what was voted on."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.utils import translation

from council.asgi import application
from deliberation import actions, events, live
from deliberation.models import Ballot, Decision
from tests.deliberation.live.test_events import Listener, open_ballot, start_session


@pytest.fixture(autouse=True)
def _forget_languages():
    # Which languages a meeting is watched in lives in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()
    # A request to a /nl/ page leaves Dutch active in this thread, for the tests after.
    translation.deactivate()


@pytest.fixture
def layer(settings):
    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


def decision(subject, outcome, yes=0, no=0, abstain=0) -> Decision:
    return Decision(
        subject=subject,
        outcome=outcome,
        tally={"total": {"yes": yes, "no": no, "abstain": abstain}},
    )


A, P, Q = Ballot.Subject.AMENDMENT, Ballot.Subject.PROPOSAL, Ballot.Subject.PROCEDURAL
ADOPTED, REJECTED = Decision.Outcome.ADOPTED, Decision.Outcome.REJECTED


@pytest.mark.parametrize(
    ("made", "sentence"),
    [
        (
            decision(A, ADOPTED, 9, 3, 1),
            "Scrutin clos : amendement adopté, 9 pour, 3 contre, 1 abstention",
        ),
        (
            decision(A, REJECTED, 2, 5, 2),
            "Scrutin clos : amendement rejeté, 2 pour, 5 contre, 2 abstentions",
        ),
        (
            decision(P, ADOPTED, 7, 1, 1),
            "Scrutin clos : proposition adoptée, 7 pour, 1 contre, 1 abstention",
        ),
        (
            decision(P, REJECTED, 0, 4, 3),
            "Scrutin clos : proposition rejetée, 0 pour, 4 contre, 3 abstentions",
        ),
        (
            decision(Q, ADOPTED, 5, 0, 2),
            "Scrutin clos : question adoptée, 5 pour, 0 contre, 2 abstentions",
        ),
        (
            decision(A, ADOPTED, 8, 4, 0),
            "Scrutin clos : amendement adopté, 8 pour, 4 contre, 0 abstention",
        ),
        (decision(P, Decision.Outcome.NO_QUORUM), "Scrutin clos : quorum non atteint"),
    ],
)
def test_the_result_sentence_agrees_in_gender_and_number(made, sentence):
    with translation.override("fr"):
        assert live.announcement_for_decision(made) == sentence


async def _connect(meeting_id: int, query: str):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/meetings/{meeting_id}/?{query}",
        headers=[(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")],
    )
    connected, _code = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_joins_the_group_of_its_page_language(settings, meeting):
    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    communicator, connected = await _connect(meeting.pk, "audience=public&lang=nl")
    assert connected
    await layer.group_send(
        events.audience_group(meeting.pk, "public", "fr"),
        {"type": events.PUSH_TYPE, "event": "x", "text": "fr"},
    )
    await layer.group_send(
        events.audience_group(meeting.pk, "public", "nl"),
        {"type": events.PUSH_TYPE, "event": "x", "text": "nl"},
    )
    assert await communicator.receive_from() == "nl"
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()
    # From now on the meeting's pushes are rendered in Dutch as well.
    assert await sync_to_async(live.watched_languages)(meeting.pk) == ["fr", "nl"]
    # A language the site does not speak is the site's own.
    communicator, connected = await _connect(meeting.pk, "audience=public&lang=xx")
    assert connected
    await layer.group_send(
        events.audience_group(meeting.pk, "public", "fr"),
        {"type": events.PUSH_TYPE, "event": "x", "text": "fr"},
    )
    assert await communicator.receive_from() == "fr"
    await communicator.disconnect()
    assert await sync_to_async(live.watched_languages)(meeting.pk) == ["fr", "nl"]


def test_each_language_read_gets_its_own_rendering_once(
    layer, people, meeting, capture, monkeypatch
):
    item, proposal = start_session(people, meeting)
    live.note_language(meeting.pk, "nl")
    rendered: list[str | None] = []
    original = live.iter_meeting_fragments

    def counting(meeting_id, event, language=None):
        rendered.append(language)
        return original(meeting_id, event, language)

    monkeypatch.setattr(live, "iter_meeting_fragments", counting)
    listeners = {
        (audience, language): Listener(layer, events.audience_group(meeting.pk, audience, language))
        for audience in events.AUDIENCES
        for language in ("fr", "nl", "en")
    }
    voter = people.members[0]
    own = {
        lang: Listener(layer, events.user_push_group(voter.user_id, lang)) for lang in ("fr", "nl")
    }
    with capture():
        ballot = open_ballot(people, item, proposal)
    # Once per language read (English is watched by nobody), each serving every audience.
    assert rendered == ["fr", "nl"]
    received = {key: listener.drain() for key, listener in listeners.items()}
    for (audience, language), messages in received.items():
        assert len(messages) == (0 if language == "en" else 1), (audience, language)
    nl = received[("public", "nl")][0]
    fr = received[("public", "fr")][0]
    assert nl["announce"] == "Stemming geopend: Adopter la recommandation ?"
    assert fr["announce"] == "Scrutin ouvert : Adopter la recommandation ?"
    assert "Stemming" in nl["fragments"]["live-ballots"]
    assert "Scrutin" in fr["fragments"]["live-ballots"]
    # The voter's own ballot paper, in each language read.
    paper_id = live.user_fragment_id("my-vote", meeting.pk)
    (nl_paper,) = own["nl"].drain()
    (fr_paper,) = own["fr"].drain()
    assert "Uw stem" in nl_paper["fragments"][paper_id]
    assert "Votre vote" in fr_paper["fragments"][paper_id]

    # The closing sentence, in Dutch for Dutch readers.
    for membership in people.voting:
        actions.check_cast_vote(ballot.pk, "yes", acting_user=membership.user)
    for listener in listeners.values():
        listener.drain()
    with capture():
        actions.check_close_ballot(ballot.pk, acting_user=people.chair.user)
    (closed_nl,) = [
        m for m in listeners[("public", "nl")].drain() if m["event"] == "deliberation.ballot_closed"
    ]
    (closed_fr,) = [
        m for m in listeners[("public", "fr")].drain() if m["event"] == "deliberation.ballot_closed"
    ]
    assert closed_fr["announce"].startswith("Scrutin clos : proposition adoptée, ")
    assert "Stemming" in closed_nl["fragments"]["live-ballots"]
    assert "Stemming" not in closed_fr["fragments"]["live-ballots"]


def test_the_page_opens_its_socket_in_its_language(client, people, meeting):
    start_session(people, meeting)
    client.force_login(people.members[0].user)
    french = client.get(f"/seances/{meeting.pk}/salle/").content.decode()
    assert f"/ws/meetings/{meeting.pk}/?audience=members&amp;lang=fr" in french
    dutch = client.get(f"/nl/seances/{meeting.pk}/salle/").content.decode()
    assert f"/ws/meetings/{meeting.pk}/?audience=members&amp;lang=nl" in dutch
    # The resync endpoint answers in the page's language too.
    assert f'data-live-resync="/nl/seances/{meeting.pk}/direct/fragments/' in dutch
