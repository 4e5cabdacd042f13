"""The secretariat invites members; the invitee chooses a password through a one-time link."""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from council.invitations import INVITATION_TIMEOUT, InvitationTokenGenerator
from council.models import Membership, Role, User
from tests.council.account_helpers import give_totp, links_in, log_in, outline
from tests.factories import make_council, make_membership, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Conseil-Orneval-2026"


@pytest.fixture
def secretariat(council):
    user = make_membership(Role.SECRETARY, council).user
    give_totp(user)  # the secretariat may not act before its second factor exists
    return user


def _invite(client, council, django_capture_on_commit_callbacks, /, **overrides):
    data = {
        "email": "Nouvelle.Membre@Exemple.be",
        "first_name": "Amina",
        "last_name": "Lejeune",
        "council": council.pk,
        "role": Role.MEMBER,
        "voting": "",
        "start": "2026-01-15",
        "end": "2031-12-31",
        "organisation": "EPN de Fléron-sur-Orne",
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("invite_member"), data)


def _path(link: str) -> str:
    return link.split("testserver", 1)[1]


def test_invitation_end_to_end(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    page = client.get(reverse("invite_member"))
    assert page.status_code == 200
    assert outline(page.content.decode()).h1 == 1

    response = _invite(client, council, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.membre@exemple.be")
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Amina", "Lejeune")
    address = EmailAddress.objects.get(user=user)
    assert address.primary and not address.verified
    membership = Membership.objects.get(user=user)
    assert membership.council == council and membership.role == Role.MEMBER
    assert membership.has_voting_right
    assert membership.start == datetime.date(2026, 1, 15)
    assert membership.end == datetime.date(2031, 12, 31)
    assert membership.organisation == "EPN de Fléron-sur-Orne"
    assert "Invitation envoyée" in client.get(response["Location"]).content.decode()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nouvelle.membre@exemple.be"]
    assert mail.subject.startswith("[Conseil ouvert] Invitation")
    assert "Bonjour Amina Lejeune" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and '<html lang="fr">' in html
    [link] = [url for url in links_in(mail.body) if "/espace/invitation/" in url]
    assert link in html

    invitee = client.__class__()
    first = invitee.get(_path(link))
    # The token leaves the URL for the session, as Django's password reset does.
    assert first.status_code == 302
    form_url = first["Location"]
    form = invitee.get(form_url)
    assert form.status_code == 200
    assert "Choisir votre mot de passe" in form.content.decode()

    mismatch = invitee.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "autre"})
    assert mismatch.status_code == 200
    assert 'class="error-summary"' in mismatch.content.decode()

    done = invitee.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("member_home")
    home = invitee.get(reverse("member_home"))
    assert home.status_code == 200
    assert council.name in home.content.decode()
    assert EmailAddress.objects.get(user=user).verified

    # Single use: the same link is now refused.
    reused = client.__class__().get(_path(link), follow=True)
    assert "Lien d’invitation non valable" in reused.content.decode()
    # And the new password works on the normal login page.
    assert log_in(client.__class__(), user.email, NEW_PASSWORD)["Location"] == "/"


def test_invited_chair_lands_on_totp_setup(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    _invite(client, council, django_capture_on_commit_callbacks, role=Role.CHAIR)
    [link] = [url for url in links_in(mailoutbox[0].body) if "/espace/invitation/" in url]
    invitee = client.__class__()
    form_url = invitee.get(_path(link))["Location"]
    invitee.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert invitee.get(reverse("member_home"))["Location"] == "/accounts/2fa/totp/activate/"


def test_existing_address_gives_a_clear_message_and_no_duplicate(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("deja.la@example.net")
    client.force_login(secretariat)
    response = _invite(
        client, council, django_capture_on_commit_callbacks, email="Deja.La@example.net"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail" in html
    assert 'class="error-summary"' in html
    assert 'value="Amina"' in html and 'value="Lejeune"' in html  # nothing entered is lost
    assert User.objects.filter(email="deja.la@example.net").count() == 1
    assert mailoutbox == []


def test_mandate_end_before_start_is_refused(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    response = _invite(client, council, django_capture_on_commit_callbacks, end="2020-01-01")
    assert "La fin du mandat doit suivre son début" in response.content.decode()
    assert not User.objects.filter(email="nouvelle.membre@exemple.be").exists()
    assert mailoutbox == []


def test_voting_right_can_be_set_against_the_role_default(
    client, council, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    _invite(client, council, django_capture_on_commit_callbacks, voting="no")
    assert not Membership.objects.get(user__email="nouvelle.membre@exemple.be").has_voting_right


@pytest.mark.parametrize("role", ["member", "chair", "observer", None])
def test_others_cannot_invite(client, council, role):
    user = make_membership(role, council).user if role else make_user()
    give_totp(user)
    client.force_login(user)
    assert client.get(reverse("invite_member")).status_code == 403
    assert client.post(reverse("invite_member"), {"email": "x@example.net"}).status_code == 403
    assert not User.objects.filter(email="x@example.net").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("invite_member"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_secretariat_of_one_council_cannot_invite_into_another(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    other = make_council(name="Conseil des aîné·es")
    client.force_login(secretariat)
    page = client.get(reverse("invite_member")).content.decode()
    assert other.name not in page
    response = _invite(client, council, django_capture_on_commit_callbacks, council=other.pk)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not User.objects.filter(email="nouvelle.membre@exemple.be").exists()


def test_expired_link_is_refused(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(secretariat)
    _invite(client, council, django_capture_on_commit_callbacks)
    [link] = [url for url in links_in(mailoutbox[0].body) if "/espace/invitation/" in url]
    later = datetime.datetime.now() + datetime.timedelta(seconds=INVITATION_TIMEOUT + 3600)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: later)
    page = client.__class__().get(_path(link), follow=True)
    assert "Lien d’invitation non valable" in page.content.decode()


def test_tampered_link_is_refused(
    client, council, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    _invite(client, council, django_capture_on_commit_callbacks)
    [link] = [url for url in links_in(mailoutbox[0].body) if "/espace/invitation/" in url]
    tampered = _path(link).rstrip("/")[:-2] + "zz/"
    page = client.__class__().get(tampered, follow=True)
    assert "Lien d’invitation non valable" in page.content.decode()
    assert client.__class__().get("/espace/invitation/%00/x/").status_code == 200


def test_member_home_and_wagtail_menu_link_to_the_invite_page(client, secretariat):
    client.force_login(secretariat)
    invite_url = reverse("invite_member")
    assert invite_url in client.get(reverse("member_home")).content.decode()
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert invite_url in admin.content.decode()
