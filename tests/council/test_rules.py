"""Roles × permissions, as a table: each row says who may and who may not."""

import datetime

import pytest

from council.models import Role
from tests.factories import make_council, make_membership, make_user

pytestmark = pytest.mark.django_db

PERMISSIONS = {
    # permission: roles that hold it
    "council.view_members_area": {
        Role.CHAIR,
        Role.VICE_CHAIR,
        Role.MEMBER,
        Role.SUBSTITUTE,
        Role.SECRETARY,
        Role.OBSERVER,
    },
    "council.manage_members": {Role.SECRETARY},
    "council.invite_member": {Role.SECRETARY},
    "council.preside": {Role.CHAIR, Role.VICE_CHAIR},
}


@pytest.mark.parametrize("role", [*Role.values, "resident"])
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_role_permission_matrix(role, permission):
    council = make_council()
    user = make_user()
    if role != "resident":
        make_membership(role, council, user)
    expected = role in PERMISSIONS[permission]
    assert user.has_perm(permission, council) is expected


@pytest.mark.parametrize("role", [*Role.values, "resident"])
def test_only_chair_and_secretariat_reach_wagtail_admin(role, client):
    user = make_user()
    if role != "resident":
        make_membership(role, make_council(), user)
    expected = role in {Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY}
    assert user.has_perm("wagtailadmin.access_admin") is expected


def test_a_role_in_one_council_gives_nothing_in_another():
    user = make_user()
    make_membership(Role.SECRETARY, make_council(), user)
    assert not user.has_perm("council.manage_members", make_council())


def test_an_ended_mandate_gives_nothing():
    council = make_council()
    user = make_user()
    make_membership(
        Role.CHAIR, council, user, start=datetime.date(2019, 1, 1), end=datetime.date(2020, 1, 1)
    )
    assert not user.has_perm("council.preside", council)


@pytest.mark.parametrize(
    ("role", "votes"),
    [
        (Role.CHAIR, True),
        (Role.VICE_CHAIR, True),
        (Role.MEMBER, True),
        (Role.SUBSTITUTE, False),
        (Role.SECRETARY, False),
        (Role.OBSERVER, False),
    ],
)
def test_voting_right_follows_role_by_default(role, votes):
    from council.rules import has_voting_right

    council = make_council()
    user = make_user()
    make_membership(role, council, user)
    assert has_voting_right(user, council) is votes


def test_editor_groups_follow_mandates():
    council = make_council()
    user = make_user()
    make_membership(Role.SECRETARY, council, user)
    assert list(user.groups.values_list("name", flat=True)) == ["Secrétariat"]
