"""TOTP is required for chair and secretariat accounts, and only for them."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.council.account_helpers import log_in, outline, totp_code
from tests.factories import PASSWORD, make_membership, make_user

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


def _activate_totp(client) -> str:
    """Walk the activation page as a person would; return the secret it showed."""
    first = client.get(ACTIVATE)
    # allauth asks for the password again before changing second factors.
    assert first.status_code == 302
    assert first["Location"].startswith(reverse("account_reauthenticate"))
    again = client.post(first["Location"], {"password": PASSWORD})
    assert again.status_code == 302
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    doc = outline(html)
    assert doc.h1 == 1 and doc.inline_scripts == 0 and doc.style_attrs == 0
    # The QR code is an inline SVG image (allowed by the CSP) and the key is shown as text.
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    match = re.search(
        r'<code class="totp-secret" id="authenticator_secret">([A-Z2-7]+)</code>', html
    )
    assert match
    csp = page["Content-Security-Policy"]
    assert "img-src 'self' data:" in csp and "unsafe-inline" not in csp
    secret = match.group(1)
    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    return secret


@pytest.mark.parametrize("role", ["chair", "secretary", "vice_chair"])
def test_chair_and_secretariat_must_set_up_totp_before_anything_else(client, council, role):
    user = make_membership(role, council).user
    assert log_in(client, user.email).status_code == 302
    for path in (reverse("member_home"), "/admin/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE, path

    bad = client.get(ACTIVATE, follow=True)
    assert "double authentification" in bad.content.decode()

    _activate_totp(client)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("member_home")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_after_activation_login_asks_for_the_second_factor(client, council):
    user = make_membership("chair", council).user
    log_in(client, user.email)
    secret = _activate_totp(client)
    client.post(reverse("account_logout"))

    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Half logged in is not logged in.
    assert client.get(reverse("member_home"))["Location"].startswith(reverse("account_login"))

    code = totp_code(secret)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    wrong = client.post(reverse("mfa_authenticate"), {"code": wrong_code})
    html = wrong.content.decode()
    assert wrong.status_code == 200
    assert 'class="error-summary"' in html and outline(html).h1 == 1
    assert client.get(reverse("member_home")).status_code == 302

    ok = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert ok.status_code == 302
    assert client.get(reverse("member_home")).status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", ["member", "substitute", "observer", None])
def test_members_and_residents_are_not_asked(client, council, role):
    user = make_membership(role, council).user if role else make_user()
    assert log_in(client, user.email)["Location"] == "/"
    assert client.get(reverse("member_home")).status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


def test_demo_accounts_are_exempt_only_in_demo_mode(client, council, settings):
    user = make_membership("chair", council, make_user("president-test@example.org")).user
    log_in(client, user.email)
    settings.DEMO = False
    assert client.get(reverse("member_home"))["Location"] == ACTIVATE
    settings.DEMO = True
    assert client.get(reverse("member_home")).status_code == 200


def test_superuser_must_set_up_totp(client):
    admin = make_user("root@example.net", is_superuser=True, is_staff=True)
    log_in(client, admin.email)
    assert client.get("/django-admin/")["Location"] == ACTIVATE


def test_second_factor_management_pages_render_in_the_site_layout(client, council):
    user = make_membership("chair", council).user
    log_in(client, user.email)
    _activate_totp(client)
    for name in (
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        doc = outline(html)
        assert doc.h1 == 1 and doc.inline_scripts == 0 and doc.style_attrs == 0, name
        assert "Participer sans ordinateur" in html, name
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert re.search(r"<textarea[^>]*readonly[^>]*>\s*[a-z0-9]{8}", codes)
