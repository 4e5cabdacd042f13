"""The members' room forms the actions supported before any page exposed them: replying to a
comment, withdrawing one's amendment, and restating a stale one on the current version."""

from __future__ import annotations

from html import unescape

import pytest

from deliberation import actions, events, live
from deliberation.models import Amendment, Ballot, Comment
from tests.deliberation.live.test_events import Listener, start_session
from tests.deliberation.web.test_views import url, with_totp


@pytest.fixture
def session(people, meeting):
    with_totp(people.chair.user)
    with_totp(people.secretary.user)
    return start_session(people, meeting)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def amend(proposal, author, paragraph=2, text="Deuxième paragraphe amendé.", op="replace"):
    return actions.check_propose_amendment(
        proposal,
        base_version_id=proposal.versions.order_by("-number").first().pk,
        operations=[{"op": op, "paragraph": paragraph, "text": text}],
        acting_user=author,
    )


def summary_of(response) -> str:
    html = unescape(response.content.decode())
    assert "Le formulaire contient des erreurs" in html
    return html[html.index("error-summary") :][:1500]


# --- Replies -----------------------------------------------------------------------------


def test_a_member_replies_to_a_comment(as_user, people, meeting, session):
    _item, proposal = session
    comment = actions.check_add_comment(proposal, "Pourquoi ?", acting_user=people.members[0].user)
    client = as_user(people.members[1].user)
    page = client.get(url(meeting, "salle")).content.decode()
    assert 'action="?do=repondre"' in page
    assert f'name="parent" value="{comment.pk}"' in page
    response = client.post(
        url(meeting, "salle") + "?do=repondre", {"parent": comment.pk, "body": "Parce que."}
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.proposal_id == proposal.pk
    assert reply.author == people.members[1].user
    page = client.get(url(meeting, "salle")).content.decode()
    assert "Votre réponse est publiée." in page
    assert page.index("Parce que.") > page.index("Pourquoi ?")
    # A reply to a reply joins the same thread: threads are one level deep.
    response = client.post(
        url(meeting, "salle") + "?do=repondre", {"parent": reply.pk, "body": "Et encore."}
    )
    assert response.status_code == 302
    assert Comment.objects.get(body__contains="Et encore").parent_id == comment.pk


def test_replies_to_an_amendment_comment_stay_on_the_amendment(as_user, people, meeting, session):
    _item, proposal = session
    amendment = amend(proposal, people.members[0].user)
    comment = actions.check_add_comment(
        amendment, "Sur l’amendement", acting_user=people.chair.user
    )
    client = as_user(people.members[1].user)
    response = client.post(
        url(meeting, "salle") + "?do=repondre", {"parent": comment.pk, "body": "D’accord."}
    )
    assert response.status_code == 302
    assert Comment.objects.get(parent=comment).amendment_id == amendment.pk


def test_reply_forms_only_in_the_members_room(as_user, client, people, meeting, session):
    _item, proposal = session
    actions.check_add_comment(proposal, "Un avis", acting_user=people.members[0].user)
    public = client.get(url(meeting, "direct")).content.decode()
    assert "Un avis" in public
    assert "repondre" not in public
    chair = as_user(people.chair.user).get(url(meeting, "presidence")).content.decode()
    assert "Un avis" in chair
    assert "repondre" not in chair


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"parent": "999999", "body": "Réponse"}, "n’existe pas"),
        ({"parent": "abc", "body": "Réponse"}, "Saisissez un nombre entier"),
        ({"parent": "{comment}", "body": ""}, "Votre réponse"),
        ({"parent": "{comment}", "body": "x" * 5001}, "5000 caractères"),
        ({"parent": "{comment}", "body": "<img src=https://x.example/a.png>"}, "obligatoire"),
    ],
)
def test_a_bad_reply_is_a_french_message_and_nothing_is_recorded(
    as_user, people, meeting, session, data, message
):
    _item, proposal = session
    comment = actions.check_add_comment(proposal, "Pourquoi ?", acting_user=people.members[0].user)
    data = {k: v.replace("{comment}", str(comment.pk)) for k, v in data.items()}
    client = as_user(people.members[1].user)
    response = client.post(url(meeting, "salle") + "?do=repondre", data)
    assert response.status_code == 400
    assert message in summary_of(response)
    assert Comment.objects.count() == 1


