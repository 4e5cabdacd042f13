"""The list of speakers: requests, the floor given and ended, bad input."""

from __future__ import annotations

import pytest

from deliberation import actions, selectors
from deliberation.actions import ActionError
from deliberation.models import (
    SpeakerRequest,
)
from tests.deliberation.actions.support import types


def test_speakers_list(session, capture):
    m = session.people.members
    with capture() as sent:
        r1 = actions.check_request_floor(session.item, acting_user=m[0].user)
    assert types(sent) == ["deliberation.speakers_changed"]
    with pytest.raises(ActionError, match="déjà inscrit"):
        actions.check_request_floor(session.item, acting_user=m[0].user)
    r2 = actions.check_add_speaker(session.item, m[1].pk, acting_user=session.secretary)
    assert r2.added_by == session.secretary
    actions.check_give_floor(session.item, r1.pk, acting_user=session.chair)
    with capture() as sent:
        actions.check_give_floor(session.item, r2.pk, acting_user=session.chair)
    assert types(sent) == ["deliberation.speakers_changed"]
    r1.refresh_from_db()
    assert r1.state == SpeakerRequest.State.DONE
    shown = selectors.speakers(session.item)
    assert shown.current == r2 and shown.queue == [] and shown.done == [r1]
    actions.check_end_speaker(session.item, r2.pk, acting_user=session.chair)
    # Done speakers may ask again.
    r3 = actions.check_request_floor(session.item, acting_user=m[0].user)
    actions.check_remove_speaker(session.item, r3.pk, acting_user=m[0].user)
    r3.refresh_from_db()
    assert r3.state == SpeakerRequest.State.REMOVED


def test_speakers_bad_input(session):
    m = session.people.members
    r = actions.check_request_floor(session.item, acting_user=m[0].user)
    with pytest.raises(ActionError, match="présidence"):
        actions.check_give_floor(session.item, r.pk, acting_user=m[1].user)
    with pytest.raises(ActionError, match="propre demande"):
        actions.check_remove_speaker(session.item, r.pk, acting_user=m[1].user)
    with pytest.raises(ActionError, match="introuvable"):
        actions.check_give_floor(session.item, "abc", acting_user=session.chair)
    with pytest.raises(ActionError, match="introuvable"):
        actions.check_give_floor(session.item, r.pk + 999, acting_user=session.chair)
    with pytest.raises(ActionError, match="n'a pas la parole"):
        actions.check_end_speaker(session.item, r.pk, acting_user=session.chair)
    with pytest.raises(ActionError, match="membre"):
        actions.check_request_floor(session.item, acting_user=session.people.resident)
