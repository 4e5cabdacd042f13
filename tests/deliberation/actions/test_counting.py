"""Majority rules, quorum, proxies and substitutes: tables, then properties (hypothesis)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation import actions, selectors, urn
from deliberation.models import (
    Ballot,
    BallotParticipation,
    Decision,
    Vote,
)
from deliberation.selectors import is_adopted


@pytest.mark.parametrize(
    ("rule", "yes", "no", "abstain", "adopted"),
    [
        # simple: yes > no; abstentions do not count
        ("simple", 5, 4, 10, True),
        ("simple", 4, 4, 0, False),  # a tie rejects
        ("simple", 0, 0, 5, False),
        ("simple", 1, 0, 0, True),
        ("simple", 3, 4, 0, False),
        # absolute: yes > half of yes + no + abstain
        ("absolute", 5, 4, 0, True),
        ("absolute", 5, 2, 3, False),  # 5 of 10 is not more than half
        ("absolute", 6, 2, 3, True),
        ("absolute", 4, 4, 0, False),
        ("absolute", 0, 0, 0, False),
        # two-thirds: yes ≥ ⅔ of yes + no
        ("two_thirds", 6, 3, 0, True),  # exactly two thirds
        ("two_thirds", 5, 3, 9, False),
        ("two_thirds", 2, 1, 0, True),
        ("two_thirds", 1, 1, 0, False),
        ("two_thirds", 0, 0, 4, False),  # nobody for: rejected, not adopted by default
        ("two_thirds", 1, 0, 0, True),
    ],
)
def test_majority_rules(rule, yes, no, abstain, adopted):
    assert is_adopted(rule, yes, no, abstain) is adopted


@given(
    rule=st.sampled_from(["simple", "absolute", "two_thirds"]),
    n=st.integers(0, 200),
    abstain=st.integers(0, 200),
)
def test_a_tie_always_rejects(rule, n, abstain):
    assert not is_adopted(rule, n, n, abstain)


@given(yes=st.integers(0, 300), no=st.integers(0, 300), abstain=st.integers(0, 300))
def test_rules_are_nested(yes, no, abstain):
    # Whatever two thirds or an absolute majority adopts, a simple majority adopts too.
    if is_adopted("two_thirds", yes, no, abstain) or is_adopted("absolute", yes, no, abstain):
        assert is_adopted("simple", yes, no, abstain)


# --- Quorum, substitutes, proxies, as tables -----------------------------------------------

# Eight members have a vote (chair, vice-chair, six members). Statuses are given for
# chair, vice-chair, m0..m5; "sub" lists (substitute index, replaced member index).
QUORUM_CASES = [
    # present, expected present count, second convocation, reached
    ({"room": 5}, 5, False, True),
    ({"room": 4}, 4, False, False),  # half is not more than half
    ({"room": 2, "remote": 3}, 5, False, True),  # remote members count
    ({"room": 1}, 1, True, True),  # second convocation needs no quorum
    ({}, 0, False, False),
]


def _seat(people, statuses):
    order = [people.chair, people.vice_chair, *people.members]
    out = []
    for status, count in statuses.items():
        out += [(status, m) for m in order[len(out) : len(out) + count]]
    return out


@pytest.mark.parametrize(("statuses", "present", "second", "reached"), QUORUM_CASES)
def test_quorum(people, meeting, statuses, present, second, reached):
    meeting.second_convocation = second
    actions.do_save_meeting(meeting, acting_user=None)
    for status, m in _seat(people, statuses):
        actions.check_set_attendance(meeting, m.pk, status, acting_user=people.secretary.user)
    q = selectors.quorum_for(meeting)
    assert (q.members_with_vote, q.present, q.required, q.reached) == (8, present, 5, reached)


def test_proxies_do_not_count_for_quorum_but_add_a_seat(people, meeting):
    sec = people.secretary.user
    for _status, m in _seat(people, {"room": 4}):
        actions.check_set_attendance(meeting, m.pk, "room", acting_user=sec)
    actions.check_give_proxy(meeting, people.members[5].pk, people.members[0].pk, acting_user=sec)
    q = selectors.quorum_for(meeting)
    assert q.present == 4 and not q.reached
    seats = selectors.voters_for(meeting)
    assert len(seats) == 5
    assert [s.proxy_for for s in seats if s.proxy_for] == [people.members[5]]


def test_substitute_replacing_an_absent_member_counts_for_quorum(people, meeting):
    sec = people.secretary.user
    for _status, m in _seat(people, {"room": 4}):
        actions.check_set_attendance(meeting, m.pk, "room", acting_user=sec)
    sub = people.substitutes[0]
    actions.check_set_attendance(
        meeting, sub.pk, "remote", replaces_id=people.members[5].pk, acting_user=sec
    )
    q = selectors.quorum_for(meeting)
    assert q.present == 5 and q.reached
    # A substitute without anyone to replace neither counts nor votes.
    actions.check_set_attendance(meeting, people.substitutes[1].pk, "room", acting_user=sec)
    assert selectors.quorum_for(meeting).present == 5
    assert people.substitutes[1] not in [s.voter for s in selectors.voters_for(meeting)]
    # When the replaced member arrives, the substitute stops voting in their place.
    actions.check_set_attendance(meeting, people.members[5].pk, "room", acting_user=sec)
    voters = [s.voter for s in selectors.voters_for(meeting)]
    assert sub not in voters and people.members[5] in voters
    assert selectors.quorum_for(meeting).present == 5


def test_a_proxy_lapses_when_the_giver_arrives(people, meeting):
    sec = people.secretary.user
    actions.check_set_attendance(meeting, people.members[0].pk, "room", acting_user=sec)
    actions.check_give_proxy(meeting, people.members[1].pk, people.members[0].pk, acting_user=sec)
    assert len(selectors.voters_for(meeting)) == 2
    actions.check_set_attendance(meeting, people.members[1].pk, "remote", acting_user=sec)
    seats = selectors.voters_for(meeting)
    assert [(s.voter, s.proxy_for) for s in seats] == [
        (people.members[0], None),
        (people.members[1], None),
    ]


def test_presence_query_count_is_constant(people, meeting, django_assert_max_num_queries):
    sec = people.secretary.user
    for m in people.voting:
        actions.check_set_attendance(meeting, m.pk, "room", acting_user=sec)
    with django_assert_max_num_queries(3):
        selectors.presence(meeting)


# --- Properties over whole ballots ---------------------------------------------------------

choices = st.sampled_from(["yes", "no", "abstain"])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.lists(st.tuples(st.integers(0, 9), st.booleans(), choices), min_size=1, max_size=25),
    secret=st.booleans(),
    rule=st.sampled_from(["simple", "absolute", "two_thirds"]),
)
def test_tally_never_exceeds_voters_and_matches_rule(session, plan, secret, rule):
    """Random attempts (including repeats and proxies not held) never count twice."""
    from django.db import transaction

    people = session.people
    members = [people.chair, people.vice_chair, *people.members, *people.substitutes]
    sid = transaction.savepoint()
    try:
        b = session.open_ballot(secrecy="secret" if secret else "open", rule=rule)
        accepted = 0
        for index, via_proxy, choice in plan:
            voter = members[index % len(members)]
            proxy = people.members[5].pk if via_proxy else None
            try:
                actions.check_cast_vote(b.pk, choice, proxy_for_id=proxy, acting_user=voter.user)
                accepted += 1
            except actions.ActionError:
                pass
        seats = selectors.voters_for(session.meeting)
        counted = selectors.tally(b)
        assert counted.votes_cast == accepted <= len(seats)
        if secret:
            # The room votes on paper: the tellers found no ballot in the urn.
            actions.check_record_room_totals(
                b.pk, yes=0, no=0, abstain=0, acting_user=session.secretary
            )
        d = actions.check_close_ballot(b.pk, acting_user=session.chair)
        t = d.tally["total"]
        assert sum(t.values()) == accepted <= d.tally["voters"]
        assert (d.outcome == Decision.Outcome.ADOPTED) == is_adopted(
            rule, t["yes"], t["no"], t["abstain"]
        )
    finally:
        transaction.savepoint_rollback(sid)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(votes=st.lists(choices, min_size=1, max_size=7))
def test_each_secret_vote_reseals_the_urn_into_an_unrelated_string(session, votes):
    """Consecutive versions of the urn share nothing but their header: the vote recorded
    between two of them cannot be read off their difference."""
    from django.db import transaction

    people = session.people
    voters = [people.chair, people.vice_chair, *people.members[:5]]
    sid = transaction.savepoint()
    try:
        for voter in voters:
            actions.check_set_attendance(
                session.meeting, voter.pk, "remote", acting_user=session.secretary
            )
        b = session.open_ballot(secrecy="secret")
        versions = [bytes(Ballot.objects.get(pk=b.pk).urn)]
        for voter, choice in zip(voters, votes, strict=False):
            actions.check_cast_vote(b.pk, choice, acting_user=voter.user)
            versions.append(bytes(Ballot.objects.get(pk=b.pk).urn))
        header = len(urn.MAGIC) + 8
        assert len({len(v) for v in versions}) == 1
        for before, after in itertools.pairwise(versions):
            assert before[:header] == after[:header]
            nonce_and_cipher = zip(before[header:], after[header:], strict=True)
            # Random strings agree on a byte one time in 256: far from all of them.
            assert sum(x == y for x, y in nonce_and_cipher) < len(before) // 4
        assert not Vote.objects.filter(ballot=b).exists()
        cast = votes[: len(voters)]
        assert BallotParticipation.objects.filter(ballot=b).count() == len(cast)
        totals = selectors.tally(b).totals
        assert totals == {c: cast.count(c) for c in ("yes", "no", "abstain")}
    finally:
        transaction.savepoint_rollback(sid)
