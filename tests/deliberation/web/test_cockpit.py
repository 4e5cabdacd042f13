"""The chair's close confirmation and the secretariat's roll call, through the pages."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from deliberation import actions, events
from deliberation.models import Attendance, AuditEntry, Ballot, Decision, Vote
from tests.deliberation.live.test_events import open_ballot, start_session
from tests.deliberation.web.test_views import url, with_totp


@pytest.fixture
def session(people, meeting):
    with_totp(people.chair.user)
    with_totp(people.secretary.user)
    return start_session(people, meeting)


@pytest.fixture
def ballot(people, session) -> Ballot:
    item, proposal = session
    return open_ballot(people, item, proposal)


@pytest.fixture
def chair(client, people):
    client.force_login(people.chair.user)
    return client


def _secretary(client, people):
    client.force_login(people.secretary.user)
    return client


def _close(client, meeting, ballot, **extra):
    return client.post(
        url(meeting, "presidence") + "?do=scrutin-clore", {"ballot": ballot.pk, **extra}
    )


def _text(response) -> str:
    return " ".join(response.content.decode().split())


# --- The close confirmation ---------------------------------------------------------------


def test_a_secret_ballots_confirmation_gives_no_count_before_the_close(
    chair, people, meeting, session
):
    """Counts shown while votes come in would tell the chair each new vote."""
    item, proposal = session
    actions.check_set_attendance(
        meeting, people.members[4].pk, Attendance.Status.REMOTE, acting_user=people.secretary.user
    )
    ballot = actions.check_open_ballot(
        item,
        subject=Ballot.Subject.PROPOSAL,
        proposal_id=proposal.pk,
        question="Adopter la recommandation ?",
        secrecy=Ballot.Secrecy.SECRET,
        acting_user=people.chair.user,
    )
    actions.check_cast_vote(ballot.pk, "no", acting_user=people.members[4].user)
    page = _text(chair.get(url(meeting, "presidence") + f"?cloture={ballot.pk}"))
    assert "Participation : 1 vote exprimé" in page
    assert "Résultat qui sera enregistré" not in page
    assert " contre," not in page and "rejeté" not in page
    assert "l’urne n’est ouverte qu’à la clôture" in page


def test_the_console_asks_before_closing_and_a_bare_post_closes_nothing(chair, meeting, ballot):
    page = _text(chair.get(url(meeting, "presidence")))
    # The console offers a way to the confirmation, not a form that closes.
    assert f'href="?cloture={ballot.pk}#cloture"' in page
    assert 'action="?do=scrutin-clore"' not in page

    response = _close(chair, meeting, ballot)
    assert response.status_code == 400
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN
    assert not Decision.objects.exists()


def test_the_confirmation_states_turnout_quorum_and_outcome(chair, client, people, meeting, ballot):
    actions.check_cast_vote(ballot.pk, "yes", acting_user=people.vice_chair.user)
    actions.check_cast_vote(ballot.pk, "no", acting_user=people.members[1].user)
    response = chair.get(url(meeting, "presidence") + f"?cloture={ballot.pk}")
    page = _text(response)
    assert 'id="cloture"' in page
    assert "Participation : 2 votes exprimés sur 8 possibles." in page
    assert "6 n’ont pas encore voté." in page
    assert "Quorum atteint : 8 présents sur 8, il en faut 5." in page
    # A tie rejects: the outcome the close will record, with its counts.
    assert "Résultat qui sera enregistré : <strong>rejeté</strong> (1 pour, 1 contre, 0" in page
    assert 'name="seen" value="2"' in page
    assert "Confirmer la clôture" in page

    response = _close(chair, meeting, ballot, seen=2)
    assert response.status_code == 302
    decision = Decision.objects.get(ballot=ballot)
    assert decision.outcome == Decision.Outcome.REJECTED
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Scrutin clos : proposition rejetée, 1 pour, 1 contre, 0 abstention."]


def test_a_ballot_without_quorum_says_so_before_and_after(chair, people, meeting, ballot):
    secretary = people.secretary.user
    for membership in (people.members[2], people.members[3], people.members[4], people.chair):
        actions.check_set_attendance(
            meeting, membership.pk, Attendance.Status.ABSENT, acting_user=secretary
        )
    sentence = "Quorum non atteint : 4 présents sur 8, il en faut 5."
    console = _text(chair.get(url(meeting, "presidence")))
    assert sentence in console  # beside the close button, while the ballot is open

    confirmation = _text(chair.get(url(meeting, "presidence") + f"?cloture={ballot.pk}"))
    assert sentence in confirmation
    assert "<strong>quorum non atteint</strong>" in confirmation
    assert "sans quorum, rien n’est décidé sur le fond." in confirmation

    response = _close(chair, meeting, ballot, seen=0)
    assert response.status_code == 302
    assert Decision.objects.get(ballot=ballot).outcome == Decision.Outcome.NO_QUORUM
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"Scrutin clos, rien n’est décidé. {sentence}"]
    after = _text(chair.get(url(meeting, "presidence")))
    # In the console's ballot panel and in the ballot's result, not only in the message.
    assert after.count(sentence) >= 2, after


def test_votes_arriving_after_the_confirmation_ask_for_it_again(chair, people, meeting, ballot):
    chair.get(url(meeting, "presidence") + f"?cloture={ballot.pk}")
    actions.check_cast_vote(ballot.pk, "yes", acting_user=people.vice_chair.user)
    response = _close(chair, meeting, ballot, seen=0)
    assert response.status_code == 400
    page = _text(response)
    assert "Le nombre de votes a changé depuis la confirmation affichée" in page
    # The confirmation is shown again, updated.
    assert "Participation : 1 vote exprimé sur 8 possibles." in page
    assert 'name="seen" value="1"' in page
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN


# --- The roll call -----------------------------------------------------------------------


def test_an_open_ballot_holds_the_agenda_back_in_one_sentence(chair, people, meeting, ballot):
    """The agenda's other items cannot be opened while a ballot is open: the console says so
    once above the table, not on every row; the closing of the ballot lifts it."""
    held = "Un scrutin est ouvert : clôturez-le avant de changer de point."
    page = _text(chair.get(url(meeting, "presidence")))
    assert page.count(held) == 1
    assert page.index(held) < page.index("Points de l’ordre du jour")
    actions.do_close_ballot(ballot.pk, acting_user=people.chair.user)
    page = _text(chair.get(url(meeting, "presidence")))
    assert held not in page
    assert page.count("?do=point-ouvrir") >= 2


def _seat(membership) -> str:
    return f"{membership.pk}-0"


def test_the_roll_call_lists_only_who_is_in_the_room_with_a_vote_not_yet_cast(
    client, people, meeting, ballot
):
    secretary = people.secretary.user
    # A substitute in the room replacing nobody has no vote.
    actions.check_set_attendance(
        meeting, people.substitutes[0].pk, Attendance.Status.ROOM, acting_user=secretary
    )
    # In the room: chair, members 0, 2 and 4. Member 0 voted online from their seat, member
    # 2 was called already; the remote members are not called.
    actions.check_cast_vote(ballot.pk, "yes", acting_user=people.members[0].user)
    actions.check_record_room_vote(ballot.pk, people.members[2].pk, "no", acting_user=secretary)
    page = _text(_secretary(client, people).get(url(meeting, "secretariat")))
    listed = {m.pk for m in people.voting + people.substitutes if f'value="{_seat(m)}"' in page}
    assert listed == {people.chair.pk, people.members[4].pk}
    assert "Pas encore voté en salle : 2 membres." in page
    assert f"Dernier vote enregistré : {people.members[2].user}, contre." in page


def test_one_click_records_a_vote_and_the_page_comes_back_at_the_roll_call(
    client, people, meeting, ballot
):
    secretary = _secretary(client, people)
    member = people.members[4]
    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle",
        {"ballot": ballot.pk, "seat": _seat(member), "choice": "abstain"},
    )
    assert response.status_code == 302
    assert response["Location"] == url(meeting, "secretariat") + "#console-roll-call"
    vote = Vote.objects.get(ballot=ballot, voter=member)
    assert (vote.choice, vote.channel) == ("abstain", "room_roll_call")
    page = _text(secretary.get(response["Location"]))
    assert f'value="{_seat(member)}"' not in page
    assert "Pas encore voté en salle : 3 membres." in page


def test_a_roll_call_click_by_fetch_gets_the_list_back(client, people, meeting, ballot):
    secretary = _secretary(client, people)
    member = people.members[4]
    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle",
        {"ballot": ballot.pk, "seat": _seat(member), "choice": "yes"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    reply = response.json()
    assert reply["message"] == f"Vote en salle enregistré : {member.user}, pour."
    fragment = reply["fragments"]["console-roll-call"]
    assert f'value="{_seat(member)}"' not in fragment
    assert f'value="{_seat(people.chair)}"' in fragment
    # Twice: refused, as JSON, nothing more recorded.
    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle",
        {"ballot": ballot.pk, "seat": _seat(member), "choice": "no"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 400
    assert response.json()["error"]  # the form no longer offers that seat
    assert Vote.objects.filter(ballot=ballot, voter=member).count() == 1


def test_the_last_roll_call_entry_can_be_undone_until_the_close(client, people, meeting, ballot):
    secretary = _secretary(client, people)
    first, last = people.members[2], people.members[4]
    for member in (first, last):
        secretary.post(
            url(meeting, "secretariat") + "?do=vote-salle",
            {"ballot": ballot.pk, "seat": _seat(member), "choice": "yes"},
        )
    earlier = Vote.objects.get(ballot=ballot, voter=first)
    latest = Vote.objects.get(ballot=ballot, voter=last)

    # Only the last entry: an older one is refused.
    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle-annuler", {"vote": earlier.pk}
    )
    assert response.status_code == 400
    assert "Seul le dernier vote enregistré en salle peut être annulé." in _text(response)

    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle-annuler", {"vote": latest.pk}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#console-roll-call")
    assert not Vote.objects.filter(pk=latest.pk).exists()
    entry = AuditEntry.objects.get(action="room_vote_undone")
    assert (entry.ballot_id, entry.data["voter"], entry.data["choice"]) == (
        ballot.pk,
        last.pk,
        "yes",
    )
    page = _text(secretary.get(url(meeting, "secretariat")))
    assert f'value="{_seat(last)}"' in page  # back in the list
    assert f"Dernier vote enregistré : {first.user}, pour." in page

    # Once the ballot is closed, nothing is taken back.
    actions.check_close_ballot(ballot.pk, acting_user=people.chair.user)
    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle-annuler", {"vote": earlier.pk}
    )
    assert response.status_code == 400
    assert Vote.objects.filter(pk=earlier.pk).exists()


def test_online_votes_cannot_be_undone_from_the_roll_call(client, people, meeting, ballot):
    actions.check_cast_vote(ballot.pk, "no", acting_user=people.members[0].user)
    online = Vote.objects.get(ballot=ballot, voter=people.members[0])
    response = _secretary(client, people).post(
        url(meeting, "secretariat") + "?do=vote-salle-annuler", {"vote": online.pk}
    )
    assert response.status_code == 400
    assert Vote.objects.filter(pk=online.pk).exists()


def test_undoing_a_room_vote_tells_every_screen_and_the_voter(people, meeting, ballot, capture):
    secretary = people.secretary.user
    member = people.members[4]
    actions.check_record_room_vote(ballot.pk, member.pk, "no", acting_user=secretary)
    vote = Vote.objects.get(ballot=ballot, voter=member)
    with capture() as sent:
        actions.check_undo_room_vote(ballot.pk, vote.pk, acting_user=secretary)
    assert [(group, event.type) for group, event in sent] == [
        (events.meeting_group(meeting.pk), "deliberation.room_votes_changed"),
        (events.user_group(member.user_id), "deliberation.own_vote_recorded"),
    ]
    assert sent[0][1].votes_cast == 0
    # A member cannot take a vote back through the secretariat's action.
    actions.check_record_room_vote(ballot.pk, member.pk, "yes", acting_user=secretary)
    vote = Vote.objects.get(ballot=ballot, voter=member)
    with pytest.raises(actions.ActionError):
        actions.check_undo_room_vote(ballot.pk, vote.pk, acting_user=member.user)
    assert Vote.objects.filter(pk=vote.pk).exists()


def test_a_proxy_voted_online_by_its_holder_is_not_the_roll_calls_last_entry(
    client, people, session
):
    item, proposal = session
    meeting = item.meeting
    room = [m for i, m in enumerate(people.voting) if i % 2 == 0]
    holder, giver = room[0], room[1]
    actions.check_set_attendance(
        meeting, giver.pk, Attendance.Status.ABSENT, acting_user=people.secretary.user
    )
    actions.check_give_proxy(meeting, giver.pk, holder.pk, acting_user=giver.user)
    ballot = open_ballot(people, item, proposal)
    called = room[2]
    _secretary(client, people).post(
        url(meeting, "secretariat") + "?do=vote-salle",
        {"ballot": ballot.pk, "seat": _seat(called), "choice": "yes"},
    )
    actions.check_cast_vote(ballot.pk, "no", proxy_for_id=giver.pk, acting_user=holder.user)
    assert Vote.objects.filter(ballot=ballot, proxy_for=giver, recorded_by=holder.user).exists()
    page = _text(client.get(url(meeting, "secretariat")))
    assert f"Dernier vote enregistré : {called.user}, pour." in page
