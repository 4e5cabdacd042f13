"""The production headers on every kind of response, as a browser receives them: through
nginx, over TLS, from Django and from nginx itself (static files, media, redirects)."""

from __future__ import annotations

import asyncio
import http.client
import re
import urllib.parse

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.prod.client import Client, Response, login
from tests.prod.topology import Running
from tests.security.headers import HEADER_PATHS, production_header_problems


def problems(response: Response, label: str) -> list[str]:
    found = production_header_problems(response.headers.get, response.set_cookies())
    return [f"{label} ({response.status}): {problem}" for problem in found]


def first_meeting(prod: Running) -> int:
    code = "from deliberation.models import Meeting\nprint(Meeting.objects.order_by('pk')[0].pk)"
    return int(prod.python(code).strip())


def test_every_kind_of_response_through_nginx_carries_the_headers(prod: Running) -> None:
    client = Client(prod)
    found: list[str] = []
    statuses: set[int] = set()

    def check(
        method: str, path: str, data: dict[str, str] | None = None, by: Client | None = None
    ) -> Response:
        response = (by or client).request(method, path, form=data)
        statuses.add(response.status)
        found.extend(problems(response, f"{method} {path}"))
        return response

    for path in HEADER_PATHS:
        check("GET", path)
    live = check("GET", f"/seances/{first_meeting(prod)}/direct/")
    assert live.status == 200
    # Static files and media, which nginx serves itself, and what it answers when missing.
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', live.text))
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        response = check("GET", asset)
        assert response.status == 200, asset
    check("GET", "/static/absent.css")
    check("GET", "/media/absent.pdf")
    # A POST without its token, refused; a member's own pages and the session cookie.
    refused = check("POST", "/suivi/", {"code": "ABC-DEF"}, by=Client(prod))
    assert refused.status == 403
    client = login(prod, "membre1@example.org")
    assert client.cookies.get("__Host-sessionid")
    check("GET", "/espace/")
    assert found == []
    assert {200, 302, 403, 404} <= statuses, statuses


def test_plain_http_is_redirected_to_the_same_page_over_https(prod: Running) -> None:
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
    prod: Running, origin: str, accepted: bool
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
