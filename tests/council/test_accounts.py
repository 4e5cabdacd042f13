"""Accounts with allauth: signup, mandatory verification, login, password reset, rate limits,
and every allauth page inside the site's accessible layout."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from council.models import User
from tests.council.account_helpers import links_in, log_in, outline
from tests.factories import PASSWORD, make_membership, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Orneval-ecoute-2026"


def test_signup_verification_then_login(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "Nadia@Exemple.be", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nadia@exemple.be")
    assert not EmailAddress.objects.get(user=user).verified
    # Not logged in until the address is confirmed.
    assert client.get(reverse("member_home")).status_code == 302

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nadia@exemple.be"]
    assert "[Conseil ouvert]" in message.subject
    assert "Confirmez votre adresse e-mail" in message.subject
    [link] = [url for url in links_in(message.body) if "/accounts/confirm-email/" in url]

    # Logging in before confirming is refused: allauth sends a new mail instead.
    fresh = client.__class__()
    refused = log_in(fresh, "nadia@exemple.be", NEW_PASSWORD)
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert fresh.get(reverse("member_home")).status_code == 302

    path = link.split("testserver", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer" in page.content.decode()
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    other = client.__class__()
    assert log_in(other, "nadia@exemple.be", NEW_PASSWORD)["Location"] == "/"
    home = other.get(reverse("member_home"))
    assert home.status_code == 200
    assert "habitant·e" in home.content.decode()


def test_signup_with_taken_address_does_not_create_a_second_account(client, mailoutbox):
    make_user("deja@example.net")
    client.post(
        reverse("account_signup"),
        {"email": "deja@example.net", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.filter(email="deja@example.net").count() == 1


def test_wrong_password_shows_error_summary_and_keeps_the_address(client):
    make_user("marie@example.net")
    response = log_in(client, "marie@example.net", "pas-le-bon")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'value="marie@example.net"' in html
    assert "pas-le-bon" not in html


def test_password_reset_flow(client, mailoutbox):
    make_user("oubli@example.net")
    response = client.post(reverse("account_reset_password"), {"email": "oubli@example.net"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    [link] = [url for url in links_in(mailoutbox[0].body) if "/password/reset/key/" in url]
    path = link.split("testserver", 1)[1]

    # allauth moves the key into the session and redirects to a URL without it.
    step = client.get(path)
    assert step.status_code == 302
    form_page = client.get(step["Location"])
    assert form_page.status_code == 200
    assert "Mauvais jeton" not in form_page.content.decode()
    done = client.post(step["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    assert log_in(client.__class__(), "oubli@example.net", PASSWORD).status_code == 200
    assert log_in(client.__class__(), "oubli@example.net", NEW_PASSWORD)["Location"] == "/"
    # The link is single use.
    again = client.__class__().get(path, follow=True)
    assert "Mauvais jeton" in again.content.decode()


def test_failed_logins_are_rate_limited_on_the_real_cache(client, settings):
    assert "locmem" in settings.CACHES["default"]["BACKEND"].lower() or settings.CACHES["default"][
        "BACKEND"
    ].endswith("RedisCache")
    make_user("cible@example.net")
    for _attempt in range(5):
        html = log_in(client, "cible@example.net", "mauvais").content.decode()
        assert "Trop de tentatives" not in html
    # Now even the right password is refused for this account, with a French message.
    response = log_in(client, "cible@example.net", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trop de tentatives" in html
    assert 'class="error-summary"' in html
    assert client.get(reverse("member_home")).status_code == 302


def test_too_many_login_posts_get_a_french_429_page(client):
    statuses = [log_in(client, f"x{n}@example.net", "y").status_code for n in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    last = client.post(reverse("account_login"), {"login": "a@b.be", "password": "z"})
    assert last.status_code == 429
    html = last.content.decode()
    assert "Trop de tentatives" in html
    assert outline(html).h1 == 1


PUBLIC_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
MANAGE_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
    "mfa_index",
]


def _assert_accessible_page(response):
    assert response.status_code == 200
    html = response.content.decode()
    doc = outline(html)
    assert doc.h1 == 1, "one h1 per page"
    assert doc.inline_scripts == 0 and doc.style_attrs == 0 and doc.style_elements == 0
    assert len(doc.ids) == len(set(doc.ids)), "duplicate ids"
    assert 'class="skip-link"' in html and '<html lang="fr">' in html
    assert "/static/css/site.css" in html
    for field in doc.inputs:
        assert field.get("id") in doc.label_fors, f"unlabelled field {field}"
    return html


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_allauth_pages_use_the_site_layout(client, name):
    html = _assert_accessible_page(client.get(reverse(name)))
    assert "Participer sans ordinateur" in html  # the site's contact block: our base.html


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_account_pages_use_the_site_layout(client, name):
    make_user("moi@example.net")
    log_in(client, "moi@example.net")
    _assert_accessible_page(client.get(reverse(name)))


def test_bad_confirmation_and_reset_keys_give_a_french_page(client):
    html = _assert_accessible_page(client.get("/accounts/confirm-email/nimporte-quoi/"))
    assert "expiré ou n'est pas valide" in html
    html = _assert_accessible_page(client.get("/accounts/password/reset/key/zz-mauvais/"))
    assert "Mauvais jeton" in html


def test_form_errors_are_tied_to_their_fields(client):
    html = client.post(
        reverse("account_signup"), {"email": "pas-une-adresse", "password1": "a", "password2": "b"}
    ).content.decode()
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", html)
    assert field
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="id_email_error"' in field.group(0)
    assert 'id="id_email_error"' in html
    assert 'href="#id_email"' in html  # the summary links to the field
    assert 'autocomplete="email"' in field.group(0)
    password = re.search(r"<input[^>]*name=\"password1\"[^>]*>", html)
    assert password and 'autocomplete="new-password"' in password.group(0)
    assert "id_password1_helptext" in password.group(0)


def test_secretariat_sees_the_invite_link_and_a_member_does_not(client, council):
    member = make_membership("member", council).user
    client.force_login(member)
    assert reverse("invite_member") not in client.get(reverse("member_home")).content.decode()


def test_set_password_page_for_an_account_without_one(client):
    user = make_user("sans-mdp@example.net")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    response = client.get(reverse("account_change_password"))
    assert response["Location"] == reverse("account_set_password")
    html = _assert_accessible_page(client.get(reverse("account_set_password")))
    assert 'autocomplete="new-password"' in html
