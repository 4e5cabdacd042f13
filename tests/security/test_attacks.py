"""Attacks a hostile page or visitor can try without a browser: forged POSTs (CSRF), session
fixation, a session that outlives its logout, account enumeration, and the headers every
response carries with the production settings.

Cross-site WebSocket hijacking is here only for what tests/deliberation/live/test_consumers.py
does not already show (a foreign origin carrying a member's session cookie); receipt-code
enumeration is shown by tests/deliberation/actions/test_mediation.py (same page for unknown,
malformed and expired codes; per-address rate limit that counts misses).
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from council.models import Role
from deliberation.models import Comment
from tests.council.account_helpers import log_in
from tests.factories import PASSWORD, make_council, make_membership, make_user
from tests.security.headers import HEADER_PATHS, production_header_problems

ROOT = Path(__file__).resolve().parents[2]

# --- CSRF on every POST URL -----------------------------------------------------------------

# Views Django itself does not guard, each with what guards it instead.
CSRF_EXEMPT_PREFIXES = {
    # Read-only JSON: the views accept GET only (a POST is 405, nothing is written).
    "oparl/v1.1/": "OParl is a read-only API",
    # Wagtail's admin API: read-only listings, and page actions whose framework enforces
    # CSRF itself for session-authenticated requests.
    "admin/api/main/": "Wagtail admin API (read-only, or CSRF enforced by its framework)",
    # RFC 8058 one-click unsubscribe: mail clients POST without a cookie; the signed token in
    # the URL is the credential, and all it can do is stop that person's notifications.
    "notifications/desabonnement/": "one-click unsubscribe, authorised by its signed token",
}

_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _concrete(route: str) -> str:
    """A path that matches the route: converters and regex groups get a plausible value."""

    def value(match: re.Match[str]) -> str:
        return "1" if match.group("kind") == "int" else "x1"

    path = _CONVERTER.sub(value, route)
    path = _REGEX_GROUP.sub("1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def post_routes() -> list[tuple[str, str, bool]]:
    """(route, concrete path, exempt) for every URL pattern that resolves from a made-up
    path. Language prefixes are left out: /nl/… reaches the same views."""
    found = []
    for route, pattern in _routes(get_resolver().url_patterns):
        path = _concrete(route)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func is not pattern.callback:
            continue  # an earlier pattern takes this path; it is tested under its own route
        found.append((route, path, bool(getattr(pattern.callback, "csrf_exempt", False))))
    return found


@pytest.mark.django_db
def test_every_post_without_a_token_is_refused(caplog):
    member = make_membership(Role.MEMBER).user
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    routes = post_routes()
    assert len(routes) > 300, "the URL enumeration lost most routes"
    unguarded = []
    for route, path, exempt in routes:
        if exempt:
            continue
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = client.post(path, {"body": "forged"})
        rejected = any(r.name == "django.security.csrf" for r in caplog.records)
        if response.status_code != 403 or not rejected:
            unguarded.append(f"{route} → {response.status_code}")
    assert unguarded == []


@pytest.mark.django_db
def test_views_exempt_from_django_csrf_are_the_known_read_only_ones():
    member = make_membership(Role.MEMBER).user
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    exempt = [(route, path) for route, path, is_exempt in post_routes() if is_exempt]
    assert exempt, "the exemption list below would be dead code"
    for route, path in exempt:
        assert route.startswith(tuple(CSRF_EXEMPT_PREFIXES)), f"{route} is CSRF-exempt"
        if route.startswith("oparl/"):
            assert client.post(path).status_code == 405, route


@pytest.mark.django_db
def test_a_forged_comment_is_refused_and_the_real_form_works(session_in_progress):
    """The CSRF middleware on the one form attackers want most: a member's comment."""
    meeting, proposal, member = session_in_progress
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = f"/seances/{meeting.pk}/salle/?do=commenter"
    data = {"target": f"p{proposal.pk}", "body": "Un commentaire légitime."}

    forged = client.post(url, data)
    assert forged.status_code == 403
    assert not Comment.objects.exists()

    client.get(f"/seances/{meeting.pk}/salle/")
    token = client.cookies["csrftoken"].value
    genuine = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert genuine.status_code == 302, genuine.content.decode()[:2000]
    assert Comment.objects.count() == 1


