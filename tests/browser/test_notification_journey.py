"""A subscription → a notification by e-mail and by the fake SMS gateway, in Chromium.

A visitor without an account subscribes by e-mail and follows the confirmation link the
server e-mailed her (double opt-in); a resident with an account subscribes by e-mail and by
SMS. A meeting is convened (the secretariat's action, against the live server's database);
the task worker delivers. The e-mail carries the news and an unsubscribe link that works
logged out; the gateway gets one text message of at most 160 characters with a short link
that opens the news."""

from __future__ import annotations

import datetime
import email
import email.policy
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from council.models import Role
from council.notifications.models import Delivery, Subscription
from deliberation import actions
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD, make_council, make_membership, make_user

pytestmark = pytest.mark.browser

VISITOR = "voisine@exemple.be"
RESIDENT = "habitante@exemple.be"
PHONE = "0470 12 34 56"
MEETING_TITLE = "Séance de juin sur les guichets"
CONVENED = "Une séance est convoquée"
URL = re.compile(r"https?://\S+")


@pytest.fixture
def people(live_server_url: str, fast_password_hasher) -> dict[str, Any]:
    council = make_council(name="Conseil consultatif du numérique", slug="numerique")
    secretary = make_membership(Role.SECRETARY, council, make_user()).user
    make_user(RESIDENT, first_name="Hélène", last_name="Habitante")
    return {"council": council, "secretary": secretary}


def _mails_sent_by_server(mail_dir: Path) -> list[email.message.EmailMessage]:
    if not mail_dir.exists():
        return []
    found = []
    for path in sorted(mail_dir.iterdir()):
        # The filebased backend writes messages one after another, separated by a rule.
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


def _text(message: email.message.EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return body.get_content()


def _path(url: str) -> str:
    """A link the server wrote with its canonical host, made relative for the test server."""
    match = re.match(r"https?://[^/]+(/\S*)", url)
    assert match, url
    return match.group(1)


def _subscriptions() -> dict[str, dict[str, Any]]:
    return {
        f"{s.channel}:{s.recipient}": {
            "active": s.is_active,
            "events": s.events,
        }
        for s in Subscription.objects.select_related("user")
    }


def _convene_and_deliver(people: dict[str, Any], gateway_url: str, token: str, base: str) -> dict:
    """The secretariat convenes a meeting; the task worker then works through the queue, as
    `manage.py db_worker` does in production, with the fake gateway as SMS gateway."""
    with override_settings(
        SMS_GATEWAY_URL=gateway_url, SMS_GATEWAY_TOKEN=token, WAGTAILADMIN_BASE_URL=base
    ):
        actions.do_create_meeting(
            people["council"],
            title=MEETING_TITLE,
            start=timezone.now() + datetime.timedelta(days=7),
            place="Salle du conseil",
            items=[("Les guichets du samedi", "decision")],
            acting_user=people["secretary"],
        )
        queued = dict(Delivery.objects.values_list("channel", "status"))
        with open(os.devnull, "w") as devnull:
            call_command(
                "db_worker",
                "--batch",
                "--backend",
                "notifications",
                "--queue-name",
                "notifications",
                "--no-startup-delay",
                stdout=devnull,
            )
    return {
        "queued": queued,
        "statuses": sorted(Delivery.objects.values_list("channel", "recipient", "status")),
        "outbox": [(m.to, m.subject, m.body) for m in mail.outbox],
    }


def _submit(page: Any) -> None:
    page.locator("main form").locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("js_enabled", [False])
def test_subscription_then_notification_by_email_and_sms(
    people, page, live_asgi_server, sms_gateway, on_main_thread, live_server_url
):
    mail_dir = live_asgi_server.mail_dir
    already_mailed = len(_mails_sent_by_server(mail_dir))
    sms_gateway.clear()

    # A visitor without an account: double opt-in.
    page.goto("/notifications/")
    page.fill("input[name=email]", VISITOR)
    page.get_by_label(CONVENED).check()
    _submit(page)
    assert "Vérifiez votre boîte e-mail" in page.inner_text("main")
    assert on_main_thread(_subscriptions)[f"email:{VISITOR}"]["active"] is False
    confirmations = _mails_sent_by_server(mail_dir)[already_mailed:]
    assert [m["To"] for m in confirmations] == [VISITOR]
    confirm_url = next(
        u for u in URL.findall(_text(confirmations[0])) if "/notifications/confirmer/" in u
    )
    page.goto(_path(confirm_url))
    _submit(page)
    assert "Abonnement confirmé" in page.inner_text("main")
    assert on_main_thread(_subscriptions)[f"email:{VISITOR}"]["active"] is True

    # A resident with an account: by e-mail and by SMS.
    sign_in(page, RESIDENT, PASSWORD)
    page.goto("/espace/notifications/")
    page.get_by_label(CONVENED).check()
    page.get_by_label("Par e-mail").check()
    page.get_by_label("Par SMS").check()
    page.get_by_label("Numéro de GSM").fill(PHONE)
    _submit(page)
    assert "Vos notifications sont enregistrées" in page.inner_text("main")
    subscriptions = on_main_thread(_subscriptions)
    assert subscriptions[f"email:{RESIDENT}"] == {"active": True, "events": ["meeting_convened"]}
    assert subscriptions["sms:+32470123456"] == {"active": True, "events": ["meeting_convened"]}
    page.context.clear_cookies()

    # The meeting is convened; nothing leaves before the worker runs, then all is sent.
    outcome = on_main_thread(
        _convene_and_deliver, people, sms_gateway.url, sms_gateway.token, live_server_url
    )
    assert outcome["queued"] == {"email": "pending", "sms": "pending"}
    assert outcome["statuses"] == [
        ("email", RESIDENT, "sent"),
        ("email", VISITOR, "sent"),
        ("sms", "+32470123456", "sent"),
    ]

    # The e-mails: the news, and an unsubscribe link.
    by_recipient = {tuple(to): (subject, body) for to, subject, body in outcome["outbox"]}
    assert set(by_recipient) == {(RESIDENT,), (VISITOR,)}
    for subject, body in by_recipient.values():
        assert MEETING_TITLE in subject and MEETING_TITLE in body
    unsubscribe_url = next(
        u for u in URL.findall(by_recipient[(VISITOR,)][1]) if "/notifications/desabonnement/" in u
    )

    # The text message: one POST with the bearer token, ≤ 160 characters, a short link.
    received = sms_gateway.received()
    assert len(received) == 1
    assert received[0]["authorization"] == f"Bearer {sms_gateway.token}"
    assert received[0]["json"]["to"] == "+32470123456"
    message = received[0]["json"]["message"]
    assert len(message) <= 160
    short_urls = URL.findall(message)
    assert len(short_urls) == 1 and "/n/" in short_urls[0]
    response = page.goto(_path(short_urls[0]))
    assert response is not None and response.status == 200
    assert MEETING_TITLE in page.inner_text("main h1")

    # Unsubscribing from the e-mail's link, logged out.
    page.goto(_path(unsubscribe_url))
    assert VISITOR in page.inner_text("main")
    _submit(page)
    assert "Désabonnement enregistré" in page.inner_text("main")
    subscriptions = on_main_thread(_subscriptions)
    assert subscriptions[f"email:{VISITOR}"]["active"] is False
    assert subscriptions[f"email:{RESIDENT}"]["active"] is True
    assert subscriptions["sms:+32470123456"]["active"] is True
