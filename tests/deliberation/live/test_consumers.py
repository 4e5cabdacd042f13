"""The meeting socket: origin check, audience authorisation, push-only."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from council.asgi import application
from deliberation import events
from deliberation.models import Attendance
from tests.conftest import mark_second_factor_passed
from tests.council.account_helpers import give_totp

ORIGIN = (b"origin", b"http://127.0.0.1")
HOST = (b"host", b"127.0.0.1")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def session_cookie(user, second_factor: bool = True) -> tuple[bytes, bytes]:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        mark_second_factor_passed(session, user)
    session.save()
    return (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}".encode())


async def connect(
    meeting_id,
    audience="public",
    user=None,
    origin=ORIGIN,
    host=HOST,
    extra=(),
    second_factor=True,
):
    headers = [h for h in (host, origin, *extra) if h]
    if user is not None:
        headers.append(await sync_to_async(session_cookie)(user, second_factor))
    communicator = WebsocketCommunicator(
        application, f"/ws/meetings/{meeting_id}/?audience={audience}", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_a_foreign_origin_is_refused(meeting):
    communicator, connected, _code = await connect(
        meeting.pk, origin=(b"origin", b"https://evil.example")
    )
    assert not connected
    await communicator.disconnect()


async def test_no_origin_is_refused(meeting):
    _communicator, connected, _code = await connect(meeting.pk, origin=None)
    assert not connected


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"http://127.0.0.1:8111", True),
        (b"https://127.0.0.1:8111", False),  # another scheme
        (b"http://127.0.0.1:9999", False),  # another port
        (b"http://127.0.0.1", False),  # port 80
        (b"http://localhost:8111", False),  # another host, though an allowed one
        (b"http://127.0.0.1:8111.evil.example", False),
        (b"http://127.0.0.1:8111/", False),  # not an origin
        (b"null", False),
    ],
)
async def test_only_the_sites_own_origin_opens_the_socket(meeting, origin, accepted):
    """A server on http://127.0.0.1:8111: scheme, host and port all count."""
    communicator, connected, _code = await connect(
        meeting.pk, origin=(b"origin", origin), host=(b"host", b"127.0.0.1:8111")
    )
    assert connected is accepted
    await communicator.disconnect()


async def test_a_missing_or_repeated_host_or_origin_is_refused(meeting):
    for headers in (
        {"host": None},
        {"extra": [(b"origin", b"https://evil.example")]},
        {"extra": [(b"host", b"evil.example")]},
    ):
        communicator, connected, _code = await connect(meeting.pk, **headers)
        assert not connected, headers
        await communicator.disconnect()


async def test_a_host_outside_allowed_hosts_is_refused_even_with_its_own_origin(meeting):
    """DNS rebinding: evil.example resolved to the server; its page is same-origin with the
    Host it sends, but that Host is not one of ours."""
    communicator, connected, _code = await connect(
        meeting.pk, origin=(b"origin", b"http://evil.example"), host=(b"host", b"evil.example")
    )
    assert not connected
    await communicator.disconnect()


BEHIND_PROXY = [(b"x-forwarded-proto", b"https")]


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"https://127.0.0.1:8443", True),
        (b"http://127.0.0.1:8443", False),
        (b"https://127.0.0.1", False),
        (b"https://evil.example", False),
    ],
)
async def test_behind_the_proxy_the_forwarded_scheme_counts(meeting, settings, origin, accepted):
    """tests/prod's topology: nginx terminates TLS on :8443, passes Host with its port and
    X-Forwarded-Proto, which the production settings trust."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    communicator, connected, _code = await connect(
        meeting.pk,
        origin=(b"origin", origin),
        host=(b"host", b"127.0.0.1:8443"),
        extra=BEHIND_PROXY,
    )
    assert connected is accepted
    await communicator.disconnect()


async def test_behind_the_proxy_on_the_default_port(meeting, settings):
    """docs/deploy/nginx.conf passes `$host`, without the port: the origin's 443 is implied."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["conseil.example.org"]
    host = (b"host", b"conseil.example.org")
    for origin, accepted in (
        (b"https://conseil.example.org", True),
        (b"https://conseil.example.org:443", True),
        (b"http://conseil.example.org", False),
        (b"https://conseil.example.org:8443", False),
    ):
        communicator, connected, _code = await connect(
            meeting.pk, origin=(b"origin", origin), host=host, extra=BEHIND_PROXY
        )
        assert connected is accepted, origin
        await communicator.disconnect()


async def test_a_forwarded_scheme_is_not_trusted_unless_the_settings_say_so(meeting, settings):
    """Without SECURE_PROXY_SSL_HEADER (no proxy), anyone could send X-Forwarded-Proto."""
    settings.SECURE_PROXY_SSL_HEADER = None
    communicator, connected, _code = await connect(
        meeting.pk,
        origin=(b"origin", b"https://127.0.0.1:8111"),
        host=(b"host", b"127.0.0.1:8111"),
        extra=BEHIND_PROXY,
    )
    assert not connected
    await communicator.disconnect()


