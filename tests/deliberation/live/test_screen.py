"""The room's screen (/seances/<id>/ecran/): what it shows in each phase of a meeting, to
anyone who may read the public live page, and what it never shows (closed-session items,
a secret ballot's counts while it is open)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from deliberation import actions, events, live, push
from deliberation.models import AgendaItem, Meeting
from tests.deliberation.web.test_views import with_totp

pytestmark = pytest.mark.django_db


def _screen(client, meeting) -> str:
    response = client.get(reverse("deliberation:screen", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_waiting_screen_before_the_meeting(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CONVENED)
    html = _screen(client, meeting)
    assert "La séance commence à" in html
    assert "Séance de test" in html
    assert "Guichets et lignes téléphoniques" in html  # the agenda
    # A projector: no forms, no links to follow.
    assert "<form" not in html
    assert "<a " not in html
    # Without JavaScript it shows the state at load: no timed reload.
    assert "http-equiv" not in html


def test_a_draft_meeting_has_no_screen(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.DRAFT)
    response = client.get(reverse("deliberation:screen", args=[meeting.pk]))
    assert response.status_code == 404


def test_current_item_and_speakers(client, session):
    m = session.people.members
    first = actions.check_request_floor(session.item, acting_user=m[0].user)
    actions.check_request_floor(session.item, acting_user=m[1].user)
    actions.check_give_floor(session.item, first.pk, acting_user=session.chair)
    html = _screen(client, session.meeting)
    assert "Point 2" in html and "Guichets et lignes téléphoniques" in html
    speaking = html.split("À la parole")[1].split("Ensuite")[0]
    assert str(m[0].user) in speaking
    assert str(m[1].user) in html.split("Ensuite")[1]
    assert "<form" not in html


def test_amendment_under_vote_with_its_diff_and_turnout(client, session):
    amendment = actions.check_propose_amendment(
        session.proposal,
        base_version_id=session.version().pk,
        operations=[
            {
                "op": "replace",
                "paragraph": 2,
                "text": "Les lignes téléphoniques restent ouvertes du lundi au samedi.",
            }
        ],
        acting_user=session.people.members[2].user,
    )
    ballot = session.open_ballot(subject="amendment", amendment_id=amendment.pk)
    actions.check_cast_vote(ballot.pk, "yes", acting_user=session.people.members[1].user)
    html = _screen(client, session.meeting)
    assert "Vote en cours" in html
    assert "Amendement 1" in html
    assert "<del>" in html and "<ins>" in html and "samedi" in html
    # One vote cast of 8 seats present (7 members, one proxy).
    assert '<p class="screen-turnout"><strong>1<span class="screen-of"> / 8</span>' in html
    # No running tally unless the ballot shows one.
    assert "screen-tally" not in html


def test_the_chairs_console_shows_the_amendment_under_vote_beside_its_count(client, session):
    """At the top of the chair's ballot panel, not in the text's column further down."""
    amendment = actions.check_propose_amendment(
        session.proposal,
        base_version_id=session.version().pk,
        operations=[{"op": "replace", "paragraph": 2, "text": "Ouvertes le samedi midi."}],
        acting_user=session.people.members[2].user,
    )
    session.open_ballot(subject="amendment", amendment_id=amendment.pk)
    client.force_login(session.chair)
    with_totp(session.chair)
    html = client.get(reverse("deliberation:chair", args=[session.meeting.pk])).content.decode()
    panel = html.split('id="console-ballots"')[1].split("</section>")[0]
    under_vote = panel.split('class="under-vote"')[1].split("</div>")[0]
    assert "Amendement 1" in under_vote and "§ 2" in under_vote
    assert "<ins>" in under_vote and "samedi midi" in under_vote
    assert panel.index("under-vote") < panel.index("Participation")


def test_running_tally_only_where_the_ballot_shows_one(client, session):
    ballot = session.open_ballot(show_running_tally=True)
    actions.check_cast_vote(ballot.pk, "no", acting_user=session.people.members[1].user)
    html = _screen(client, session.meeting)
    assert "screen-tally" in html
    assert "<dt>Contre</dt><dd>1</dd>" in html


def test_secret_ballot_shows_turnout_never_a_tally(client, session):
    ballot = session.open_ballot(secrecy="secret")
    # The member at home votes online; the room votes on paper.
    actions.check_cast_vote(ballot.pk, "yes", acting_user=session.people.members[4].user)
    html = _screen(client, session.meeting)
    assert "scrutin secret" in html
    assert '<p class="screen-turnout"><strong>1<span class="screen-of"> / 8</span>' in html
    assert "screen-tally" not in html
    assert "<dt>Pour</dt>" not in html
    assert "Les résultats seront connus à la clôture." in html


def test_result_when_the_ballot_closes(client, session):
    ballot = session.open_ballot()
    for member in session.people.members[1:4]:
        actions.check_cast_vote(ballot.pk, "yes", acting_user=member.user)
    actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    html = _screen(client, session.meeting)
    assert "Résultat du vote" in html
    assert "screen-outcome-adopted" in html and "Adopté" in html
    assert "<dt>Pour</dt><dd>3</dd>" in html


def test_closed_session_shows_only_a_waiting_message(client, session):
    AgendaItem.objects.filter(pk=session.item.pk).update(is_public=False)
    actions.check_request_floor(session.item, acting_user=session.people.members[0].user)
    session.open_ballot()
    html = _screen(client, session.meeting)
    assert "Huis clos" in html
    assert "Guichets et lignes téléphoniques" not in html
    assert str(session.people.members[0].user) not in html
    assert "Faut-il reporter le point ?" not in html


def test_the_meeting_closed(client, session):
    actions.check_close_item(session.item, acting_user=session.chair)
    actions.check_close_meeting(session.meeting, acting_user=session.chair)
    assert "La séance est levée." in _screen(client, session.meeting)


def test_consoles_link_to_the_screen(client, session):
    client.force_login(session.secretary)
    url = reverse("deliberation:screen", args=[session.meeting.pk])
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=session.secretary, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    page = client.get(reverse("deliberation:secretariat", args=[session.meeting.pk]))
    assert url in page.content.decode()


def test_screen_pushes_are_rendered_once_for_the_screen_audience(session, capture):
    pushes: list[tuple[str, dict]] = []
    original = push.iter_pushes

    with capture():
        ballot = session.open_ballot(secrecy="secret")
    for group, message in original(
        events.meeting_group(session.meeting.pk),
        events.VoteCountChanged(
            meeting_id=session.meeting.pk,
            item_id=session.item.pk,
            ballot_id=ballot.pk,
            votes_cast=0,
        ),
    ):
        pushes.append((group, json.loads(message["text"])))
    screen = [p for g, p in pushes if g == events.audience_group(session.meeting.pk, "screen")]
    assert len(screen) == 1
    # A vote changes the screen's count only, not the whole screen.
    assert set(screen[0]["fragments"]) == {"screen-turnout"}
    # The screen's fragments go to the screen audience only.
    others = [p for g, p in pushes if ".screen." not in g]
    assert all(not set(p["fragments"]) & {"screen", "screen-turnout"} for p in others)


def test_comments_do_not_push_to_the_screen():
    keys, _users = live.fragments_for("deliberation.comment_added")
    assert live.SCREEN_FRAGMENT not in keys
    keys, _users = live.fragments_for("deliberation.speakers_changed")
    assert live.SCREEN_FRAGMENT in keys
    keys, _users = live.fragments_for("deliberation.vote_count_changed")
    assert "screen-turnout" in keys
    assert live.SCREEN_FRAGMENT not in keys


def test_screen_audience_allowed_where_the_public_is(session, meeting):
    from django.contrib.auth.models import AnonymousUser

    assert events.SCREEN in live.audiences_for_user(AnonymousUser(), meeting)
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.DRAFT)
    meeting.refresh_from_db()
    assert events.SCREEN not in live.audiences_for_user(AnonymousUser(), meeting)
