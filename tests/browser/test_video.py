"""Video in a real Chromium, offline: the video hosts are routed to local stubs and every
request is recorded, so the tests see that nothing reaches them before the click.

A daphne of its own serves these tests, with a Jitsi server, a token secret and a livestream
host configured (the other browser tests run without video)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from council.models import Role
from deliberation import actions
from deliberation.models import Meeting
from tests.browser.helpers import axe_violations, open_context
from tests.browser.server import Daphne, start_daphne
from tests.factories import make_council, make_membership, make_user

pytestmark = pytest.mark.browser

JITSI = "meet.video.test"
TUBE = "tube.video.test"
SECRET = "browser-test-jitsi-secret-0123456789abcdef"
PLAYER = f"https://{TUBE}/videos/embed/seance-test"
STUB = "<!doctype html><html lang=fr><title>Stub</title><p>Lecteur de test</p></html>"


@pytest.fixture(scope="module")
def video_server(django_db_setup, tmp_path_factory) -> Iterator[Daphne]:
    server = start_daphne(
        tmp_path_factory.mktemp("daphne-video"),
        DEMO="1",
        JITSI_DOMAIN=JITSI,
        JITSI_APP_ID="conseil-ouvert",
        JITSI_APP_SECRET=SECRET,
        VIDEO_EMBED_DOMAINS=TUBE,
    )
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Cast:
    meeting_id: int
    cookies: dict[str, str]


def _cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def cast(live_server_url: str, fast_password_hasher) -> Cast:
    council = make_council(name="Conseil consultatif du numérique", slug="numerique")
    chair = make_membership(Role.CHAIR, council, make_user(first_name="Claire"))
    Authenticator.objects.create(
        user=chair.user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    member = make_membership(Role.MEMBER, council, make_user(first_name="Léa", last_name="Dumont"))
    resident = make_user(first_name="Rémi")
    meeting = actions.do_create_meeting(
        council,
        title="Séance hybride",
        start=timezone.now() + datetime.timedelta(minutes=10),
        place="Salle du conseil",
        items=[("Guichets", "decision")],
        state=Meeting.State.CONVENED,
        acting_user=chair.user,
    )
    meeting.livestream_url = PLAYER
    actions.do_save_meeting(meeting, acting_user=chair.user)
    return Cast(
        meeting.pk,
        {"member": _cookie(member.user), "resident": _cookie(resident)},
    )


def _offline_context(browser: Any, server: Daphne, js_enabled: bool, seen: list[str]) -> Any:
    context = open_context(browser, js_enabled=js_enabled, base_url=server.url)
    context.on("request", lambda request: seen.append(request.url))
    # Routes run last-registered first: the stubs answer the video hosts, anything else
    # outside the test server is refused.
    context.route(
        re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort("blockedbyclient")
    )
    for host in (JITSI, TUBE):
        context.route(
            f"https://{host}/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=STUB),
        )
    return context


def _as(context: Any, server: Daphne, cookie: str) -> None:
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server.url}]
    )


def _to(host: str, seen: list[str]) -> list[str]:
    return [url for url in seen if urlsplit(url).hostname == host]


def test_the_members_conference_loads_only_at_the_click(
    browser, browser_thread, video_server, cast, js_enabled
):
    seen: list[str] = []
    context = _offline_context(browser, video_server, js_enabled, seen)
    try:
        _as(context, video_server, cast.cookies["member"])
        page = context.new_page()
        page.goto(f"/seances/{cast.meeting_id}/salle/")
        button = page.get_by_role("link", name=f"Rejoindre la visioconférence ({JITSI})")
        expect(button).to_be_visible()
        assert _to(JITSI, seen) == [], seen
        assert page.locator("iframe").count() == 0
        assert axe_violations(page) == []

        if js_enabled:
            with page.expect_request(lambda request: JITSI in request.url):
                button.click()
            frame = page.locator("iframe.video-frame")
            expect(frame).to_be_visible()
            src = frame.get_attribute("src") or ""
            expect(frame).to_be_focused()
        else:
            button.click()
            page.wait_for_url(f"https://{JITSI}/**")
            src = page.url
        assert _to(JITSI, seen), seen
        assert urlsplit(src).hostname == JITSI
        claims = jwt.decode(
            parse_qs(urlsplit(src).query)["jwt"][0],
            SECRET,
            algorithms=["HS256"],
            audience="jitsi",
            issuer="conseil-ouvert",
        )
        assert urlsplit(src).path == f"/{claims['room']}"
        assert claims["context"]["user"]["name"] == "Léa Dumont"
        assert claims["context"]["user"]["moderator"] is False
    finally:
        context.close()


@pytest.mark.parametrize("js_enabled", [True])
def test_residents_are_refused_the_conference(
    browser, browser_thread, video_server, cast, js_enabled
):
    seen: list[str] = []
    context = _offline_context(browser, video_server, js_enabled, seen)
    try:
        _as(context, video_server, cast.cookies["resident"])
        page = context.new_page()
        response = page.goto(f"/seances/{cast.meeting_id}/visio/")
        assert response is not None and response.status == 403
        assert _to(JITSI, seen) == []
        page.goto(f"/seances/{cast.meeting_id}/direct/")
        assert page.get_by_role("link", name=re.compile("visioconférence")).count() == 0
    finally:
        context.close()


def test_the_livestream_loads_only_at_the_click(
    browser, browser_thread, video_server, cast, js_enabled
):
    seen: list[str] = []
    context = _offline_context(browser, video_server, js_enabled, seen)
    try:
        page = context.new_page()
        page.goto(f"/seances/{cast.meeting_id}/direct/")
        button = page.get_by_role("link", name=f"Regarder la vidéo ({TUBE})")
        expect(button).to_be_visible()
        assert _to(TUBE, seen) == [], seen
        assert axe_violations(page) == []
        if js_enabled:
            with page.expect_request(lambda request: TUBE in request.url):
                button.click()
            frame = page.locator("iframe.video-frame")
            expect(frame).to_have_attribute("src", PLAYER)
            expect(frame).to_have_attribute("title", "Retransmission vidéo de la séance")
        else:
            button.click()
            page.wait_for_url(PLAYER)
        assert _to(TUBE, seen), seen
    finally:
        context.close()


@dataclass
class Recorded:
    pages: list[str]  # the meeting page and its minutes
    form: str  # the secretariat's recording form
    secretary_cookie: str
    first_item_url: str


@pytest.fixture
def recorded(demo_site_live: str) -> Recorded:
    """The demo's latest past meeting (held through the actions, so its session record has
    items opened and closed), with its recording attached by the secretariat."""
    from cms.models import MinutesPage
    from deliberation import video

    minutes = MinutesPage.objects.live().order_by("-meeting__start").select_related("meeting")[0]
    meeting = minutes.meeting
    secretary = meeting.council.memberships.get(role=Role.SECRETARY).user
    Authenticator.objects.get_or_create(
        user=secretary, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    video.check_attach_recording(
        meeting,
        "https://video.example.org/w/seance",
        meeting.start - datetime.timedelta(minutes=2),
        acting_user=secretary,
    )
    index = video.recording_index(meeting)
    assert index is not None and index.items
    return Recorded(
        [minutes.get_parent().url, minutes.url],
        f"/seances/{meeting.pk}/enregistrement/",
        _cookie(secretary),
        index.items[0]["url"],
    )


def test_the_recording_index_pages_pass_axe(browser_thread, page, recorded, live_server_url):
    for url in recorded.pages:
        page.goto(url)
        chapters = page.get_by_role("region", name="Enregistrement de la séance")
        expect(chapters).to_be_visible()
        # Items the demo opened within the same second share their moment in the recording.
        expect(chapters.locator(f'a[href="{recorded.first_item_url}"]').first).to_be_visible()
        assert axe_violations(page) == [], url
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": recorded.secretary_cookie,
                "url": live_server_url,
            }
        ]
    )
    page.goto(recorded.form)
    expect(page.get_by_label("Début de l'enregistrement")).to_be_visible()
    assert axe_violations(page) == []
    # A start after the meeting's end is refused in the page, with an error summary.
    page.get_by_label("Début de l'enregistrement").fill("2099-01-01T20:00:00")
    page.get_by_role("button", name="Enregistrer et indexer").click()
    expect(page.locator(".field-error")).to_contain_text("après la fin de la séance")
    assert axe_violations(page) == []
