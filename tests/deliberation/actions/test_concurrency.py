"""Casting and closing under real concurrency, on both backends: on SQLite, transactions take
the write lock when they begin (IMMEDIATE) and wait for it, so no vote answers "database is
locked"."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from deliberation import actions, selectors
from deliberation.models import Decision, Vote

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(fn):
    """Run fn in a worker thread with its own connection, closed afterwards."""

    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


def test_fifty_parallel_casts_of_one_vote_make_one_vote(session):
    ballot = session.open_ballot()
    voter = session.people.members[4].user
    start = threading.Barrier(50)

    @_in_thread
    def cast(i):
        start.wait()
        try:
            actions.check_cast_vote(ballot.pk, ["yes", "no", "abstain"][i % 3], acting_user=voter)
            return "ok"
        except actions.ActionError as error:
            return str(error)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(cast, range(50)))
    assert results.count("ok") == 1
    assert set(results) - {"ok"} == {"Ce vote a déjà été enregistré."}
    assert Vote.objects.filter(ballot=ballot).count() == 1


@pytest.mark.parametrize("secrecy", ["open", "secret"])
def test_votes_racing_the_close_are_counted_or_refused(session, secrecy):
    voters = [session.people.chair, session.people.vice_chair, *session.people.members[:5]]
    # Everyone at home: a secret ballot's room would vote on paper.
    for voter in voters:
        actions.check_set_attendance(
            session.meeting, voter.pk, "remote", acting_user=session.secretary
        )
    ballot = session.open_ballot(secrecy=secrecy)
    start = threading.Barrier(len(voters) + 1)

    @_in_thread
    def cast(membership):
        start.wait()
        try:
            actions.check_cast_vote(ballot.pk, "yes", acting_user=membership.user)
            return "counted"
        except actions.ActionError as error:
            return str(error)

    @_in_thread
    def close():
        start.wait()
        return actions.check_close_ballot(ballot.pk, acting_user=session.secretary)

    with ThreadPoolExecutor(max_workers=len(voters) + 1) as pool:
        closing = pool.submit(close)
        results = list(pool.map(cast, voters))
        decision = closing.result()
    counted = results.count("counted")
    refused = [r for r in results if r != "counted"]
    assert all("clos" in r for r in refused), refused
    assert counted + len(refused) == len(voters)
    decision = Decision.objects.get(pk=decision.pk)
    # The decision holds exactly the votes that were told they counted, and the stored
    # votes agree with it: nothing half-recorded after the close.
    assert decision.tally["total"]["yes"] == counted
    assert selectors.tally(ballot).totals["yes"] == counted
