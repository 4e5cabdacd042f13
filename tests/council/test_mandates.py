"""Ending a mandate and replacing a member: the actions, the secretariat's screen, who may use
it, and the powers that end with the mandate."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from council.actions import check_replace_member, do_end_mandate, do_replace_member
from council.models import EndReason, Membership, Role
from tests.council.account_helpers import give_totp
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def secretariat(council):
    user = make_membership(Role.SECRETARY, council).user
    give_totp(user)
    return user


@pytest.fixture
def member(council):
    return make_membership(Role.MEMBER, council, end=datetime.date(2030, 12, 31))


@pytest.fixture
def substitute(council):
    return make_membership(Role.SUBSTITUTE, council)


def test_replacing_a_member_seats_the_substitute_from_the_next_day(
    council, member, substitute, secretariat
):
    seat = do_replace_member(
        member,
        substitute.user,
        day=YESTERDAY,
        reason=EndReason.RESIGNATION,
        decision="14/2026",
        acting_user=secretariat,
    )
    member.refresh_from_db()
    substitute.refresh_from_db()
    assert (member.end, member.end_reason, member.end_decision) == (
        YESTERDAY,
        EndReason.RESIGNATION,
        "14/2026",
    )
    assert seat.role == Role.MEMBER and seat.has_voting_right
    assert seat.start == TODAY and seat.end == datetime.date(2030, 12, 31)
    assert seat.succeeds == member and seat.start_decision == "14/2026"
    # One person, one seat: the substitute's own substitute mandate ended the same day.
    assert substitute.end == YESTERDAY and substitute.end_reason == EndReason.OFFICE_CHANGE
    current = Membership.objects.current().filter(council=council)
    assert member not in current and seat in current


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day": datetime.date(2019, 12, 31)}, "ne peut pas précéder son début"),
        ({"reason": "boredom"}, "Motif de fin inconnu"),
    ],
)
def test_bad_replacements_are_refused_with_a_reason(member, substitute, change, message):
    arguments = {"day": YESTERDAY, "reason": EndReason.RESIGNATION, **change}
    with pytest.raises(ValidationError, match=message):
        do_replace_member(member, substitute.user, decision="", acting_user=None, **arguments)
    member.refresh_from_db()
    assert member.end == datetime.date(2030, 12, 31) and not member.end_reason


def test_an_ended_mandate_cannot_end_again_nor_be_replaced(member, substitute):
    do_end_mandate(member, end=YESTERDAY, reason=EndReason.RESIGNATION, acting_user=None)
    with pytest.raises(ValidationError, match="déjà pris fin"):
        do_replace_member(
            member, substitute.user, day=YESTERDAY, reason=EndReason.REPLACED, acting_user=None
        )


def test_a_seated_member_cannot_be_the_substitute(council, member):
    other = make_membership(Role.MEMBER, council)
    with pytest.raises(ValidationError, match="siège déjà"):
        do_replace_member(
            member, other.user, day=YESTERDAY, reason=EndReason.REPLACED, acting_user=None
        )
    assert not Membership.objects.filter(succeeds=member).exists()


def test_an_ended_chair_can_no_longer_preside(council):
    chair = make_membership(Role.CHAIR, council)
    assert chair.user.has_perm("council.preside", council)
    do_end_mandate(chair, end=YESTERDAY, reason=EndReason.RESIGNATION, acting_user=None)
    chair.user.refresh_from_db()
    user = type(chair.user).objects.get(pk=chair.user.pk)  # a new request, no cached mandates
    assert not user.has_perm("council.preside", council)
    assert not user.groups.filter(name="Présidence").exists()


def test_only_the_secretariat_may_replace_a_member(council, member, substitute):
    for role in (Role.MEMBER, Role.CHAIR):
        someone = make_membership(role, council).user
        with pytest.raises(PermissionDenied):
            check_replace_member(
                member,
                substitute.user,
                day=YESTERDAY,
                reason=EndReason.RESIGNATION,
                acting_user=someone,
            )
    with pytest.raises(PermissionDenied):
        check_replace_member(
            member,
            substitute.user,
            day=YESTERDAY,
            reason=EndReason.RESIGNATION,
            acting_user=make_user(),
        )


def _post(client, membership, **data):
    return client.post(
        reverse("end_mandate", args=[membership.pk]),
        {"end": YESTERDAY.isoformat(), "reason": "resignation", "decision": "", **data},
    )


def test_the_secretariat_replaces_a_member_from_its_mandates_screen(
    client, council, member, substitute, secretariat
):
    client.force_login(secretariat)
    home = client.get(reverse("member_home")).content.decode()
    assert reverse("mandates") in home
    screen = client.get(reverse("mandates")).content.decode()
    assert reverse("end_mandate", args=[member.pk]) in screen
    assert client.get(reverse("end_mandate", args=[member.pk])).status_code == 200
    response = _post(client, member, substitute=substitute.user.pk, decision="14/2026")
    assert response.status_code == 302 and response["Location"] == reverse("mandates")
    assert Membership.objects.get(succeeds=member).user == substitute.user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"end": "2019-06-01"}, "ne peut pas précéder son début"),
        ({"end": "pas une date"}, "Indiquez une date"),
        ({"reason": "ennui"}, "Motif de fin inconnu"),
        ({"decision": "=1+1"}, "numéro/année"),
        ({"substitute": "999999"}, "ne fait pas partie du conseil"),
    ],
)
def test_the_form_explains_what_is_wrong_in_french(client, member, secretariat, data, message):
    client.force_login(secretariat)
    response = _post(client, member, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    member.refresh_from_db()
    assert not member.end_reason


def test_the_form_refuses_a_seated_substitute_and_an_ended_mandate(
    client, council, member, secretariat
):
    client.force_login(secretariat)
    seated = make_membership(Role.MEMBER, council)
    response = _post(client, member, substitute=seated.user.pk)
    assert response.status_code == 400 and "siège déjà" in response.content.decode()
    assert _post(client, member).status_code == 302
    response = _post(client, member)
    assert response.status_code == 400 and "déjà pris fin" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.CHAIR, None])
def test_others_cannot_reach_the_mandates_screen(client, council, member, role):
    user = make_membership(role, council).user if role else make_user()
    if role == Role.CHAIR:
        give_totp(user)
    client.force_login(user)
    assert client.get(reverse("mandates")).status_code == 403
    assert client.get(reverse("end_mandate", args=[member.pk])).status_code == 403
    assert _post(client, member).status_code == 403
    member.refresh_from_db()
    assert not member.end_reason
    assert client.get(reverse("end_mandate", args=[987654])).status_code == 404
