"""The production headers on every kind of response, as a browser receives them: through
nginx, over TLS, from Django and from nginx itself (static files, media, redirects)."""

from __future__ import annotations

import asyncio
import http.client
import re
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.prod.conftest import Prod
from tests.security.headers import HEADER_PATHS, production_header_problems

PASSWORD = "conseil-ouvert-demo"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookies(self) -> list[tuple[str, bool]]:
        found = []
        for line in self.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(line)
            found += [(morsel.key, bool(morsel["secure"])) for morsel in cookie.values()]
        return found

    def problems(self, label: str) -> list[str]:
        found = production_header_problems(self.headers.get, self.cookies())
        return [f"{label} ({self.status}): {problem}" for problem in found]


@dataclass
class Client:
    """A browser's view: one TLS connection per request, cookies kept, no redirect followed."""

    prod: Prod
    jar: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Response:
        host = urllib.parse.urlsplit(self.prod.url)
        connection = http.client.HTTPSConnection(
            host.hostname or "127.0.0.1", host.port, context=self.prod.ssl, timeout=30
        )
        headers = {"Accept-Language": "fr", "Referer": self.prod.url + path}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.prod.url
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(line)
            for morsel in cookie.values():
                self.jar[morsel.key] = morsel.value
        return response

    def log_in(self, email: str) -> None:
        self.request("GET", "/accounts/login/")
        token = self.jar["__Host-csrftoken"]
        response = self.request(
            "POST",
            "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert response.status == 302, response.body[:500]


def first_meeting(prod: Prod) -> int:
    code = "from deliberation.models import Meeting\nprint(Meeting.objects.order_by('pk')[0].pk)"
    return int(prod.python(code).strip())


def test_every_kind_of_response_through_nginx_carries_the_headers(prod: Prod) -> None:
    client = Client(prod)
    problems: list[str] = []
    statuses: set[int] = set()

    def check(method: str, path: str, data: dict[str, str] | None = None) -> Response:
        response = client.request(method, path, data)
        statuses.add(response.status)
        problems.extend(response.problems(f"{method} {path}"))
        return response

    for path in HEADER_PATHS:
        check("GET", path)
    live = check("GET", f"/seances/{first_meeting(prod)}/direct/")
    assert live.status == 200
    # Static files and media, which nginx serves itself, and what it answers when missing.
    assets = set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', live.body))
    assert any(a.endswith(b".css") for a in assets) and any(a.endswith(b".js") for a in assets)
    for asset in assets:
        response = check("GET", asset.decode())
        assert response.status == 200, asset
    check("GET", "/static/absent.css")
    check("GET", "/media/absent.pdf")
    # A POST without its token, refused; a member's own pages and the session cookie.
    check("POST", "/suivi/", {"code": "ABC-DEF"})
    client.log_in("membre1@example.org")
    assert client.jar.get("__Host-sessionid")
    check("GET", "/espace/")
    assert problems == []
    assert {200, 302, 403, 404} <= statuses, statuses


def test_plain_http_is_redirected_to_the_same_page_over_https(prod: Prod) -> None:
    parts = urllib.parse.urlsplit(prod.state["http_url"])
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("GET", "/decisions/?q=guichet")
        response = connection.getresponse()
    finally:
        connection.close()
    assert response.status == 301
    assert response.headers["Location"] == prod.url + "/decisions/?q=guichet"


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [("{url}", True), ("https://evil.example", False), ("https://127.0.0.1.evil.example", False)],
)
def test_the_live_socket_through_nginx_checks_the_origin(
    prod: Prod, origin: str, accepted: bool
) -> None:
    """Cross-site WebSocket hijacking: a page of another origin cannot open the socket, even
    through the proxy (which passes the Origin header on untouched)."""
    url = prod.url.replace("https", "wss", 1) + f"/ws/meetings/{first_meeting(prod)}/"

    async def attempt() -> bool:
        try:
            async with connect(
                url, origin=Origin(origin.format(url=prod.url)), ssl=prod.ssl, open_timeout=30
            ):
                return True
        except InvalidStatus as refused:
            assert refused.response.status_code == 403
            return False

    assert asyncio.run(attempt()) is accepted
