"""Attendance and proxies: who is present, how, and for whom they vote."""

from __future__ import annotations

import pytest

from deliberation import actions, events, selectors
from deliberation.actions import ActionError
from deliberation.models import (
    Attendance,
    Proxy,
)
from tests.deliberation.actions.support import mgroup, types


def test_set_attendance(people, meeting, capture):
    with capture() as sent:
        a = actions.check_set_attendance(
            meeting, people.members[0].pk, "remote", acting_user=people.secretary.user
        )
    assert a.status == "remote" and a.recorded_by == people.secretary.user
    assert sent == [
        (
            mgroup(meeting),
            events.AttendanceChanged(meeting_id=meeting.pk, membership_id=people.members[0].pk),
        )
    ]
    actions.check_set_attendance(
        meeting, people.members[0].pk, "room", acting_user=people.secretary.user
    )
    assert Attendance.objects.get(meeting=meeting, membership=people.members[0]).status == "room"


def test_substitute_replaces_an_absent_full_member(people, meeting, capture):
    sec = people.secretary.user
    actions.check_set_attendance(meeting, people.members[0].pk, "excused", acting_user=sec)
    with capture() as sent:
        actions.check_set_attendance(
            meeting,
            people.substitutes[0].pk,
            "remote",
            replaces_id=people.members[0].pk,
            acting_user=sec,
        )
    assert types(sent) == ["deliberation.attendance_changed"]
    seats = selectors.voters_for(meeting)
    assert [s.voter for s in seats] == [people.substitutes[0]]
    with pytest.raises(ActionError, match="déjà remplacé"):
        actions.check_set_attendance(
            meeting,
            people.substitutes[1].pk,
            "room",
            replaces_id=people.members[0].pk,
            acting_user=sec,
        )


@pytest.mark.parametrize(
    ("who", "status", "replaces", "message"),
    [
        ("member", "present", None, "Choisissez une présence"),
        ("forged", "room", None, "ne siège pas"),
        ("garbage", "room", None, "inconnu"),
        ("member", "room", "member1", "suppléant"),
        ("substitute", "absent", "member1", "absent"),
        ("substitute", "room", "substitute1", "membre effectif"),
        ("observer", "room", None, "Seuls les membres"),
    ],
)
def test_set_attendance_bad_input(people, meeting, who, status, replaces, message):
    from tests.factories import make_membership

    ids = {
        "member": people.members[0].pk,
        "member1": people.members[1].pk,
        "substitute": people.substitutes[0].pk,
        "substitute1": people.substitutes[1].pk,
        "observer": people.observer.pk,
        "forged": make_membership("member").pk,  # a member of another council
        "garbage": "1 OR 1=1",
    }
    with pytest.raises(ActionError, match=message):
        actions.check_set_attendance(
            meeting,
            ids[who],
            status,
            replaces_id=ids.get(replaces),
            acting_user=people.secretary.user,
        )
    assert not Attendance.objects.exists()


def test_only_staff_record_attendance(people, meeting):
    with pytest.raises(ActionError, match="présences"):
        actions.check_set_attendance(
            meeting, people.members[0].pk, "room", acting_user=people.members[0].user
        )


def test_give_proxy(people, meeting, capture):
    giver, holder = people.members[0], people.members[1]
    with capture() as sent:
        proxy = actions.check_give_proxy(meeting, giver.pk, holder.pk, acting_user=giver.user)
    assert (proxy.giver, proxy.holder) == (giver, holder)
    assert sent == [
        (
            mgroup(meeting),
            events.ProxyGiven(
                meeting_id=meeting.pk, proxy_id=proxy.pk, giver_id=giver.pk, holder_id=holder.pk
            ),
        )
    ]


def test_proxy_rules(people, meeting):
    sec = people.secretary.user
    m = people.members
    actions.check_give_proxy(meeting, m[0].pk, m[1].pk, acting_user=sec)
    with pytest.raises(ActionError, match="détient déjà"):
        actions.check_give_proxy(meeting, m[2].pk, m[1].pk, acting_user=sec)
    with pytest.raises(ActionError, match="déjà donné"):
        actions.check_give_proxy(meeting, m[0].pk, m[3].pk, acting_user=sec)
    with pytest.raises(ActionError, match="propre nom"):
        actions.check_give_proxy(meeting, m[2].pk, m[3].pk, acting_user=m[4].user)
    with pytest.raises(ActionError, match="soi-même"):
        actions.check_give_proxy(meeting, m[2].pk, m[2].pk, acting_user=sec)
    actions.check_set_attendance(meeting, m[2].pk, "room", acting_user=sec)
    with pytest.raises(ActionError, match="présent vote"):
        actions.check_give_proxy(meeting, m[2].pk, m[3].pk, acting_user=sec)
    with pytest.raises(ActionError, match="membre effectif"):
        actions.check_give_proxy(meeting, m[3].pk, people.substitutes[0].pk, acting_user=sec)
    with pytest.raises(ActionError, match="pas donner de procuration"):
        actions.check_give_proxy(meeting, m[3].pk, m[4].pk, acting_user=people.resident)
    assert Proxy.objects.count() == 1