def test_a_refused_reply_keeps_its_text_under_its_comment(as_user, people, meeting, session):
    _item, proposal = session
    comment = actions.check_add_comment(proposal, "Pourquoi ?", acting_user=people.members[0].user)
    client = as_user(people.members[1].user)
    response = client.post(
        url(meeting, "salle") + "?do=repondre",
        {"parent": comment.pk, "body": "Ma réponse soignée " + "x" * 5000},
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The summary's link leads to the textarea that holds what was typed.
    assert 'href="#id_reply_body"' in html
    textarea = html[html.index('id="id_reply_body"') :][:200]
    assert "Ma réponse soignée" in textarea


def test_a_comment_of_another_meeting_cannot_be_answered(as_user, people, meeting, session):
    import datetime

    from django.utils import timezone

    other = actions.do_create_meeting(
        people.council,
        title="Autre séance",
        start=timezone.now() + datetime.timedelta(hours=2),
        place="Salle",
        items=[("Un", "decision"), ("Deux", "decision")],
        acting_user=people.secretary.user,
    )
    _other_item, foreign_proposal = start_session(people, other)
    foreign = actions.check_add_comment(foreign_proposal, "Ailleurs", acting_user=people.chair.user)
    client = as_user(people.members[1].user)
    response = client.post(
        url(meeting, "salle") + "?do=repondre", {"parent": foreign.pk, "body": "Ici"}
    )
    assert response.status_code == 400
    assert "n’appartient pas à cette séance" in summary_of(response)
    assert not Comment.objects.filter(parent=foreign).exists()


# --- Withdrawing -------------------------------------------------------------------------


def test_the_author_withdraws_an_amendment(as_user, people, meeting, session):
    _item, proposal = session
    author = people.members[0].user
    amendment = amend(proposal, author)
    client = as_user(author)
    page = client.get(url(meeting, "salle")).content.decode()
    assert f'id="my-amendments-{meeting.pk}"' in page
    assert 'action="?do=retirer"' in page
    response = client.post(url(meeting, "salle") + "?do=retirer", {"amendment": amendment.pk})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.WITHDRAWN
    page = client.get(url(meeting, "salle")).content.decode()
    assert "Votre amendement est retiré." in page
    # Withdrawn amendments stay visible in the text's history.
    assert "retiré" in page[page.index('id="live-item"') :]


def test_other_members_see_no_withdraw_button_and_are_refused(as_user, people, meeting, session):
    _item, proposal = session
    amendment = amend(proposal, people.members[0].user)
    client = as_user(people.members[1].user)
    page = client.get(url(meeting, "salle")).content.decode()
    assert 'action="?do=retirer"' not in page
    response = client.post(url(meeting, "salle") + "?do=retirer", {"amendment": amendment.pk})
    assert response.status_code == 400
    assert "Seul·e l'auteur·rice" in summary_of(response)
    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.PENDING


@pytest.mark.parametrize(
    ("value", "message"), [("999999", "n’existe pas"), ("", "Champ requis"), ("x", "entier")]
)
def test_withdrawing_bad_ids(as_user, people, meeting, session, value, message):
    client = as_user(people.members[0].user)
    response = client.post(url(meeting, "salle") + "?do=retirer", {"amendment": value})
    assert response.status_code == 400
    assert message in summary_of(response)


def test_an_amendment_being_voted_on_cannot_be_withdrawn(as_user, people, meeting, session):
    item, proposal = session
    author = people.members[0].user
    amendment = amend(proposal, author)
    actions.check_open_ballot(
        item,
        subject=Ballot.Subject.AMENDMENT,
        amendment_id=amendment.pk,
        acting_user=people.chair.user,
    )
    client = as_user(author)
    page = client.get(url(meeting, "salle")).content.decode()
    assert "en cours de vote" in page
    assert 'action="?do=retirer"' not in page
    response = client.post(url(meeting, "salle") + "?do=retirer", {"amendment": amendment.pk})
    assert response.status_code == 400
    assert "en cours de vote" in summary_of(response)
    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.PENDING


# --- Rebasing ----------------------------------------------------------------------------


@pytest.fixture
def stale(people, session):
    """Member 0's amendment on paragraph 2 went stale: the chair merged another one on it,
    after one that inserted a paragraph before, so paragraph 2 is now paragraph 3."""
    _item, proposal = session
    mine = amend(proposal, people.members[0].user, text="Ma version du deuxième.")
    before = amend(
        proposal, people.members[1].user, paragraph=0, op="insert_after", text="Préambule."
    )
    actions.check_accept_amendment(before, acting_user=people.chair.user)
    mine.refresh_from_db()
    assert mine.state == Amendment.State.PENDING  # carried over: paragraph 2 became 3
    assert mine.operations[0]["paragraph"] == 3
    rival = amend(proposal, people.members[1].user, paragraph=3, text="Autre version.")
    actions.check_accept_amendment(rival, acting_user=people.chair.user)
    mine.refresh_from_db()
    assert mine.state == Amendment.State.STALE
    return mine


def test_the_rebase_form_is_prefilled_on_the_current_version(as_user, people, meeting, stale):
    client = as_user(people.members[0].user)
    page = client.get(url(meeting, "salle")).content.decode()
    assert 'action="?do=actualiser"' in page
    form = page[page.index('action="?do=actualiser"') :]
    form = form[: form.index("</form>")]
    assert f'name="amendment" value="{stale.pk}"' in form
    assert 'name="paragraph_0" value="3"' in form
    assert "Ma version du deuxième." in form
    assert '<option value="replace" selected>' in form
    # Nobody else is offered it.
    other = as_user(people.members[1].user).get(url(meeting, "salle")).content.decode()
    assert "?do=actualiser" not in other


def test_the_author_rebases_a_stale_amendment(as_user, people, meeting, session, stale):
    _item, proposal = session
    client = as_user(people.members[0].user)
    response = client.post(
        url(meeting, "salle") + "?do=actualiser",
        {
            "amendment": stale.pk,
            "op_0": "replace",
            "paragraph_0": 3,
            "text_0": "Ma version, reprise.",
            "justification": "Reformulé.",
        },
    )
    assert response.status_code == 302, summary_of(response)
    new = Amendment.objects.get(rebased_from=stale)
    assert new.base_version == proposal.versions.order_by("-number").first()
    assert new.operations == [{"op": "replace", "paragraph": 3, "text": "Ma version, reprise."}]
    assert new.state == Amendment.State.PENDING
    page = client.get(url(meeting, "salle")).content.decode()
    assert "Votre amendement est actualisé" in page
    # The restated amendment can now be withdrawn; the stale one has no form any more.
    assert "?do=actualiser" not in page
    assert 'action="?do=retirer"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"op_0": ""}, "Indiquez au moins une modification"),
        ({"op_0": "replace", "paragraph_0": 9, "text_0": "Trop loin."}, "n'existe pas"),
        ({"op_0": "replace", "paragraph_0": "", "text_0": "Sans numéro."}, "numéro du paragraphe"),
        ({"op_0": "replace", "paragraph_0": 3, "text_0": ""}, "Nouveau texte"),
        ({"op_0": "burn", "paragraph_0": 3, "text_0": "x"}, "Sélectionnez un choix valide"),
        ({"op_0": "replace", "paragraph_0": 3, "text_0": "x" * 5001}, "5000 caractères"),
    ],
)
def test_a_bad_rebase_is_a_french_message_and_nothing_is_recorded(
    as_user, people, meeting, stale, data, message
):
    client = as_user(people.members[0].user)
    response = client.post(
        url(meeting, "salle") + "?do=actualiser", {"amendment": stale.pk, **data}
    )
    assert response.status_code == 400
    assert message in summary_of(response)
    assert not Amendment.objects.filter(rebased_from=stale).exists()


