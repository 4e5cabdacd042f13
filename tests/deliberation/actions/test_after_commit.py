"""What a ballot's close sets off leaves through one dispatcher, after the commit: a failing
subscriber (the archive's index here) is logged, cannot undo the committed ballot and its
decision, and does not stop the other subscribers."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from cms.archive import search_index
from deliberation import actions, events
from deliberation.models import Ballot, Decision

pytestmark = pytest.mark.django_db


def test_a_failing_subscriber_cannot_undo_a_committed_ballot(
    session, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    ballot = session.open_ballot()
    actions.check_cast_vote(ballot.pk, "yes", acting_user=session.people.chair.user)
    indexed: list[int] = []
    heard: list[str] = []

    def broken_index(group, event):
        indexed.append(event.decision_id)
        raise RuntimeError("the index is away")

    def later(group, event):
        # Subscribed after the index: still runs, and sees the decision committed.
        heard.append(event.type)
        assert Decision.objects.filter(pk=event.decision_id).exists()

    subscribers = list(events._SUBSCRIBERS)
    monkeypatch.setattr(
        events,
        "_SUBSCRIBERS",
        [
            (broken_index if h is search_index.index_recorded_decision else h, c)
            for h, c in subscribers
        ]
        + [(later, (events.DecisionRecorded,))],
    )
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks() as callbacks:
        decision = actions.check_close_ballot(ballot.pk, acting_user=session.people.chair.user)

    # Nothing ran inside the ballot's transaction: everything waits for the commit.
    assert indexed == [] and heard == []
    assert callbacks
    for callback in callbacks:
        callback()

    assert indexed == [decision.pk], "the decision was not sent to the index"
    assert "the index is away" in caplog.text
    assert heard == ["deliberation.decision_recorded"]
    assert Decision.objects.filter(pk=decision.pk).exists()
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.CLOSED


def test_every_subscriber_runs_on_its_own():
    calls: list[str] = []

    def first(group, event):
        calls.append("first")
        raise RuntimeError("first fails")

    def second(group, event):
        calls.append(f"second {group}")

    def other_kind(group, event):
        calls.append("other kind")

    event = events.MeetingOpened(meeting_id=3)
    saved = list(events._SUBSCRIBERS)
    events._SUBSCRIBERS[:] = []
    try:
        events.subscribe(first)
        events.subscribe(second, events.MeetingOpened)
        events.subscribe(second, events.MeetingOpened)  # once only
        events.subscribe(other_kind, events.DecisionRecorded)
        events.dispatch("meeting-3", event)
    finally:
        events._SUBSCRIBERS[:] = saved
    assert calls == ["first", "second meeting-3"]


def test_nothing_is_dispatched_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                events.publish("meeting-3", events.MeetingOpened(meeting_id=3))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
