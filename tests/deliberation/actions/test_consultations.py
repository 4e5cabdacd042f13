"""Public consultations: opening one, comments a priori / a posteriori, flags, moderation,
rate limits, counts by channel, the public pages and their query counts."""

from __future__ import annotations

import contextlib
import datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from council.models import Role
from deliberation import actions
from deliberation.actions import COMMENT_MAX, ActionError
from deliberation.models import AuditEntry, Comment, CommentFlag, Consultation, Contribution
from deliberation.selectors import consultations as consultation_reads
from tests.council.account_helpers import give_totp
from tests.factories import make_membership, make_user

HIDDEN_TEXT = "Commentaire masqué par la modération"


@pytest.fixture
def item(meeting):
    return meeting.agenda_items.get(number=2)


@pytest.fixture
def proposal(item, people):
    from deliberation.actions import check_create_proposal

    return check_create_proposal(
        item,
        title="Recommandation sur les guichets",
        summary="Chaque démarche reste possible au guichet ou par téléphone.",
        paragraphs=["Les guichets restent ouverts.", "Le téléphone répond."],
        acting_user=people.members[0].user,
    )


def open_consultation(item, people, *, proposal=None, moderation="after", **fields):
    now = timezone.now()
    values = {
        "agenda_item": item,
        "proposal": proposal,
        "title": "Votre avis sur les guichets",
        "question": "Les guichets suffisent-ils ?",
        "start": now - datetime.timedelta(days=1),
        "end": now + datetime.timedelta(days=7),
        "moderation": moderation,
    }
    values.update(fields)
    return actions.check_save_consultation(
        Consultation(**values), acting_user=people.secretary.user
    )


@pytest.fixture
def consultation(item, people, proposal):
    return open_consultation(item, people, proposal=proposal)


@pytest.fixture
def resident(people):
    people.resident.first_name = "Léa"
    people.resident.last_name = "Simon"
    people.resident.save()
    return people.resident


def url(consultation):
    return f"/consultations/{consultation.pk}/"


# --- Opening a consultation --------------------------------------------------------------------


def test_secretariat_opens_a_consultation_and_the_trail_says_so(consultation, people):
    assert consultation.created_by == people.secretary.user
    entry = AuditEntry.objects.get(action="consultation_opened")
    assert entry.actor == people.secretary.user
    assert entry.data["consultation"] == consultation.pk


def test_a_member_or_a_resident_cannot_open_a_consultation(item, people):
    for user in (people.members[0].user, people.resident):
        with pytest.raises(ActionError) as error:
            actions.check_save_consultation(
                Consultation(
                    agenda_item=item,
                    title="x",
                    question="y",
                    start=timezone.now(),
                    end=timezone.now() + datetime.timedelta(days=1),
                ),
                acting_user=user,
            )
        assert "secrétariat" in str(error.value)
    assert not Consultation.objects.exists()


def test_bad_dates_and_a_foreign_proposal_are_refused(item, people, meeting, proposal):
    now = timezone.now()
    with pytest.raises(ActionError) as error:
        open_consultation(item, people, start=now, end=now - datetime.timedelta(hours=1))
    assert error.value.field == "end"
    other_item = meeting.agenda_items.get(number=3)
    with pytest.raises(ActionError) as error:
        open_consultation(other_item, people, proposal=proposal)
    assert error.value.field == "proposal"
    private = meeting.agenda_items.get(number=1)
    private.is_public = False
    private.save()
    with pytest.raises(ActionError):
        open_consultation(private, people)


# --- Comments: a posteriori / a priori -----------------------------------------------------------


def test_a_posteriori_a_comment_is_published_at_once_and_sanitised(consultation, resident):
    comment = actions.check_add_consultation_comment(
        consultation,
        'Gardez le guichet <script>alert(1)</script><img src="http://evil.example/x.png">'
        "<strong>ouvert</strong>",
        acting_user=resident,
    )
    assert comment.status == Comment.Status.PUBLISHED
    assert "<script" not in comment.body and "<img" not in comment.body
    assert "<strong>ouvert</strong>" in comment.body
    assert comment.proposal is None and comment.consultation == consultation


