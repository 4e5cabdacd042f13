"""Elections of persons: candidacies, rounds through the secret ballot, the count, the mandate."""

from __future__ import annotations

import datetime

import pytest
import rules
from django.utils import timezone, translation

from council.models import Membership, Role, User
from deliberation import actions, selectors
from deliberation.actions.common import ActionError
from deliberation.models import AuditEntry, Ballot, BallotParticipation, Decision, Election

HOUR = datetime.timedelta(hours=1)


def call(session, *, office="chair", seats=1, mode="single", body=""):
    now = timezone.now()
    return actions.check_open_candidacies(
        session.item,
        office=office,
        seats=seats,
        mode=mode,
        body=body,
        opens_at=now - HOUR,
        closes_at=now + HOUR,
        acting_user=session.secretary,
    )


def end_period(election):
    Election.objects.filter(pk=election.pk).update(
        candidacies_close_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def at_home(session, *members):
    for m in members:
        actions.check_set_attendance(session.meeting, m.pk, "remote", acting_user=session.secretary)


def stand(election, *members):
    return [actions.check_file_candidacy(election.pk, acting_user=m.user) for m in members]


# --- Authorisation ----------------------------------------------------------------------


def test_only_the_secretariat_calls_for_candidacies(session):
    p = session.people
    for user in (session.chair, p.members[0].user, p.observer.user, p.resident):
        with pytest.raises(ActionError, match="secrétariat"):
            actions.check_open_candidacies(
                session.item,
                office="chair",
                opens_at=timezone.now(),
                closes_at=timezone.now() + HOUR,
                acting_user=user,
            )
    assert call(session).state == Election.State.CANDIDACIES


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"office": "king"}, "mandat"),
        ({"office": "delegate", "body": ""}, "organe"),
        ({"seats": "two"}, "nombre entier"),
        ({"seats": 3, "mode": "single"}, "scrutin de liste"),
        ({"seats": 1, "mode": "list", "office": "delegate", "body": "CPAS"}, "au moins 2"),
        ({"mode": "lottery"}, "mode"),
        ({"opens_at": "demain"}, "date et une heure"),
        ({"closes_at": "2020-01-01T10:00"}, "suivre leur début"),
    ],
)
def test_a_bad_call_says_why(session, fields, message):
    data = {
        "office": "chair",
        "seats": 1,
        "mode": "single",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-01-02T10:00",
        **fields,
    }
    with pytest.raises(ActionError, match=message):
        actions.check_open_candidacies(session.item, acting_user=session.secretary, **data)


def test_a_proposal_counts_once_the_candidate_consents(session):
    p = session.people
    election = call(session)
    proposed = actions.check_file_candidacy(
        election.pk, candidate_id=p.members[2].pk, acting_user=p.members[0].user
    )
    assert proposed.proposed_by == p.members[0] and proposed.consented_at is None
    with pytest.raises(ActionError, match="personne proposée"):
        actions.check_consent_candidacy(proposed.pk, acting_user=p.members[0].user)
    end_period(election)
    with pytest.raises(ActionError, match="Aucune candidature acceptée"):
        actions.check_open_round(election.pk, acting_user=session.chair)
    actions.check_consent_candidacy(proposed.pk, acting_user=p.members[2].user)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    assert ballot.options == [str(proposed.pk), "blank", "invalid"]


def test_candidacies_respect_the_period_and_the_council(session):
    p = session.people
    election = call(session)
    with pytest.raises(ActionError, match="membres du conseil"):
        actions.check_file_candidacy(election.pk, acting_user=p.resident)
    with pytest.raises(ActionError, match="Choisissez un membre"):
        actions.check_file_candidacy(
            election.pk, candidate_id="nobody", acting_user=p.members[0].user
        )
    stand(election, p.members[0])
    with pytest.raises(ActionError, match="déjà candidat"):
        stand(election, p.members[0])
    end_period(election)
    with pytest.raises(ActionError, match="délai"):
        stand(election, p.members[1])