def test_only_the_author_rebases(as_user, people, meeting, stale):
    client = as_user(people.members[1].user)
    response = client.post(
        url(meeting, "salle") + "?do=actualiser",
        {"amendment": stale.pk, "op_0": "replace", "paragraph_0": 3, "text_0": "Volé."},
    )
    assert response.status_code == 400
    assert "Seul·e l'auteur·rice" in summary_of(response)
    assert not Amendment.objects.filter(rebased_from=stale).exists()


def test_a_refused_rebase_keeps_what_was_typed(as_user, people, meeting, stale):
    client = as_user(people.members[0].user)
    response = client.post(
        url(meeting, "salle") + "?do=actualiser",
        {"amendment": stale.pk, "op_0": "replace", "paragraph_0": 9, "text_0": "Mon texte soigné"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index('action="?do=actualiser"') :]
    assert "Mon texte soigné" in form[: form.index("</form>")]


# --- Live --------------------------------------------------------------------------------


@pytest.fixture
def layer(settings):
    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


def test_the_author_own_list_is_pushed_to_the_author_only(layer, people, meeting, session, capture):
    _item, proposal = session
    author, other = people.members[0].user, people.members[1].user
    mine = Listener(layer, events.user_push_group(author.pk))
    theirs = Listener(layer, events.user_push_group(other.pk))
    members = Listener(layer, events.audience_group(meeting.pk, events.MEMBERS))
    key = live.user_fragment_id("my-amendments", meeting.pk)
    with capture():
        amendment = amend(proposal, author)
    pushed = [m for m in mine.drain() if key in m["fragments"]]
    assert len(pushed) == 1
    assert "?do=retirer" in pushed[0]["fragments"][key]
    assert theirs.drain() == []
    assert "?do=retirer" not in str(members.drain())
    with capture():
        actions.check_withdraw_amendment(amendment, acting_user=author)
    pushed = [m for m in mine.drain() if key in m["fragments"]]
    assert len(pushed) == 1
    assert "?do=retirer" not in pushed[0]["fragments"][key]


def test_a_merge_pushes_the_rebase_form_to_the_stale_amendment_author(
    layer, people, meeting, session, capture
):
    _item, proposal = session
    author = people.members[0].user
    mine = amend(proposal, author, text="Ma version du deuxième.")
    rival = amend(proposal, people.members[1].user, text="Autre version.")
    listener = Listener(layer, events.user_push_group(author.pk))
    with capture():
        actions.check_accept_amendment(rival, acting_user=people.chair.user)
    key = live.user_fragment_id("my-amendments", meeting.pk)
    pushed = [m for m in listener.drain() if key in m["fragments"]]
    assert len(pushed) == 1
    assert f'name="amendment" value="{mine.pk}"' in pushed[0]["fragments"][key]
    assert "?do=actualiser" in pushed[0]["fragments"][key]


def test_a_reply_is_pushed_to_the_rooms(layer, people, meeting, session, capture):
    _item, proposal = session
    comment = actions.check_add_comment(proposal, "Pourquoi ?", acting_user=people.members[0].user)
    members = Listener(layer, events.audience_group(meeting.pk, events.MEMBERS))
    public = Listener(layer, events.audience_group(meeting.pk, events.PUBLIC))
    with capture():
        actions.check_add_comment(
            proposal, "Parce que.", parent_id=comment.pk, acting_user=people.members[1].user
        )
    (pushed,) = members.drain()
    item_html = pushed["fragments"]["live-item"]
    assert "Parce que." in item_html
    assert "?do=repondre" in item_html
    (seen,) = public.drain()
    assert "Parce que." in seen["fragments"]["live-item"]
    assert "<form" not in seen["fragments"]["live-item"]


# --- Hiding a comment from the chair's console ---------------------------------------------


def test_the_chair_hides_a_comment_and_every_room_shows_the_reason(
    as_user, people, meeting, session
):
    _item, proposal = session
    comment = actions.check_add_comment(
        proposal, "Un propos injurieux.", acting_user=people.members[0].user
    )
    chair = as_user(people.chair.user)
    console = chair.get(url(meeting, "presidence")).content.decode()
    assert 'action="?do=commentaire-masquer"' in console
    assert f'name="comment" value="{comment.pk}"' in console
    response = chair.post(
        url(meeting, "presidence") + "?do=commentaire-masquer",
        {"comment": comment.pk, "reason": "Propos injurieux"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Propos injurieux"
    room = as_user(people.members[1].user).get(url(meeting, "salle")).content.decode()
    assert "Un propos injurieux." not in room
    assert "Commentaire masqué par la modération : Propos injurieux" in room
    assert "?do=commentaire-masquer" not in room


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": "", "reason": "Hors sujet"}, "Le formulaire contient des erreurs"),
        ({"comment": "abc", "reason": "Hors sujet"}, "Le formulaire contient des erreurs"),
        ({"comment": 999999, "reason": "Hors sujet"}, "n’appartient pas à cette séance"),
        ({"comment": "this one", "reason": "  "}, "Le formulaire contient des erreurs"),
    ],
)
def test_a_bad_hide_request_is_a_french_message_and_nothing_changes(
    as_user, people, meeting, session, data, message
):
    _item, proposal = session
    comment = actions.check_add_comment(proposal, "Mon avis.", acting_user=people.members[0].user)
    if data["comment"] == "this one":
        data = {**data, "comment": comment.pk}
    response = as_user(people.chair.user).post(
        url(meeting, "presidence") + "?do=commentaire-masquer", data
    )
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    comment.refresh_from_db()
    assert not comment.hidden


def test_a_member_cannot_hide_a_comment(as_user, people, meeting, session):
    _item, proposal = session
    comment = actions.check_add_comment(proposal, "Mon avis.", acting_user=people.members[0].user)
    response = as_user(people.members[1].user).post(
        url(meeting, "salle") + "?do=commentaire-masquer",
        {"comment": comment.pk, "reason": "Je n’aime pas"},
    )
    assert response.status_code == 400
    assert "Action inconnue sur cette page." in unescape(response.content.decode())
    comment.refresh_from_db()
    assert not comment.hidden


def test_a_hidden_comment_is_pushed_to_the_rooms(layer, people, meeting, session, capture):
    from deliberation import actions

    _item, proposal = session
    comment = actions.check_add_comment(proposal, "À masquer.", acting_user=people.members[0].user)
    public = Listener(layer, events.audience_group(meeting.pk, events.PUBLIC))
    staff = Listener(layer, events.audience_group(meeting.pk, events.STAFF))
    with capture():
        actions.check_hide_comment(comment, "Hors sujet", acting_user=people.chair.user)
    (seen,) = public.drain()
    assert "À masquer." not in seen["fragments"]["live-item"]
    assert "Hors sujet" in seen["fragments"]["live-item"]
    (console,) = staff.drain()
    assert "Hors sujet" in console["fragments"]["live-item"]


# --- Line breaks count once ----------------------------------------------------------------


def test_every_textarea_with_a_limit_counts_a_line_break_once():
    """Browsers send a textarea's line breaks as CRLF: every such field of the room, the
    consultations and the desk counts what the person sees."""
    from django import forms as django_forms

    from deliberation.forms import (
        AmendmentForm,
        CommentForm,
        RebaseForm,
        ReplyForm,
        TextareaField,
    )
    from deliberation.web.consultations import ConsultationCommentForm
    from deliberation.web.mediation import ContributionForm
    from tests.deliberation.actions.test_consultations import typed_in_a_browser

    forms = [
        CommentForm(),
        AmendmentForm(),
        ReplyForm(),
        RebaseForm(rows=2),
        ConsultationCommentForm(),
        ContributionForm(targets=[]),
    ]
    checked = 0
    for form in forms:
        for name, field in form.fields.items():
            if not isinstance(field.widget, django_forms.Textarea):
                continue
            assert isinstance(field, TextareaField), (type(form).__name__, name)
            assert field.max_length
            typed = typed_in_a_browser(field.max_length)
            assert field.clean(typed) == typed.replace("\r\n", "\n")
            with pytest.raises(django_forms.ValidationError):
                field.clean(typed_in_a_browser(field.max_length + 1))
            checked += 1
    assert checked == 9
