"""Notifications: subscriptions, double opt-in, channels (e-mail, SMS against a fake gateway),
retries with backoff, unsubscribing without an account, digests, and the actions that emit."""

from __future__ import annotations

import datetime
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from council.notifications import links, tasks
from council.notifications.channels import SMS_MAX, sms_text
from council.notifications.models import Delivery, Notice, Subscription
from council.notifications.service import notify, send_digests, send_due
from council.notifications.tasks import attempt, backoff
from tests.council.account_helpers import links_in, outline
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOKEN = "jeton-de-la-passerelle"


class FakeGateway:
    """A real HTTP server on a free local port that answers with the statuses it is given."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status < 300 else b'{"error": "busy"}')

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    def start(statuses=()):
        fake = FakeGateway(list(statuses))
        settings.SMS_GATEWAY_URL = fake.url
        settings.SMS_GATEWAY_TOKEN = TOKEN
        started.append(fake)
        return fake

    started: list[FakeGateway] = []
    yield start
    for fake in started:
        fake.close()


def _sms_subscriber(phone="+32470123456"):
    user = make_user()
    return Subscription.objects.create(
        user=user,
        channel="sms",
        phone=phone,
        events=[Notice.DECISION_RECORDED],
        confirmed_at=timezone.now(),
    )


def _notify(django_capture_on_commit_callbacks, event=Notice.DECISION_RECORDED, **kwargs):
    kwargs.setdefault("url", "/decisions/numerique/2026/7/")
    kwargs.setdefault("title", "Maintenir les guichets physiques")
    with django_capture_on_commit_callbacks(execute=True):
        return notify(event, **kwargs)


def _path(url: str) -> str:
    return url.split("127.0.0.1:8000", 1)[1]


# --- SMS against the fake gateway ---------------------------------------------------------


def test_sms_success(gateway, client, django_capture_on_commit_callbacks):
    fake = gateway([200])
    subscription = _sms_subscriber()
    assert _notify(django_capture_on_commit_callbacks) == 1
    delivery = Delivery.objects.get()
    assert attempt(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")

    [request] = fake.requests
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["json"]["to"] == "+32470123456"
    message = request["json"]["message"]
    assert len(message) <= SMS_MAX
    assert "Maintenir les guichets physiques" in message
    [short] = links_in(message)
    assert short.endswith(f"/n/{delivery.short_key}/")

    # The short link works logged out and offers the page and an unsubscribe button.
    landing = client.get(_path(short))
    assert landing.status_code == 200
    page = landing.content.decode()
    assert "/decisions/numerique/2026/7/" in page
    [action] = re.findall(r'action="([^"]*desabonnement[^"]*)"', page)
    assert client.post(action).status_code == 200
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert _notify(django_capture_on_commit_callbacks) == 0


def test_sms_failure_then_retry_succeeds(gateway, django_capture_on_commit_callbacks):
    fake = gateway([500, 200])
    _sms_subscriber()
    _notify(django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    now = timezone.now()

    assert attempt(delivery.pk, now=now) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at == now + backoff(1)
    # Not due yet: nothing is sent, nothing is counted.
    assert attempt(delivery.pk, now=now + datetime.timedelta(seconds=30)) == "pending"
    assert len(fake.requests) == 1

    later = now + backoff(1)
    assert send_due(later) == {"sent": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(fake.requests) == 2


def test_sms_failed_after_max_attempts_is_recorded(
    gateway, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    fake = gateway([500, 502, 503, 200])
    _sms_subscriber()
    _notify(django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    when = timezone.now()
    waits = []
    for _ in range(3):
        attempt(delivery.pk, now=when)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - when)
            when = delivery.next_attempt_at
    assert (
        waits
        == [backoff(1), backoff(2)]
        == [datetime.timedelta(minutes=1), datetime.timedelta(minutes=2)]
    )
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "HTTP 503" in delivery.last_error
    assert delivery.next_attempt_at is None
    # Failed is final: the sweep does not try again.
    assert send_due(when + datetime.timedelta(days=1)) == {}
    assert len(fake.requests) == 3


def test_dead_gateway_is_an_error_not_a_crash(settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    _sms_subscriber()
    _notify(django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert attempt(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "unreachable" in delivery.last_error


@pytest.mark.parametrize("length", [1, 120, 159, 160, 400, 5000])
def test_sms_text_fits_in_160(length):
    link = "https://conseil.orneval.be/n/abcdefghjk/"
    text = sms_text("é" * length, link)
    assert len(text) <= SMS_MAX
    assert text.endswith(" " + link)


# --- E-mail -------------------------------------------------------------------------------


def test_email_carries_an_unsubscribe_link_that_works_logged_out(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_user("abonnee@example.net")
    Subscription.objects.create(
        user=user, channel="email", events=[Notice.MEETING_CONVENED], confirmed_at=timezone.now()
    )
    _notify(django_capture_on_commit_callbacks, Notice.MEETING_CONVENED, title="Séance de mars")
    assert send_due() == {"sent": 1}
    [mail] = mailoutbox
    assert mail.to == ["abonnee@example.net"]
    assert "Une séance est convoquée : Séance de mars" in mail.subject
    [unsubscribe] = [u for u in links_in(mail.body) if "desabonnement" in u]
    assert mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"

    page = client.get(_path(unsubscribe))  # never logged in
    assert page.status_code == 200 and outline(page.content.decode()).h1 == 1
    assert client.post(_path(unsubscribe)).status_code == 200
    assert not Subscription.objects.get(user=user).is_active
    assert _notify(django_capture_on_commit_callbacks, Notice.MEETING_CONVENED) == 0
    # A forged token is a page, not a 500.
    assert client.get(_path(unsubscribe)[:-6] + "xxxxx/").status_code == 404


def test_db_worker_delivers_from_the_queue(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands import db_worker

    # The worker recycles its connection between tasks; inside the test's transaction that
    # would close the very connection holding the test data.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    user = make_user()
    Subscription.objects.create(
        user=user, channel="email", events=[Notice.DECISION_RECORDED], confirmed_at=timezone.now()
    )
    _notify(django_capture_on_commit_callbacks)
    assert Delivery.objects.get().status == "pending" and not mailoutbox
    call_command(
        "db_worker",
        "--batch",
        "--backend",
        "notifications",
        "--queue-name",
        "notifications",
        "--no-startup-delay",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert Delivery.objects.get().status == "sent"
    assert len(mailoutbox) == 1


def test_queue_down_loses_nothing(monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(type(tasks.deliver.get_backend()), "enqueue", broken)
    Subscription.objects.create(
        user=make_user(),
        channel="email",
        events=[Notice.DECISION_RECORDED],
        confirmed_at=timezone.now(),
    )
    _notify(django_capture_on_commit_callbacks)
    assert Delivery.objects.get().status == "pending"
    call_command("send_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Delivery.objects.get().status == "sent" and len(mailoutbox) == 1


def test_daily_digest(mailoutbox, django_capture_on_commit_callbacks):
    Subscription.objects.create(
        user=make_user(),
        channel="email",
        digest=True,
        confirmed_at=timezone.now(),
        events=[Notice.DECISION_RECORDED, Notice.MEETING_CONVENED],
    )
    _notify(django_capture_on_commit_callbacks, title="Première")
    _notify(django_capture_on_commit_callbacks, Notice.MEETING_CONVENED, title="Seconde")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"held"}
    assert send_due() == {} and not mailoutbox
    assert send_digests() == 1
    [mail] = mailoutbox
    assert "Première" in mail.body and "Seconde" in mail.body and "desabonnement" in mail.body
    assert Delivery.objects.filter(status="digested").count() == 2
    assert send_digests() == 0


# --- Without an account: double opt-in ------------------------------------------------------


def _subscribe(client, **overrides):
    data = {"email": "Voisin@Exemple.be", "events": [Notice.DECISION_RECORDED], **overrides}
    return client.post(reverse("notification_subscribe"), data)


def test_double_opt_in(client, mailoutbox, django_capture_on_commit_callbacks):
    page = client.get(reverse("notification_subscribe"))
    assert page.status_code == 200 and outline(page.content.decode()).h1 == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client)
    assert response.status_code == 302
    sent_page = client.get(response["Location"]).content.decode()
    assert "Si cette adresse n’est pas déjà abonnée" in sent_page
    [mail] = mailoutbox
    assert mail.to == ["voisin@exemple.be"]
    [confirm] = [u for u in links_in(mail.body) if "/notifications/confirmer/" in u]

    # Nothing is sent before the confirmation.
    assert _notify(django_capture_on_commit_callbacks) == 0
    assert client.get(_path(confirm)).status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # a GET (link preview) confirms nothing
    assert client.post(_path(confirm)).status_code == 200
    assert Subscription.objects.get().is_active
    assert _notify(django_capture_on_commit_callbacks) == 1

    # Asking again for an address already subscribed: the same answer, no new mail.
    with django_capture_on_commit_callbacks(execute=True):
        again = _subscribe(client, events=[Notice.MEETING_CONVENED])
    assert again.status_code == 302 and len(mailoutbox) == 1
    assert Subscription.objects.get().events == [Notice.DECISION_RECORDED]


def test_confirm_link_forged_or_expired(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
    [confirm] = [u for u in links_in(mailoutbox[0].body) if "/notifications/confirmer/" in u]
    assert client.post(_path(confirm).replace("/confirmer/", "/confirmer/x")).status_code == 404
    subscription = Subscription.objects.get()
    unsubscribe_token = links.unsubscribe_token(subscription)
    # An unsubscribe token is not a confirmation token.
    assert client.post(reverse("notification_confirm", args=[unsubscribe_token])).status_code == 404
    assert Subscription.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pas-une-adresse"}, "adresse e-mail valide"),
        ({"email": ""}, "adresse e-mail valide"),
        ({"events": []}, "au moins un type"),
        ({"events": ["n_importe_quoi"]}, "Sélectionnez un choix valide"),
    ],
)
def test_public_form_bad_input(client, mailoutbox, data, message):
    response = _subscribe(client, **data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in page and message in page
    assert not Subscription.objects.exists() and not mailoutbox


def test_public_form_is_rate_limited(client):
    statuses = [_subscribe(client, email=f"x{i}@exemple.be").status_code for i in range(11)]
    assert statuses == [302] * 10 + [429]
    assert Subscription.objects.count() == 10


# --- An account's page (Mon espace), without JavaScript -------------------------------------


def test_my_notifications_page(client, gateway):
    gateway([])
    user = make_user()
    client.force_login(user)
    url = reverse("my_notifications")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert outline(html).h1 == 1 and "<fieldset" in html and 'name="phone"' in html

    bad_phone = client.post(
        url, {"events": [Notice.MEETING_CONVENED], "by_sms": "on", "phone": "12<b>"}
    )
    assert bad_phone.status_code == 400
    assert "Numéro de GSM invalide" in bad_phone.content.decode()
    no_events = client.post(url, {"by_email": "on"})
    assert no_events.status_code == 400 and "au moins un type" in no_events.content.decode()
    assert not Subscription.objects.exists()

    ok = client.post(
        url,
        {
            "events": [Notice.MEETING_CONVENED, Notice.DECISION_RECORDED],
            "by_email": "on",
            "by_sms": "on",
            "phone": "0470 12 34 56",
        },
    )
    assert ok.status_code == 302
    by_channel = {s.channel: s for s in Subscription.objects.filter(user=user)}
    assert by_channel["sms"].phone == "+32470123456"
    assert all(s.is_active for s in by_channel.values())
    assert by_channel["email"].events == [Notice.MEETING_CONVENED, Notice.DECISION_RECORDED]
    assert "checked" in client.get(url).content.decode()

    no_channel = client.post(url, {"events": [Notice.MEETING_CONVENED]})
    assert no_channel.status_code == 400 and "par e-mail ou par SMS" in no_channel.content.decode()
    assert Subscription.objects.active().filter(user=user).count() == 2
    # Nothing ticked at all: no more notifications.
    assert client.post(url, {}).status_code == 302
    assert not Subscription.objects.active().filter(user=user).exists()


def test_account_without_email_is_offered_sms_only(client, settings):
    settings.SMS_GATEWAY_URL = ""
    user = make_user()
    user.email = None
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("my_notifications"), {"events": [Notice.MEETING_CONVENED], "by_email": "on"}
    )
    assert response.status_code == 400
    assert "pas d’adresse e-mail" in response.content.decode()
    assert 'name="phone"' not in response.content.decode()  # no gateway configured


# --- The actions that emit -------------------------------------------------------------------


def test_meeting_convened_agenda_changed_and_decision(council, django_capture_on_commit_callbacks):
    from deliberation import actions
    from tests.deliberation.conftest import People, Session

    people = People(council)

    Subscription.objects.create(
        user=make_user(), channel="email", events=list(Notice.values), confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = actions.do_create_meeting(
            people.council,
            title="Séance d’avril",
            start=timezone.now() + datetime.timedelta(days=7),
            items=[("Guichets", "decision"), ("Divers", "information")],
            acting_user=people.secretary.user,
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting.place = "Salle B"
        actions.do_save_meeting(meeting, acting_user=people.secretary.user)
    events = list(Delivery.objects.order_by("pk").values_list("event", "link"))
    live = reverse("deliberation:live", kwargs={"meeting_id": meeting.pk})
    assert events == [(Notice.MEETING_CONVENED, live), (Notice.AGENDA_CHANGED, live)]

    session = Session(people, meeting)
    ballot = session.open_ballot()
    with django_capture_on_commit_callbacks(execute=True):
        decision = actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    last = Delivery.objects.order_by("pk").last()
    assert last.event == Notice.DECISION_RECORDED
    assert last.link.endswith(f"/{decision.year}/{decision.number}/")


def test_consultation_opened_then_closing_soon_told_once(
    council, django_capture_on_commit_callbacks
):
    from deliberation import actions
    from deliberation.models import Consultation
    from tests.deliberation.conftest import People

    people = People(council, members=2, substitutes=0)
    meeting = actions.do_create_meeting(
        council,
        title="Séance de mai",
        start=timezone.now() + datetime.timedelta(days=20),
        items=[("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    Subscription.objects.create(
        user=make_user(),
        channel="email",
        confirmed_at=timezone.now(),
        events=[Notice.CONSULTATION_OPENED, Notice.CONSULTATION_CLOSING],
    )
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        consultation = actions.check_save_consultation(
            Consultation(
                agenda_item=meeting.agenda_items.get(),
                title="Votre avis sur les guichets",
                question="Les guichets suffisent-ils ?",
                start=now - datetime.timedelta(minutes=1),
                end=now + datetime.timedelta(days=5),
                moderation="after",
            ),
            acting_user=people.secretary.user,
        )
    [opened] = Delivery.objects.all()
    assert opened.event == Notice.CONSULTATION_OPENED
    assert opened.link == reverse("deliberation:consultation", args=[consultation.pk])
    assert "Votre avis sur les guichets" in opened.subject

    # The timer runs often; each notice goes out once.
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_consultations(now + datetime.timedelta(days=1)) == 0
        assert actions.notify_consultations(now + datetime.timedelta(days=4)) == 1
        assert actions.notify_consultations(now + datetime.timedelta(days=4, hours=1)) == 0
        call_command("send_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Delivery.objects.order_by("pk").values_list("event", flat=True)) == [
        Notice.CONSULTATION_OPENED,
        Notice.CONSULTATION_CLOSING,
    ]


def test_demo_seeds_a_few_subscriptions_and_no_delivery(demo_site):
    from council.notifications.demo import seed_subscriptions

    seed_subscriptions()  # twice: nothing doubles
    assert Subscription.objects.active().filter(member__isnull=True).count() == 3
    # And one resident follows the member who took a vacant seat.
    assert Subscription.objects.active().filter(member__email="membre11@example.org").count() == 1
    assert Subscription.objects.get(user__email="habitante@example.org").digest
    assert not Delivery.objects.exists()


def test_deleting_an_account_removes_its_subscriptions(gateway, django_capture_on_commit_callbacks):
    from council.data_rights import do_delete_account

    gateway([])
    subscription = _sms_subscriber()
    user = subscription.user
    _notify(django_capture_on_commit_callbacks)
    do_delete_account(user, acting_user=user)
    assert not Subscription.objects.filter(user=user).exists()
    assert not Delivery.objects.filter(recipient="+32470123456").exists()
    assert _notify(django_capture_on_commit_callbacks) == 0


def test_a_notification_failure_never_undoes_or_breaks_the_action(
    council, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from deliberation import actions
    from deliberation.actions import notices
    from deliberation.models import Decision
    from tests.deliberation.conftest import People, Session

    people = People(council)
    meeting = actions.do_create_meeting(
        council,
        title="Séance de juin",
        start=timezone.now() + datetime.timedelta(hours=1),
        items=[("Procès-verbal", "minutes_approval"), ("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    session = Session(people, meeting)
    ballot = session.open_ballot()

    def broken(*args, **kwargs):
        raise RuntimeError("notifications down")

    monkeypatch.setattr(notices, "notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        decision = actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    assert Decision.objects.filter(pk=decision.pk).exists()
    assert "notifications down" in caplog.text


def test_notify_costs_the_same_queries_for_5_or_50_subscribers(django_assert_num_queries):
    def subscribe(n):
        for _ in range(n):
            Subscription.objects.create(
                user=make_user(),
                channel="email",
                events=[Notice.DECISION_RECORDED],
                confirmed_at=timezone.now(),
            )

    subscribe(5)
    with django_assert_num_queries(4):  # savepoint, subscriptions, one INSERT, release
        assert notify(Notice.DECISION_RECORDED, title="x", url="/") == 5
    subscribe(45)
    with django_assert_num_queries(4):
        assert notify(Notice.DECISION_RECORDED, title="x", url="/") == 50