def test_withdrawal_by_the_candidate_or_proposer_only(session):
    p = session.people
    election = call(session)
    (own,) = stand(election, p.members[1])
    with pytest.raises(ActionError, match="retire"):
        actions.check_withdraw_candidacy(own.pk, acting_user=p.members[2].user)
    actions.check_withdraw_candidacy(own.pk, acting_user=p.members[1].user)
    with pytest.raises(ActionError, match="retirée"):
        actions.check_withdraw_candidacy(own.pk, acting_user=p.members[1].user)
    # Withdrawn, one may stand again.
    stand(election, p.members[1])


def test_only_the_chair_opens_and_closes_a_round(session):
    p = session.people
    election = call(session)
    stand(election, p.members[1])
    with pytest.raises(ActionError, match="délai"):
        actions.check_open_round(election.pk, acting_user=session.chair)
    end_period(election)
    for user in (session.secretary, p.members[0].user):
        with pytest.raises(ActionError, match="présidence"):
            actions.check_open_round(election.pk, acting_user=user)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    assert ballot.is_secret and ballot.room_method == Ballot.RoomMethod.PAPER
    with pytest.raises(ActionError, match="déjà ouvert"):
        actions.check_open_round(election.pk, acting_user=session.chair)
    for user in (session.secretary, p.members[0].user):
        with pytest.raises(ActionError, match="présidence"):
            actions.check_close_round(ballot.pk, acting_user=user)


def test_yes_no_only_for_a_single_candidate(session):
    p = session.people
    election = call(session, mode="yes_no")
    stand(election, p.members[1], p.members[2])
    end_period(election)
    with pytest.raises(ActionError, match="candidature unique"):
        actions.check_open_round(election.pk, acting_user=session.chair)


def test_nobody_votes_outside_the_list_nor_for_a_seat_not_theirs(session):
    p = session.people
    at_home(session, p.members[1], p.members[2])
    election = call(session)
    a, b = stand(election, p.members[1], p.members[2])
    end_period(election)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    voter = p.members[2].user
    for choice, message in (
        (str(a.pk + b.pk + 100), "pas candidate"),
        ("invalid", "pas candidate"),
        ([str(a.pk), str(b.pk)], "1 noms au plus"),
        ("", "votez blanc"),
        ("yes", "pas candidate"),
    ):
        with pytest.raises(ActionError, match=message):
            actions.check_cast_election_vote(ballot.pk, choice, acting_user=voter)
    # Member 2 holds no proxy: they cannot vote in member 5's name.
    with pytest.raises(ActionError, match="procuration"):
        actions.check_cast_election_vote(
            ballot.pk, str(a.pk), proxy_for_id=p.members[5].pk, acting_user=voter
        )
    # A resident, the secretariat: no vote.
    for user in (p.resident, session.secretary):
        with pytest.raises(ActionError, match="droit de vote"):
            actions.check_cast_election_vote(ballot.pk, str(a.pk), acting_user=user)
    actions.check_cast_election_vote(ballot.pk, str(a.pk), acting_user=voter)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_cast_election_vote(ballot.pk, str(b.pk), acting_user=voter)
    # In the room, a member votes on paper, not online.
    with pytest.raises(ActionError, match="bulletin papier"):
        actions.check_cast_election_vote(ballot.pk, str(a.pk), acting_user=p.members[3].user)


def test_list_vote_up_to_the_seats(session):
    p = session.people
    at_home(session, p.members[1])
    election = call(session, office="delegate", seats=2, mode="list", body="Intercommunale")
    a, b, c = stand(election, p.members[1], p.members[2], p.members[3])
    end_period(election)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    voter = p.members[1].user
    with pytest.raises(ActionError, match="2 noms au plus"):
        actions.check_cast_election_vote(
            ballot.pk, [str(a.pk), str(b.pk), str(c.pk)], acting_user=voter
        )
    with pytest.raises(ActionError, match="pas candidate"):
        actions.check_cast_election_vote(ballot.pk, [str(a.pk), str(a.pk)], acting_user=voter)
    with pytest.raises(ActionError, match="blanc ne nomme personne"):
        actions.check_cast_election_vote(ballot.pk, [str(a.pk), "blank"], acting_user=voter)
    actions.check_cast_election_vote(ballot.pk, [str(a.pk), str(c.pk)], acting_user=voter)
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1