async def test_csrf_trusted_origins_are_accepted_exactly(meeting, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://conseil.example.org"]
    host = (b"host", b"127.0.0.1:8001")  # a proxy that passes its upstream's address
    for origin, accepted in (
        (b"https://conseil.example.org", True),
        (b"http://conseil.example.org", False),
        (b"https://conseil.example.org:8443", False),
        (b"https://www.conseil.example.org", False),
    ):
        communicator, connected, _code = await connect(
            meeting.pk, origin=(b"origin", origin), host=host
        )
        assert connected is accepted, origin
        await communicator.disconnect()


async def test_anyone_may_watch_the_public_audience(meeting):
    communicator, connected, _code = await connect(meeting.pk)
    assert connected
    await communicator.disconnect()


async def test_unknown_meeting_is_refused(meeting):
    _communicator, connected, code = await connect(meeting.pk + 1000)
    assert not connected
    assert code == 4404


@pytest.mark.parametrize("audience", ["members", "staff"])
async def test_an_anonymous_visitor_never_joins_an_inside_group(meeting, audience):
    _communicator, connected, code = await connect(meeting.pk, audience)
    assert not connected
    assert code == 4403


async def test_a_resident_is_refused_the_members_group(meeting, people):
    _communicator, connected, code = await connect(meeting.pk, "members", people.resident)
    assert not connected
    assert code == 4403


async def test_a_member_is_refused_the_staff_group_but_joins_the_members_one(meeting, people):
    member = people.members[0].user
    _c, connected, code = await connect(meeting.pk, "staff", member)
    assert not connected and code == 4403
    communicator, connected, _code = await connect(meeting.pk, "members", member)
    assert connected
    await communicator.disconnect()


@pytest.mark.parametrize("role", ["chair", "secretary"])
async def test_the_staff_audience_needs_a_session_that_passed_the_second_factor(
    meeting, people, settings, role
):
    settings.DEMO = False
    user = getattr(people, role).user
    await sync_to_async(give_totp)(user)
    # A session opened by the password alone: refused as staff (and as a member), and
    # watches as any visitor would.
    for audience in ("staff", "members"):
        _c, connected, code = await connect(meeting.pk, audience, user, second_factor=False)
        assert not connected and code == 4403, audience
    communicator, connected, _code = await connect(meeting.pk, "public", user, second_factor=False)
    assert connected
    await communicator.disconnect()
    communicator, connected, _code = await connect(meeting.pk, "staff", user)
    assert connected
    await communicator.disconnect()


async def test_a_staff_account_without_a_device_is_refused_the_staff_audience(meeting, people):
    _c, connected, code = await connect(meeting.pk, "staff", people.chair.user)
    assert not connected and code == 4403


async def test_pushes_reach_the_audience_and_the_users_own_group(meeting, people):
    member = people.members[0].user
    communicator, connected, _code = await connect(meeting.pk, "members", member)
    assert connected
    layer = get_channel_layer()
    await layer.group_send(
        events.audience_group(meeting.pk, "members"),
        {"type": events.PUSH_TYPE, "event": "x", "text": json.dumps({"fragments": {"a": "b"}})},
    )
    assert json.loads(await communicator.receive_from()) == {"fragments": {"a": "b"}}
    await layer.group_send(
        events.user_push_group(member.pk, "fr"),
        {"type": events.PUSH_TYPE, "event": "y", "text": json.dumps({"fragments": {"c": "d"}})},
    )
    assert json.loads(await communicator.receive_from()) == {"fragments": {"c": "d"}}
    # Another audience's push does not arrive.
    await layer.group_send(
        events.audience_group(meeting.pk, "staff"),
        {"type": events.PUSH_TYPE, "event": "z", "text": "{}"},
    )
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_what_a_client_sends_changes_nothing(meeting, people):
    member = people.members[0]
    communicator, connected, _code = await connect(meeting.pk, "members", member.user)
    assert connected
    forged = [
        {"type": "live.push", "text": "{}"},
        {"action": "set_attendance", "membership": member.pk, "status": "room"},
        {"type": "websocket.disconnect"},
    ]
    for message in forged:
        await communicator.send_json_to(message)
    await communicator.send_to(text_data="not json at all")
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert await communicator.receive_nothing(timeout=0.2)
    assert not await sync_to_async(Attendance.objects.filter(meeting=meeting).exists)()
    await communicator.disconnect()


async def test_sockets_of_one_audience_share_one_subscription_per_process(meeting, people):
    layer = get_channel_layer()
    group = events.audience_group(meeting.pk, "public")
    sockets = []
    for _ in range(3):
        communicator, connected, _code = await connect(meeting.pk, "public")
        assert connected
        sockets.append(communicator)
    # One member of the group for the whole process, whatever the number of sockets.
    assert len(layer.groups.get(group, {})) == 1
    await layer.group_send(
        group, {"type": events.PUSH_TYPE, "event": "x", "text": json.dumps({"n": 1})}
    )
    for communicator in sockets:
        assert json.loads(await communicator.receive_from()) == {"n": 1}
    # A socket that leaves no longer receives; the others still do.
    await sockets[0].disconnect()
    await layer.group_send(
        group, {"type": events.PUSH_TYPE, "event": "x", "text": json.dumps({"n": 2})}
    )
    for communicator in sockets[1:]:
        assert json.loads(await communicator.receive_from()) == {"n": 2}
    for communicator in sockets[1:]:
        await communicator.disconnect()
    # The last one out leaves the group.
    assert len(layer.groups.get(group, {})) == 0
