"""One door: every login goes through allauth, and staff act only after their second factor."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from council.models import Role
from deliberation import actions
from tests.council.account_helpers import give_totp, log_in, totp_code
from tests.factories import PASSWORD, make_membership, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def staff(council):
    """The secretariat, with TOTP set up: it reaches the admin, the consoles and the desk."""
    user = make_membership(Role.SECRETARY, council).user
    user.totp_secret = give_totp(user)
    return user


@pytest.fixture
def staff_pages(council, staff):
    meeting = actions.do_create_meeting(
        council,
        title="Séance",
        start=timezone.now() + datetime.timedelta(days=1),
        place="Salle du conseil",
        items=[("Point", "decision")],
        acting_user=staff,
    )
    return [
        "/admin/",
        "/admin/moderation/",
        reverse("deliberation:secretariat", args=[meeting.pk]),
        reverse("deliberation:mediation_desk"),
        reverse("member_home"),
    ]


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_django_admin_login_view_is_not_served(client):
    root = make_user("root@example.net", is_superuser=True, is_staff=True)
    give_totp(root)
    page = client.get("/django-admin/login/?next=/django-admin/council/user/")
    assert page.status_code == 302
    assert page["Location"] == LOGIN + "?next=%2Fdjango-admin%2Fcouncil%2Fuser%2F"
    # Django's form would have logged in with these; here nobody is authenticated.
    sent = client.post(
        "/django-admin/login/?next=/django-admin/",
        {"username": root.username, "password": PASSWORD, "next": "/django-admin/"},
    )
    assert sent.status_code == 302 and sent["Location"].startswith(LOGIN)
    assert not _logged_in(client)
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")


def test_the_django_admin_sends_foreign_next_urls_home(client):
    page = client.get("/django-admin/login/?next=https://evil.example/")
    assert page["Location"] == LOGIN + "?next=%2Fdjango-admin%2F"


def test_the_wagtail_admin_login_view_leads_to_allauth(client):
    page = client.get("/admin/login/?next=/admin/pages/")
    assert page.status_code == 302
    assert page["Location"] == LOGIN + "?next=%2Fadmin%2Fpages%2F"
    assert client.get("/admin/password_reset/")["Location"].startswith(
        reverse("account_reset_password")
    )


def test_a_password_posted_to_the_django_admin_opens_no_staff_page(client, staff, staff_pages):
    # A secretary an operator also let into the Django admin.
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.post(
        "/django-admin/login/",
        {"username": staff.username, "password": PASSWORD, "next": "/admin/"},
    )
    for url in staff_pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url


@pytest.mark.second_factor_skipped
def test_a_session_that_skipped_the_second_factor_is_logged_out(client, staff, staff_pages):
    for url in staff_pages:
        client.force_login(staff)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
        assert not _logged_in(client), url
    following = client.get(response["Location"])
    assert "double authentification" in following.content.decode()


def test_staff_pages_open_after_the_password_and_the_code(client, staff, staff_pages):
    assert log_in(client, staff.email)["Location"] == reverse("mfa_authenticate")
    assert not _logged_in(client)
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)})
    assert done.status_code == 302
    for url in staff_pages:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("door", ["/django-admin/login/", "/admin/login/"])
def test_the_admin_doors_take_no_password_at_all(client, staff, door):
    # Their own forms guessed passwords without limit and let the right one in alone.
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    attempts = [*(f"essai-{n}" for n in range(25)), PASSWORD]
    for password in attempts:
        response = client.post(door, {"username": staff.username, "password": password})
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not _logged_in(client)


def test_wrong_passwords_are_throttled_at_the_one_door(client, staff):
    for _attempt in range(5):
        client.post(LOGIN, {"login": staff.email, "password": "x"})
    # The right password, after five wrong ones, opens nothing for a while.
    page = client.post(LOGIN, {"login": staff.email, "password": PASSWORD})
    assert page.status_code == 200
    assert "Trop de tentatives de connexion" in page.content.decode()
    assert not _logged_in(client)
    assert reverse("mfa_authenticate") not in page.get("Location", "")


def test_wrong_current_passwords_are_throttled_on_the_password_change_form(client, council):
    user = make_membership(Role.MEMBER, council).user
    client.force_login(user)
    url = reverse("account_change_password")
    statuses = [
        client.post(
            url, {"oldpassword": "x", "password1": "N0uveau-mot!", "password2": "N0uveau-mot!"}
        ).status_code
        for _attempt in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/django-admin/"])
def test_a_person_without_admin_access_is_told_so_without_a_loop(client, council, path):
    member = make_membership(Role.MEMBER, council).user
    client.force_login(member)
    response = client.get(path)
    assert response.status_code == 403
    assert "n’y a pas accès" in response.content.decode()


def test_the_django_admin_is_refused_to_the_secretariat_without_a_loop(client, staff):
    client.force_login(staff)
    response = client.get("/django-admin/")
    assert response.status_code == 403


def test_the_wagtail_admin_fetches_no_avatar_from_another_host(client, staff):
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    assert client.get("/admin/").status_code == 200
    assert "gravatar" not in html.lower()


@pytest.mark.parametrize("door", ["/_util/login/", "/nl/_util/login/", "/en/_util/login/"])
def test_wagtails_front_end_login_takes_no_password(client, council, staff, door):
    # Wagtail serves Django's own LoginView at /_util/login/ (for private pages) unless
    # WAGTAIL_FRONTEND_LOGIN_URL names another login: a second password door, without
    # allauth's rate limits. Twenty-five wrong passwords and then the right one must open
    # nothing there, for a member as for the secretariat.
    member = make_membership(Role.MEMBER, council).user
    for user in (member, staff):
        attempts = [*(f"essai-{n}" for n in range(25)), PASSWORD]
        for password in attempts:
            client.post(door, {"username": user.username, "password": password})
        assert not _logged_in(client), user
    page = client.get(f"{door}?next=/espace/")
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_wrong_passwords_are_throttled_on_the_reauthentication_form(client, council):
    user = make_membership(Role.MEMBER, council).user
    client.force_login(user)
    url = reverse("account_reauthenticate")
    statuses = [client.post(url, {"password": "x"}).status_code for _attempt in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