def test_paper_counts_must_add_up(session):
    p = session.people
    election = call(session)
    a, b = stand(election, p.members[1], p.members[2])
    end_period(election)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    counts = {str(a.pk): 2, str(b.pk): 1, "blank": 0, "invalid": 1}
    with pytest.raises(ActionError, match="doivent faire"):
        actions.check_record_paper_count(
            ballot.pk, ballots=5, counts=counts, acting_user=session.secretary
        )
    with pytest.raises(ActionError, match="nombre entier"):
        actions.check_record_paper_count(
            ballot.pk, ballots="x", counts=counts, acting_user=session.secretary
        )
    with pytest.raises(ActionError, match="négatif"):
        actions.check_record_paper_count(
            ballot.pk, ballots=4, counts={**counts, "blank": -1}, acting_user=session.chair
        )
    with pytest.raises(ActionError, match="dépassent"):
        actions.check_record_paper_count(
            ballot.pk,
            ballots=40,
            counts={**counts, str(a.pk): 38},
            acting_user=session.chair,
        )
    with pytest.raises(ActionError, match="présidence et le secrétariat"):
        actions.check_record_paper_count(
            ballot.pk, ballots=4, counts=counts, acting_user=p.members[0].user
        )
    actions.check_record_paper_count(
        ballot.pk, ballots=4, counts=counts, acting_user=session.secretary
    )
    ballot.refresh_from_db()
    assert ballot.paper_ballots == 4


# --- A whole election ---------------------------------------------------------------------


def vote(ballot, member, choice, proxy_for=None):
    actions.check_cast_election_vote(
        ballot.pk,
        choice,
        proxy_for_id=proxy_for.pk if proxy_for else None,
        acting_user=member.user,
    )


def test_an_election_in_two_rounds_makes_the_chair(session):
    p = session.people
    m = p.members
    # At home: chair, vice-chair, members 0-2 (0 holds member 5's proxy) and 4; in the
    # room: member 3, who votes on paper.
    at_home(session, p.chair, p.vice_chair, m[0], m[1], m[2])
    election = call(session)
    one, two = stand(election, m[1], m[2])
    three = actions.check_file_candidacy(election.pk, candidate_id=m[3].pk, acting_user=m[0].user)
    actions.check_consent_candidacy(three.pk, acting_user=m[3].user)
    end_period(election)
    k1, k2, k3 = str(one.pk), str(two.pk), str(three.pk)

    first = actions.check_open_round(election.pk, acting_user=session.chair)
    assert first.round_number == 1 and first.options == [k1, k2, k3, "blank", "invalid"]
    vote(first, p.chair, k1)
    vote(first, p.vice_chair, k2)
    vote(first, m[0], k1)
    vote(first, m[0], k1, proxy_for=m[5])
    vote(first, m[2], k2)
    vote(first, m[4], "blank")
    actions.check_record_paper_count(
        first.pk,
        ballots=1,
        counts={k3: 1},
        acting_user=session.secretary,
    )
    with pytest.raises(ActionError, match="Seule la présidence"):
        actions.check_close_round(first.pk, acting_user=session.secretary)
    decision = actions.check_close_round(first.pk, acting_user=session.chair)
    assert decision.outcome == Decision.Outcome.RUNOFF
    assert decision.subject == Ballot.Subject.ELECTION
    assert decision.tally["total"] == {k1: 3, k2: 2, k3: 1, "blank": 1, "invalid": 0}
    assert decision.tally["ballots"] == 7 and decision.tally["valid"] == 6
    assert decision.text_voted["runoff"] == [k1, k2]
    assert decision.text_voted["steps"]
    election.refresh_from_db()
    assert election.state == Election.State.VOTING

    second = actions.check_open_round(election.pk, acting_user=session.chair)
    assert second.round_number == 2 and second.options == [k1, k2, "blank", "invalid"]
    with pytest.raises(ActionError, match="pas candidate"):
        vote(second, p.chair, k3)
    vote(second, p.chair, k1)
    vote(second, p.vice_chair, k2)
    vote(second, m[0], k1)
    vote(second, m[0], k1, proxy_for=m[5])
    vote(second, m[2], k2)
    vote(second, m[4], k1)
    actions.check_record_paper_count(
        second.pk, ballots=1, counts={k2: 1}, acting_user=session.chair
    )
    decision = actions.check_close_round(second.pk, acting_user=session.chair)
    assert decision.outcome == Decision.Outcome.ELECTED
    assert decision.text_voted["elected"] == [k1]
    assert decision.tally["total"][k1] == 4

    election.refresh_from_db()
    assert election.state == Election.State.DECIDED
    mandate = Membership.objects.current().get(user=m[1].user, council=p.council)
    assert mandate.role == Role.CHAIR
    assert mandate.start_decision == decision.reference
    assert mandate.start == timezone.localdate(decision.closed_at)
    winner = User.objects.get(pk=m[1].user_id)
    assert rules.has_perm("council.preside", winner, p.council)
    former = User.objects.get(pk=p.chair.user_id)
    assert Membership.objects.current().get(user=former, council=p.council).role == Role.MEMBER
    # The audit trail says who voted, never what.
    entries = AuditEntry.objects.filter(ballot__in=[first, second], action="vote_recorded")
    assert entries.count() == 12
    assert all(set(e.data) == {"voter", "proxy_for", "channel"} for e in entries)
    with pytest.raises(ActionError, match="terminée"):
        actions.check_open_round(election.pk, acting_user=session.chair)


