"""Hostile values in the login, signup and invitation forms: never a 500, a French error
summary, what was typed kept (passwords aside), nothing reflected unescaped."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from council.models import Role, User
from tests.council.account_helpers import give_totp
from tests.factories import make_membership

pytestmark = pytest.mark.django_db

HOSTILE = {
    "long": "A" * 10_240,
    "nul": "abc\x00def",
    "controls": "x\x01\x07\x1b[31m\x7fy",
    "sql": "'; DROP TABLE council_user; --",
    "sql_or": "' OR '1'='1",
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "unicode": "Zoë 𝕏 \u202e\u200b عربى 漢字 🙂",
    "bad_email_1": "pas-une-adresse",
    "bad_email_2": "a@b@c.be",
    "bad_email_3": "@exemple.be",
    "bad_email_4": "a..b@exemple.be",
    "bad_email_5": "x@[127.0.0.1",
}
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def _check(response, kept: dict[str, str], secrets: tuple[str, ...] = ()):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Le formulaire contient des erreurs" in html
    for markup in MARKUP:
        assert markup not in html
    for name, value in kept.items():
        shown = value.strip()
        if "\x00" not in shown and shown:
            assert f'name="{name}" value="{escape(shown)}"' in html, name
    for secret in secrets:
        if len(secret) > 3:
            assert escape(secret) not in html
    return html


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_login_form(client, kind):
    value = HOSTILE[kind]
    password = "mdp:" + value
    response = client.post(reverse("account_login"), {"login": value, "password": password})
    _check(response, {"login": value}, secrets=(password,))


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_signup_form(client, kind):
    value = HOSTILE[kind]
    password = "mdp:" + value
    response = client.post(
        reverse("account_signup"),
        {"email": value, "password1": password, "password2": password + "!"},
    )
    _check(response, {"email": value}, secrets=(password,))
    assert not User.objects.exists()


@pytest.fixture
def secretariat_client(client, council):
    user = make_membership(Role.SECRETARY, council).user
    give_totp(user)
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_invitation_form(secretariat_client, council, mailoutbox, kind):
    value = HOSTILE[kind]
    data = {
        "email": value,
        "first_name": value,
        "last_name": value,
        "organisation": value,
        "council": value,
        "role": value,
        "voting": value,
        "start": value,
        "end": value,
    }
    response = secretariat_client.post(reverse("invite_member"), data)
    _check(response, {"email": value, "first_name": value, "last_name": value})
    assert User.objects.count() == 1  # only the secretariat
    assert mailoutbox == []


@pytest.mark.parametrize("kind", ["nul", "controls", "long"])
def test_invitation_names_refuse_control_characters_and_overlong_values(
    secretariat_client, council, kind
):
    value = HOSTILE[kind]
    response = secretariat_client.post(
        reverse("invite_member"),
        {
            "email": "ok@example.net",
            "first_name": value,
            "last_name": "Dupont",
            "council": council.pk,
            "role": Role.MEMBER,
            "start": "2026-01-01",
        },
    )
    html = _check(response, {"email": "ok@example.net", "last_name": "Dupont"})
    assert 'id="id_first_name_error"' in html
    assert not User.objects.filter(email="ok@example.net").exists()


def test_markup_in_a_name_is_stored_verbatim_and_escaped_in_the_mail(
    secretariat_client, council, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            reverse("invite_member"),
            {
                "email": "ok@example.net",
                "first_name": HOSTILE["script"],
                "last_name": HOSTILE["attribute"],
                "council": council.pk,
                "role": Role.MEMBER,
                "start": "2026-01-01",
            },
        )
    user = User.objects.get(email="ok@example.net")
    assert user.first_name == HOSTILE["script"]
    html, _mimetype = mailoutbox[0].alternatives[0]
    for markup in MARKUP:
        assert markup not in html
    assert escape(HOSTILE["script"]) in html


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/confirm-email/%00/",
        "/accounts/confirm-email/" + "A" * 5000 + "/",
        "/accounts/password/reset/key/%00-%00/",
        "/accounts/password/reset/key/1-" + "B" * 5000 + "/",
        "/espace/invitation/%00/%00/",
        "/espace/invitation/" + "C" * 5000 + "/x-y/",
        "/espace/invitation/MQ/%3Cscript%3E-1/",
    ],
)
def test_malformed_links_never_fail(client, path):
    response = client.get(path, follow=True)
    assert response.status_code in {200, 404}
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]
