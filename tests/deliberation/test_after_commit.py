"""What a ballot's close sets off beside its own record cannot undo it: the archive's index is
written in a savepoint, and a failure there is rolled back alone."""

from __future__ import annotations

import pytest

from cms.archive import search_index
from deliberation import actions
from deliberation.models import Ballot, Decision

pytestmark = pytest.mark.django_db


def test_a_failing_search_index_does_not_undo_the_close_of_a_ballot(
    session, monkeypatch, django_capture_on_commit_callbacks
):
    ballot = session.open_ballot()
    actions.check_cast_vote(ballot.pk, "yes", acting_user=session.people.chair.user)
    indexed: list[object] = []

    def broken_index(*args, **kwargs):
        indexed.append(args)
        raise RuntimeError("the index is away")

    monkeypatch.setattr(search_index, "index_decisions", broken_index)
    with django_capture_on_commit_callbacks(execute=True):
        decision = actions.check_close_ballot(ballot.pk, acting_user=session.people.chair.user)

    assert indexed, "the decision was not sent to the index"
    assert Decision.objects.filter(pk=decision.pk).exists()
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.CLOSED