def test_the_count_is_recorded_in_french_whatever_the_closing_language(session):
    p = session.people
    at_home(session, p.members[1])
    election = call(session)
    (one,) = stand(election, p.members[1])
    end_period(election)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    vote(ballot, p.members[1], str(one.pk))
    actions.check_record_paper_count(
        ballot.pk, ballots=2, counts={str(one.pk): 2}, acting_user=session.secretary
    )
    with translation.override("nl"):
        decision = actions.check_close_round(ballot.pk, acting_user=session.chair)
    with translation.override("fr"):
        assert decision.text_voted["office_label"] == str(Election.Office.CHAIR.label)
    assert decision.text_voted["elected"] == [str(one.pk)]


def test_the_elected_and_the_outgoing_chair_keep_their_places_in_the_meeting(session):
    # Mandates held since last year: electing a chair ends two seats yesterday and starts
    # their successors today, in the middle of the meeting that elects.
    p = session.people
    m = p.members
    Membership.objects.filter(council=p.council).update(start=datetime.date(2025, 1, 1))
    at_home(session, p.chair, p.vice_chair, m[0], m[1], m[2])
    before = selectors.presence(session.meeting)
    election = call(session)
    one, two = stand(election, m[1], m[2])
    end_period(election)
    ballot = actions.check_open_round(election.pk, acting_user=session.chair)
    for member, choice in ((p.chair, one), (p.vice_chair, one), (m[0], one), (m[2], two)):
        vote(ballot, member, str(choice.pk))
    actions.check_record_paper_count(
        ballot.pk, ballots=1, counts={str(two.pk): 1}, acting_user=session.secretary
    )
    decision = actions.check_close_round(ballot.pk, acting_user=session.chair)
    assert decision.outcome == Decision.Outcome.ELECTED

    after = selectors.presence(session.meeting)
    assert after.quorum == before.quorum
    seated = {(s.voter.user_id, s.voter.role, s.status) for s in after.seats if s.proxy_for is None}
    assert (m[1].user_id, Role.CHAIR, "remote") in seated
    assert (p.chair.user_id, Role.MEMBER, "remote") in seated
    assert len(after.seats) == len(before.seats)
