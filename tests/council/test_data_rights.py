"""Data rights: download everything as JSON, delete the account without breaking the archive."""

from __future__ import annotations

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from council import data_rights
from council.models import Role, User
from deliberation import actions
from deliberation.models import Comment, Contribution, Proposal
from deliberation.selectors import mediation as mediation_reads
from tests.factories import PASSWORD, make_membership, make_user

PAGE = "/espace/mes-donnees/"
DOWNLOAD = "/espace/mes-donnees/export.json"


@pytest.fixture
def proposal(council):
    secretary = make_membership(Role.SECRETARY, council).user
    meeting = actions.do_create_meeting(
        council,
        title="Séance de test",
        start=timezone.now() + datetime.timedelta(days=3),
        items=[("Guichets", "decision")],
        acting_user=secretary,
    )
    return actions.do_create_proposal(
        meeting.agenda_items.get(),
        title="Recommandation",
        paragraphs=["Un paragraphe."],
        acting_user=secretary,
    )


@pytest.fixture
def former_member(council):
    """Someone whose mandate has ended: their account is theirs to delete."""
    user = make_user(first_name="Rosa", last_name="Delvaux")
    make_membership(
        Role.MEMBER,
        council,
        user,
        start=datetime.date(2020, 1, 1),
        end=timezone.localdate() - datetime.timedelta(days=1),
    )
    return user


def test_the_export_holds_the_account_and_what_it_wrote_but_no_secret(
    client, proposal, former_member
):
    comment = actions.do_add_comment(proposal, "<p>Mon avis signé</p>", acting_user=former_member)
    Authenticator.objects.create(
        user=former_member, type=Authenticator.Type.TOTP, data={"secret": "TOPSECRET"}
    )
    client.force_login(former_member)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    raw = response.content.decode()
    data = json.loads(raw)
    assert data["account"]["email"] == former_member.email
    assert data["account"]["last_name"] == "Delvaux"
    assert [c["body"] for c in data["related"]["deliberation.comment.author"]] == [comment.body]
    assert data["related"]["council.membership.user"][0]["role"] == "member"
    assert data["related"]["account.emailaddress.user"][0]["email"] == former_member.email
    assert data["related"]["mfa.authenticator.user"][0]["type"] == "totp"
    assert "TOPSECRET" not in raw
    assert former_member.password not in raw and "password" not in raw


def test_a_mediator_export_leaves_out_the_residents_details(council, proposal):
    mediator = make_membership(Role.MEDIATOR, council).user
    actions.check_record_contribution(
        proposal,
        resident_name="Georges Lemaire",
        contact_phone="0470 99 88 77",
        channel="phone",
        received_on=timezone.localdate(),
        text="Gardez le guichet.",
        acting_user=mediator,
    )
    raw = json.dumps(data_rights.export_user_data(mediator), default=str)
    assert "deliberation.contribution.recorded_by" in raw
    assert "Lemaire" not in raw and "0470998877" not in raw and "guichet." not in raw


def test_the_pages_need_an_account(client, db):
    for url in (PAGE, DOWNLOAD):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_home_links_to_my_data(client, former_member):
    client.force_login(former_member)
    assert PAGE in client.get("/espace/").content.decode()


def test_deleting_the_account_anonymises_it_and_keeps_the_archive(client, proposal, former_member):
    actions.do_add_comment(proposal, "<p>Avis conservé</p>", acting_user=former_member)
    Proposal.objects.get(pk=proposal.pk).authors.add(former_member)
    Authenticator.objects.create(user=former_member, type=Authenticator.Type.TOTP, data={})
    comments = Comment.objects.count()
    client.force_login(former_member)
    page = client.get(PAGE)
    assert page.status_code == 200 and "<h1>Mes données</h1>" in page.content.decode()
    response = client.post(PAGE, {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(pk=former_member.pk)
    assert user.email is None and not user.is_active and not user.has_usable_password()
    assert str(user) == "Compte supprimé"
    assert "Rosa" not in user.get_full_name() and "Delvaux" not in user.username
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    # The archive and its counts are intact, now signed "Compte supprimé".
    assert Comment.objects.count() == comments
    assert str(Comment.objects.get(body="<p>Avis conservé</p>").author) == "Compte supprimé"
    assert proposal.authors.filter(pk=user.pk).exists()
    # Logged out, and the old credentials no longer work.
    assert client.get("/espace/").status_code == 302
    assert not client.login(username=former_member.email, password=PASSWORD)
    assert not client.login(email=former_member.email, password=PASSWORD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": PASSWORD}, "Cochez la case"),
        ({"confirm": "on", "password": "pas-le-bon"}, "Mot de passe incorrect"),
        ({"confirm": "on"}, "Mot de passe incorrect"),
        ({"confirm": "on", "password": "x" * 500}, "Mot de passe actuel"),
    ],
)
def test_a_refused_deletion_says_why_and_changes_nothing(client, former_member, data, message):
    client.force_login(former_member)
    response = client.post(PAGE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and message in html
    user = User.objects.get(pk=former_member.pk)
    assert user.is_active and user.email == former_member.email
    if data.get("confirm"):
        assert "checked" in html  # what was ticked stays ticked


def test_a_sitting_member_must_first_end_their_mandate(client, council):
    member = make_membership(Role.MEMBER, council).user
    client.force_login(member)
    page = client.get(PAGE).content.decode()
    assert "mandat en cours" in page
    response = client.post(PAGE, {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.get(pk=member.pk).is_active


def test_nobody_deletes_someone_else(former_member, db):
    other = make_user()
    with pytest.raises(data_rights.DataRightsError):
        data_rights.check_delete_account(former_member, PASSWORD, True, acting_user=other)
    assert User.objects.get(pk=former_member.pk).is_active


def test_a_resident_contribution_counts_survive_the_mediators_deletion(council, proposal):
    mediator = make_membership(
        Role.MEDIATOR, council, end=timezone.localdate() - datetime.timedelta(days=1)
    ).user
    Contribution.objects.create(
        agenda_item=proposal.agenda_item,
        channel="phone",
        received_on=timezone.localdate(),
        body="<p>Avis</p>",
        receipt_code="K7M4QX",
        recorded_by=mediator,
    )
    data_rights.check_delete_account(mediator, PASSWORD, True, acting_user=mediator)
    assert mediation_reads.followup("K7M-4QX") is not None
    assert mediation_reads.item_contributions(proposal.agenda_item).total == 1
