"""Accounts without e-mail: the secretariat prints a login letter; its code serves once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone

from council import login_letters
from council.models import LoginLetter, Membership, Role, User
from tests.council.account_helpers import give_totp, log_in, outline
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Orneval-Lettre-2026"


@pytest.fixture
def secretariat(council):
    user = make_membership(Role.SECRETARY, council).user
    give_totp(user)
    return user


def _create(client, council, **overrides):
    data = {
        "username": "jeanne.dupont",
        "first_name": "Jeanne",
        "last_name": "Dupont",
        "council": council.pk,
        "role": Role.MEMBER,
        **overrides,
    }
    return client.post(reverse("create_letter_account"), data)


def _code_on(page: str) -> str:
    [code] = re.findall(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b", page)
    return code


def _letter_login(client, username, code):
    return client.post(reverse("letter_login"), {"username": username, "code": code})


def _choose(client, password=NEW_PASSWORD):
    return client.post(
        reverse("letter_login"), {"new_password1": password, "new_password2": password}
    )


def test_letter_end_to_end(client, council, secretariat):
    client.force_login(secretariat)
    form = client.get(reverse("create_letter_account"))
    assert form.status_code == 200 and outline(form.content.decode()).h1 == 1

    response = _create(client, council)
    assert response.status_code == 302
    user = User.objects.get(username="jeanne.dupont")
    assert user.email is None and not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.MEMBER

    letter_page = client.get(response["Location"]).content.decode()
    code = _code_on(letter_page)
    assert "jeanne.dupont" in letter_page
    assert "010 12 34 56" in letter_page  # the council's phone from ContactSettings
    assert "/connexion-courrier/" in letter_page
    # Stored hashed only, valid LOGIN_LETTER_DAYS days.
    letter = LoginLetter.objects.get(user=user)
    assert code.replace("-", "") not in letter.code_hash
    assert check_password(code.replace("-", ""), letter.code_hash)
    assert letter.expires_at - letter.created_at == datetime.timedelta(days=14)
    # Shown once: a reload no longer shows it.
    assert not re.search(
        r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", client.get(response["Location"]).content.decode()
    )

    client.logout()
    step_two = _letter_login(client, "Jeanne.Dupont", code.lower())
    assert step_two.status_code == 200
    assert 'name="new_password1"' in step_two.content.decode()
    weak = _choose(client, "123")
    assert weak.status_code == 400 and "error-summary" in weak.content.decode()
    done = _choose(client)
    assert done.status_code == 302 and done["Location"] == reverse("member_home")
    assert client.get(reverse("member_home")).status_code == 200  # logged in

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert LoginLetter.objects.get(user=user).used_at is not None

    # Spent: the same code is refused, with the one message.
    client.logout()
    again = _letter_login(client, "jeanne.dupont", code)
    assert again.status_code == 400
    assert "ne permettent pas de se connecter" in again.content.decode()
    # From now on the ordinary login page takes the username.
    assert log_in(client, "jeanne.dupont", NEW_PASSWORD).status_code == 302
    assert client.get(reverse("member_home")).status_code == 200


def test_expired_wrong_and_unknown_get_the_same_message(client, council, secretariat):
    user, code = login_letters.do_create_letter_account(
        username="paul",
        first_name="Paul",
        last_name="Martin",
        council=council,
        role="",
        acting_user=secretariat,
    )
    LoginLetter.objects.filter(user=user).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    answers = [
        _letter_login(client, "paul", code),  # expired
        _letter_login(client, "paul", "AAAA-BBBB-CCCC"),  # wrong
        _letter_login(client, "personne", code),  # unknown username
    ]
    bodies = {re.sub(r'value="[^"]*"', "", a.content.decode()) for a in answers}
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert len(bodies) == 1  # nothing tells which part was wrong
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_password_step_refuses_a_letter_spent_meanwhile(client, council, secretariat):
    user, code = login_letters.do_create_letter_account(
        username="lea",
        first_name="Léa",
        last_name="Roux",
        council=council,
        role="",
        acting_user=secretariat,
    )
    assert _letter_login(client, "lea", code).status_code == 200
    # A new letter is issued between the two steps: the old one stops working.
    login_letters.do_issue_login_letter(user, acting_user=secretariat)
    response = _choose(client)
    assert response.status_code == 400
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_guessing_is_rate_limited(client, council, secretariat):
    login_letters.do_create_letter_account(
        username="marc",
        first_name="Marc",
        last_name="Noël",
        council=council,
        role="",
        acting_user=secretariat,
    )
    statuses = [_letter_login(client, "marc", "ZZZZ-ZZZZ-ZZZZ").status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    assert "Trop d’essais" in _letter_login(client, "marc", "ZZZZ-ZZZZ-ZZZZ").content.decode()


def test_bad_input_and_permissions(client, council, secretariat):
    client.force_login(make_user())
    assert client.get(reverse("create_letter_account")).status_code == 403
    client.force_login(secretariat)
    taken = _create(client, council, username=secretariat.username.upper())
    assert taken.status_code == 200 and "déjà pris" in taken.content.decode()
    bad = _create(client, council, username="a b<script>", first_name="")
    page = bad.content.decode()
    assert bad.status_code == 200 and "error-summary" in page and "<script>" not in page
    empty = client.post(reverse("letter_login"), {"username": "", "code": ""})
    assert empty.status_code == 400 and "error-summary" in empty.content.decode()


def test_reissue_replaces_the_old_code(client, council, secretariat):
    user, old = login_letters.do_create_letter_account(
        username="ines",
        first_name="Inès",
        last_name="Bah",
        council=council,
        role=Role.MEMBER,
        acting_user=secretariat,
    )
    client.force_login(secretariat)
    response = client.post(reverse("reissue_login_letter", args=[user.pk]))
    new = _code_on(client.get(response["Location"]).content.decode())
    client.logout()
    assert _letter_login(client, "ines", old).status_code == 400
    assert _letter_login(client, "ines", new).status_code == 200


def test_the_login_page_shows_the_way_in_for_a_letter(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/connexion-courrier/"' in page