@pytest.fixture
def session_in_progress(db):
    from django.utils import timezone

    from deliberation.actions import do_create_meeting
    from tests.deliberation.conftest import People, Session

    people = People(make_council(), members=6)
    meeting = do_create_meeting(
        people.council,
        title="Séance",
        start=timezone.now(),
        place="Salle",
        items=[("PV", "minutes_approval"), ("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    session = Session(people, meeting)
    return meeting, session.proposal, people.members[2].user


# --- Sessions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_key_changes_at_login(client):
    user = make_user()
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before

    assert log_in(client, user.email)["Location"] == "/"
    after = client.cookies["sessionid"].value
    assert after != before
    assert not SessionStore().exists(before)
    assert client.get("/espace/").status_code == 200


@pytest.mark.django_db
def test_an_old_session_cookie_is_useless_after_logout(client):
    user = make_user()
    assert log_in(client, user.email)["Location"] == "/"
    stolen = client.cookies["sessionid"].value
    assert client.post("/accounts/logout/").status_code == 302

    assert not SessionStore().exists(stolen)
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/espace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Enumeration ----------------------------------------------------------------------------


def _visible_text(html: str) -> str:
    """The page without its tokens, for comparing two answers."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'value="[^"]*@[^"]*"', 'value=""', html)


@pytest.mark.django_db
def test_login_does_not_say_whether_an_account_exists(client):
    user = make_user("existe@example.net")
    known = client.post("/accounts/login/", {"login": user.email, "password": "faux-" + PASSWORD})
    unknown = Client().post(
        "/accounts/login/", {"login": "inconnu@example.net", "password": "faux-" + PASSWORD}
    )
    assert known.status_code == unknown.status_code == 200
    assert _visible_text(known.content.decode()) == _visible_text(unknown.content.decode())


@pytest.mark.django_db
def test_password_reset_does_not_say_whether_an_account_exists(client, mailoutbox):
    make_user("existe@example.net")
    known = client.post("/accounts/password/reset/", {"email": "existe@example.net"})
    unknown = Client().post("/accounts/password/reset/", {"email": "inconnu@example.net"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Only the mailboxes learn the difference: the owner of an address gets a reset link,
    # an unknown address a note that no account uses it.
    assert sorted(m.to[0] for m in mailoutbox) == ["existe@example.net", "inconnu@example.net"]
    assert "/accounts/password/reset/key/" in next(
        m.body for m in mailoutbox if m.to == ["existe@example.net"]
    )


@pytest.mark.django_db
def test_signup_does_not_say_whether_an_address_is_taken(client, mailoutbox):
    make_user("existe@example.net")
    password = "Orneval-ecoute-2026"
    taken = client.post(
        "/accounts/signup/",
        {"email": "existe@example.net", "password1": password, "password2": password},
    )
    fresh = Client().post(
        "/accounts/signup/",
        {"email": "nouvelle@example.net", "password1": password, "password2": password},
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]


# --- WebSocket: a foreign page riding a member's cookie --------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    "origin",
    [
        b"https://evil.example",
        b"http://127.0.0.1.evil.example",
        b"http://evil.example:80",
        b"null",
        b"https://127.0.0.1",
        b"http://127.0.0.1:9999",
    ],
)
async def test_a_foreign_page_cannot_open_the_members_socket_with_a_members_cookie(
    origin, settings
):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from council.asgi import application
    from tests.deliberation.live.test_consumers import HOST, session_cookie

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    def setup():
        from django.utils import timezone

        from deliberation.actions import do_create_meeting

        membership = make_membership(Role.MEMBER)

        meeting = do_create_meeting(
            membership.council,
            title="Séance",
            start=timezone.now(),
            place="Salle",
            items=[("Divers", "information")],
            acting_user=None,
        )
        return meeting.pk, session_cookie(membership.user)

    meeting_id, cookie = await sync_to_async(setup)()
    path = f"/ws/meetings/{meeting_id}/?audience=members"

    same_site = WebsocketCommunicator(
        application, path, headers=[HOST, (b"origin", b"http://127.0.0.1"), cookie]
    )
    connected, _ = await same_site.connect()
    assert connected, "the member's own page must connect, or this test proves nothing"
    await same_site.disconnect()

    foreign = WebsocketCommunicator(application, path, headers=[HOST, (b"origin", origin), cookie])
    connected, _ = await foreign.connect()
    assert not connected


# --- Production headers on every response ---------------------------------------------------

PRODUCTION_SETTINGS = [
    "DEBUG",
    "MIDDLEWARE",
    "CONTENT_SECURITY_POLICY",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
]


@pytest.fixture(scope="module")
def production_values() -> dict:
    """The security settings as DJANGO_ENV=production computes them, read in a subprocess
    (the settings module is evaluated once per process)."""
    from tests.council.test_security import _production_env

    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    return values


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEMO = False
    return settings


def _problems(path: str, response) -> list[str]:
    cookies = [(cookie.key, bool(cookie["secure"])) for cookie in response.cookies.values()]
    found = production_header_problems(response.get, cookies)
    return [f"{path} ({response.status_code}): {problem}" for problem in found]


@pytest.mark.django_db
def test_production_headers_on_every_kind_of_response(production, demo_site):
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    problems = []
    statuses = set()
    for path in HEADER_PATHS:
        response = client.get(path)
        statuses.add(response.status_code)
        problems += _problems(path, response)
    # A refused POST and a logged-in page as well.
    response = Client(HTTP_X_FORWARDED_PROTO="https", enforce_csrf_checks=True).post("/suivi/")
    problems += _problems("POST /suivi/", response)
    statuses.add(response.status_code)
    assert problems == []
    # The list really spans successes, redirects, missing pages and refusals.
    assert {200, 302, 403, 404} <= statuses, statuses


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(production, demo_site):
    response = Client().get("/decisions/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/decisions/"


@pytest.mark.django_db
def test_the_admin_is_the_only_place_the_policy_loosens(production, demo_site):
    """Documented exception (council/security.py): inline script in Wagtail's admin only."""
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    login = client.get("/admin/login/")
    assert "frame-ancestors 'self'" in login["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]


def test_production_refuses_debug(production_values):
    assert production_values["DEBUG"] is False