def test_a_priori_a_comment_waits_then_is_published_and_its_author_told(
    item, people, resident, client, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = open_consultation(item, people, moderation="before")
    comment = actions.check_add_consultation_comment(
        consultation, "Un avis à relire.", acting_user=resident
    )
    assert comment.status == Comment.Status.PENDING
    # Nobody else sees it; its author does, marked as waiting.
    assert "Un avis à relire." not in client.get(url(consultation)).content.decode()
    client.force_login(resident)
    page = client.get(url(consultation)).content.decode()
    assert "Un avis à relire." in page and "en attente de relecture" in page
    with django_capture_on_commit_callbacks(execute=True):
        actions.check_publish_comment(comment, acting_user=people.secretary.user)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [resident.email]
    assert "publié" in mailoutbox[0].subject
    client.logout()
    assert "Un avis à relire." in client.get(url(consultation)).content.decode()


def test_replies_go_one_level_deep(consultation, resident, people):
    top = actions.check_add_consultation_comment(consultation, "Premier.", acting_user=resident)
    reply = actions.check_add_consultation_comment(
        consultation, "Réponse.", parent_id=top.pk, acting_user=people.members[1].user
    )
    again = actions.check_add_consultation_comment(
        consultation, "Réponse à la réponse.", parent_id=reply.pk, acting_user=resident
    )
    assert reply.parent == top and again.parent == top
    with pytest.raises(ActionError) as error:
        actions.check_add_consultation_comment(
            consultation, "x", parent_id="abc", acting_user=resident
        )
    assert error.value.field == "parent"


def test_an_unverified_or_anonymous_resident_cannot_comment(consultation, client):
    unverified = make_user(verified=False)
    with pytest.raises(ActionError) as error:
        actions.check_add_consultation_comment(consultation, "Bonjour", acting_user=unverified)
    assert "confirmez d'abord votre adresse e-mail" in str(error.value)
    client.force_login(unverified)
    response = client.post(url(consultation) + "commenter/", {"body": "Mon avis gardé"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "confirmez d'abord votre adresse e-mail" in page
    assert not Comment.objects.filter(consultation=consultation).exists()
    client.logout()
    response = client.post(url(consultation) + "commenter/", {"body": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_account_without_email_comments_once_its_login_letter_is_redeemed(consultation, people):
    from council.login_letters import (
        check_create_letter_account,
        check_letter_code,
        do_redeem_login_letter,
    )

    person, code = check_create_letter_account(
        username="mdupont",
        first_name="Marie",
        last_name="Dupont",
        council=consultation.agenda_item.meeting.council,
        role="",
        acting_user=people.secretary.user,
    )
    with pytest.raises(ActionError):
        actions.check_add_consultation_comment(consultation, "Avis", acting_user=person)
    letter = check_letter_code("mdupont", code)
    person = do_redeem_login_letter(letter.pk, "un-mot-de-passe-solide-2026")
    comment = actions.check_add_consultation_comment(
        consultation, "Mon avis, reçu par courrier.", acting_user=person
    )
    assert comment.author == person


def test_a_closed_consultation_refuses_comments_but_stays_readable(item, people, resident, client):
    now = timezone.now()
    consultation = open_consultation(item, people)
    actions.check_add_consultation_comment(consultation, "Avis d'avant.", acting_user=resident)
    consultation.start = now - datetime.timedelta(days=10)
    consultation.end = now - datetime.timedelta(days=2)
    actions.check_save_consultation(consultation, acting_user=people.secretary.user)
    with pytest.raises(ActionError) as error:
        actions.check_add_consultation_comment(consultation, "Trop tard", acting_user=resident)
    assert "est close depuis le" in str(error.value)
    client.force_login(resident)
    response = client.post(url(consultation) + "commenter/", {"body": "Trop tard, gardé"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "n&#x27;accepte plus de commentaires" in page or "n'accepte plus" in page
    page = client.get(url(consultation)).content.decode()
    assert "Avis d'avant." in page and "Close" in page
    assert 'action="/consultations/' not in page  # no comment form on a closed consultation


def test_bad_input_keeps_the_text_in_the_form(consultation, resident, client):
    client.force_login(resident)
    long_text = "Mon avis très long " * 300
    response = client.post(url(consultation) + "commenter/", {"body": long_text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le formulaire contient des erreurs" in page
    assert "Mon avis très long" in page
    response = client.post(url(consultation) + "commenter/", {"body": "   "})
    assert response.status_code == 400
    response = client.post(
        url(consultation) + "commenter/", {"body": "Réponse gardée", "parent": "999999"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Réponse gardée" in page and "On ne répond qu" in page


def typed_in_a_browser(visible: int) -> str:
    """`visible` characters as the person sees them, on lines of 100, with the line breaks
    a browser sends for a textarea: CRLF."""
    lines = min(49, visible // 100)
    return ("Avis " + "y" * 94 + "\r\n") * lines + "z" * (visible - 100 * lines)


def test_a_comment_at_the_limit_typed_with_line_breaks_is_accepted(consultation, resident, client):
    """The limit counts what the person sees: a CRLF line break is one character."""
    client.force_login(resident)
    body = typed_in_a_browser(COMMENT_MAX)
    assert len(body) > COMMENT_MAX and len(body.replace("\r\n", "\n")) == 5000
    response = client.post(url(consultation) + "commenter/", {"body": body})
    assert response.status_code == 302
    comment = Comment.objects.get(consultation=consultation)
    assert comment.body.count("<br>") == 49 and "\r" not in comment.body


def test_a_comment_past_the_limit_is_a_message_in_the_page_with_the_text_kept(
    consultation, resident, client
):
    client.force_login(resident)
    body = typed_in_a_browser(COMMENT_MAX + 1)
    response = client.post(url(consultation) + "commenter/", {"body": body})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le formulaire contient des erreurs" in page
    assert "au plus 5000 caractères (actuellement 5001)" in page
    assert "z" * (COMMENT_MAX + 1 - 4900) in page  # the text typed, kept
    assert not Comment.objects.filter(consultation=consultation).exists()


def test_rate_limit_gives_a_french_message_and_keeps_the_text(consultation, resident, client):
    client.force_login(resident)
    for n in range(actions.COMMENT_LIMIT):
        response = client.post(url(consultation) + "commenter/", {"body": f"Avis {n}"})
        assert response.status_code == 302
    response = client.post(url(consultation) + "commenter/", {"body": "Avis de trop, gardé"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "attendez quelques minutes" in page and "Avis de trop, gardé" in page
    assert Comment.objects.filter(consultation=consultation).count() == actions.COMMENT_LIMIT
    # The limit is per account: someone else still comments.
    client.force_login(make_user())
    assert client.post(url(consultation) + "commenter/", {"body": "Autre"}).status_code == 302


# --- Flags and moderation ------------------------------------------------------------------------


def test_flag_then_hide_with_reason_shown_publicly_and_author_told(
    consultation, resident, people, client, mailoutbox, django_capture_on_commit_callbacks
):
    comment = actions.check_add_consultation_comment(
        consultation, "Le numéro privé de l'agent est 0470 00 00 00.", acting_user=resident
    )
    flagger = make_user()
    client.force_login(flagger)
    page = client.get(url(consultation) + f"?signaler={comment.pk}").content.decode()
    assert f'id="signalement-{comment.pk}"' in page
    response = client.post(
        url(consultation) + f"signaler/{comment.pk}/", {"reason": "Donnée personnelle"}
    )
    assert response.status_code == 302
    assert CommentFlag.objects.get(comment=comment).reason == "Donnée personnelle"
    # Twice is refused with a message; an empty reason keeps the form.
    response = client.post(url(consultation) + f"signaler/{comment.pk}/", {"reason": "Encore"})
    assert response.status_code == 400
    assert "déjà signalé" in response.content.decode()
    response = client.post(url(consultation) + f"signaler/{comment.pk}/", {"reason": ""})
    assert response.status_code == 400

    pending, flagged = consultation_reads.moderation_queue(people.secretary.user)
    assert [c.pk for c in flagged] == [comment.pk] and pending == []
    assert consultation_reads.moderation_queue(people.members[0].user) == ([], [])

    with pytest.raises(ActionError):
        actions.check_hide_comment(comment, "x", acting_user=people.members[0].user)
    with pytest.raises(ActionError) as error:
        actions.check_hide_comment(comment, "  ", acting_user=people.secretary.user)
    assert error.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        actions.check_hide_comment(
            comment, "Donnée personnelle d'un tiers", acting_user=people.secretary.user
        )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert not CommentFlag.objects.filter(comment=comment, resolved_at__isnull=True).exists()
    assert consultation_reads.moderation_queue(people.secretary.user) == ([], [])
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [resident.email]
    assert "Donnée personnelle d'un tiers" in mailoutbox[0].body
    client.logout()
    page = client.get(url(consultation)).content.decode()
    assert f"{HIDDEN_TEXT} : Donnée personnelle d&#x27;un tiers" in page
    assert "0470 00 00 00" not in page


def test_flags_need_an_account_and_a_published_comment(consultation, resident, client):
    comment = actions.check_add_consultation_comment(consultation, "Avis", acting_user=resident)
    response = client.post(url(consultation) + f"signaler/{comment.pk}/", {"reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    with pytest.raises(ActionError):
        actions.check_flag_comment(comment, "moi", acting_user=resident)
    assert not CommentFlag.objects.exists()


def test_the_chair_hides_a_room_comment_through_the_same_action(session):
    from deliberation.actions import check_add_comment

    comment = check_add_comment(
        session.proposal, "Hors sujet.", acting_user=session.people.members[0].user
    )
    actions.check_hide_comment(comment, "Hors sujet", acting_user=session.chair)
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Hors sujet"
    with pytest.raises(ActionError):
        actions.check_hide_comment(
            comment, "Hors sujet", acting_user=session.people.members[1].user
        )


def test_moderation_queue_in_the_admin(consultation, resident, people, client):
    comment = actions.check_add_consultation_comment(consultation, "Avis", acting_user=resident)
    other = actions.check_add_consultation_comment(consultation, "Autre", acting_user=resident)
    CommentFlag.objects.create(comment=comment, flagged_by=make_user(), reason="Injure")
    staff = people.secretary.user
    give_totp(staff)
    client.force_login(staff)
    response = client.get("/admin/moderation/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Injure" in page
    response = client.post(
        "/admin/moderation/", {"comment": comment.pk, "decision": "hide", "reason": "Injure"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    response = client.post(
        "/admin/moderation/", {"comment": other.pk, "decision": "publish"}, follow=True
    )
    assert "déjà publié" in response.content.decode()


# --- Counts and the public pages ------------------------------------------------------------


def test_counts_by_channel_join_online_comments_and_consented_mediated_ones(
    consultation, resident, people, proposal
):
    mediator = make_membership(Role.MEDIATOR, people.council).user
    for channel, consent in (("phone", True), ("phone", True), ("letter", True), ("epn", False)):
        actions.check_record_contribution(
            proposal,
            channel=channel,
            received_on=timezone.localdate(),
            text="Avis reçu hors ligne.",
            consent_to_publish=consent,
            acting_user=mediator,
        )
    top = actions.check_add_consultation_comment(consultation, "Un", acting_user=resident)
    actions.check_add_consultation_comment(
        consultation, "Deux", parent_id=top.pk, acting_user=people.members[0].user
    )
    hidden = actions.check_add_consultation_comment(consultation, "Trois", acting_user=resident)
    actions.check_hide_comment(hidden, "Hors sujet", acting_user=people.secretary.user)
    page = consultation_reads.consultation_page(consultation, None)
    counts = {row.channel: row.count for row in page.by_channel}
    assert counts == {"online": 2, "phone": 2, "letter": 1}
    assert page.total == 5
    assert Contribution.objects.filter(consent_to_publish=False).count() == 1


def test_public_pages_show_en_bref_first_and_the_update_date(consultation, client):
    page = client.get(url(consultation)).content.decode()
    assert page.index("En bref") < page.index("La question posée") < page.index("Le texte")
    assert "Chaque démarche reste possible" in page
    assert "Dernière mise à jour" in page
    listing = client.get("/consultations/").content.decode()
    assert consultation.title in listing and "Ouvertes" in listing
    assert "Dernière mise à jour" in listing
    assert client.get("/consultations/999999/").status_code == 404
    assert client.get(url(consultation) + "?repondre=abc&signaler=%00").status_code == 200


def test_a_private_item_consultation_is_not_public(consultation, item, client):
    item.is_public = False
    item.save()
    assert client.get(url(consultation)).status_code == 404
    assert consultation.title not in client.get("/consultations/").content.decode()


def test_names_never_email_addresses(consultation, client):
    anonymous_name = make_user("sans.nom@example.net")
    actions.check_add_consultation_comment(consultation, "Avis", acting_user=anonymous_name)
    page = client.get(url(consultation)).content.decode()
    assert "sans.nom@example.net" not in page and "Habitant·e" in page


def _page_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_comments(consultation, people, client):
    users = [make_user() for _ in range(3)]
    for user in users:
        top = actions.check_add_consultation_comment(consultation, "Avis", acting_user=user)
        actions.check_add_consultation_comment(
            consultation, "Réponse", parent_id=top.pk, acting_user=people.members[0].user
        )
    client.force_login(users[0])
    _page_queries(client, url(consultation))  # warms the per-process caches (site, settings)
    small = _page_queries(client, url(consultation))
    small_list = _page_queries(client, "/consultations/")
    for _ in range(10):
        more = [make_user() for _ in range(3)]
        for user in more:
            top = actions.check_add_consultation_comment(consultation, "Avis", acting_user=user)
            actions.check_hide_comment(top, "Hors sujet", acting_user=people.secretary.user)
    assert Comment.objects.filter(consultation=consultation).count() >= 36
    assert _page_queries(client, url(consultation)) == small
    assert _page_queries(client, "/consultations/") == small_list


def test_the_admin_snippet_saves_through_the_action(item, people, client):
    staff = people.secretary.user
    give_totp(staff)
    client.force_login(staff)
    add = "/admin/snippets/deliberation/consultation/add/"
    assert client.get(add).status_code == 200
    data = {
        "agenda_item": item.pk,
        "proposal": "",
        "title": "Consultation ouverte depuis l'admin",
        "question": "Qu'en pensez-vous ?",
        "introduction": "",
        "start": "2026-01-01 10:00",
        "end": "2025-12-01 10:00",
        "moderation": "before",
    }
    response = client.post(add, data)
    assert response.status_code == 200  # re-rendered with the refusal on the field
    assert "La clôture doit suivre l" in response.content.decode()
    data["end"] = "2026-02-01 10:00"
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation = Consultation.objects.get()
    assert consultation.created_by == staff and consultation.moderated_before
    assert AuditEntry.objects.filter(action="consultation_opened").count() == 1


def test_the_demo_seeds_an_open_and_a_closed_consultation(demo_site, client):
    from deliberation.consultation_demo import CLOSED_TITLE, OPEN_TITLE

    open_one = Consultation.objects.get(title=OPEN_TITLE)
    closed = Consultation.objects.get(title=CLOSED_TITLE)
    assert (
        consultation_reads.state_of(open_one) == "open"
        and consultation_reads.state_of(closed) == "closed"
    )
    statuses = list(open_one.comments.values_list("status", flat=True))
    assert statuses.count("hidden") == 1 and statuses.count("pending") == 1
    assert open_one.comments.filter(parent__isnull=False).exists()
    page = client.get(url(open_one)).content.decode()
    assert HIDDEN_TEXT in page and "Donnée personnelle d&#x27;un tiers" in page
    assert "maisons multiservices dans les villages" not in page  # pending stays hidden
    data = consultation_reads.consultation_page(open_one, None)
    assert {row.channel for row in data.by_channel} >= {"online", "phone"}
    assert "est close depuis le" in client.get(url(closed)).content.decode()
    # Every demo proposal carries its "En bref".
    from deliberation.models import Proposal

    assert not Proposal.objects.filter(summary="").exists()

    # A decision on a proposal shows the proposal's "En bref" before the question.
    from cms.archive.links import decision_url
    from deliberation.models import Decision

    decision = next(d for d in Decision.objects.all() if d.text_voted.get("kind") == "proposal")
    page = client.get(decision_url(decision)).content.decode()
    page = page[page.index("<main") :]  # the head's description may quote the question
    summary = Proposal.objects.get(ballots=decision.ballot).summary
    assert page.index("En bref") < page.index(decision.question)
    assert summary.replace("'", "&#x27;") in page


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">lien</a>',
    '<a href="data:text/html,<script>alert(1)</script>">lien</a>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p style="background:url(http://evil.example/x)">style</p>',
    '<img src="http://evil.example/pixel.png">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{ 7*7 }} {% now 'Y' %}",
]


class _Audit(HTMLParser):
    """What in the page could run code or load from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "img", "style"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.bad.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and value.startswith(
                ("javascript:", "data:", "vbscript:", "http://evil")
            ):
                self.bad.append(f"<{tag} {name}={value}>")


def test_hostile_text_in_comments_and_reasons_is_inert(
    consultation, resident, people, client, settings
):
    for payload in HOSTILE:
        author = make_user()
        try:
            top = actions.check_add_consultation_comment(consultation, payload, acting_user=author)
        except ActionError:
            continue  # refused (nothing left once cleaned): fine
        with contextlib.suppress(ActionError):
            reply = actions.check_add_consultation_comment(
                consultation, payload, parent_id=top.pk, acting_user=resident
            )
            actions.check_hide_comment(reply, payload[:255], acting_user=people.secretary.user)
        with contextlib.suppress(ActionError):
            actions.check_flag_comment(top, payload[:255], acting_user=people.members[0].user)
        cache.clear()  # the per-account limit is not under test here
    client.force_login(people.members[0].user)
    html = client.get(url(consultation)).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    audit = _Audit()
    audit.feed(main)
    assert audit.bad == []
    assert "{{ 7*7 }}" in main  # the text is there, shown literally
    # Reasons are plain text: markup dropped, the characters typed shown as typed.
    assert "Commentaire masqué par la modération : &lt;script&gt;alert(1)" in main
    assert "Commentaire masqué par la modération : lien<" in main


def test_plain_text_fields_keep_their_characters(consultation, resident, people, client):
    comment = actions.check_add_consultation_comment(consultation, "Avis", acting_user=resident)
    actions.check_hide_comment(
        comment, "Injures & menaces <b>graves</b> (a < b)", acting_user=people.secretary.user
    )
    comment.refresh_from_db()
    assert comment.hidden_reason == "Injures & menaces graves (a < b)"
    page = client.get(url(consultation)).content.decode()
    assert "Injures &amp; menaces graves (a &lt; b)" in page
