"""HTTP as a person's browser speaks it to the production topology: cookies kept, no
redirect followed, through nginx (HTTPS) or straight to one daphne process."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.prod.topology import Running

PASSWORD = "conseil-ouvert-demo"  # the demo accounts'


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def set_cookies(self) -> list[tuple[str, bool]]:
        """The cookies this response sets: (name, has the Secure flag)."""
        found = []
        for header in self.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            found += [(name, bool(morsel["secure"])) for name, morsel in cookie.items()]
        return found


class Client:
    """One person's cookies; requests go through nginx (HTTPS) or, with `port`, straight to
    one daphne process with the headers nginx adds (daphne runs with --proxy-headers)."""

    def __init__(self, prod: Running) -> None:
        self.prod = prod
        self.origin = prod.url
        self.netloc = urlsplit(prod.url).netloc
        self.cookies: dict[str, str] = {}

    @property
    def csrf(self) -> str:
        return next((v for k, v in self.cookies.items() if k.endswith("csrftoken")), "")

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        port: int | None = None,
        timeout: float = 15,
    ) -> Response:
        headers = {"Host": self.netloc, "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.csrf}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection: http.client.HTTPConnection
        if port is None:
            split = urlsplit(self.origin)
            connection = http.client.HTTPSConnection(
                split.hostname or "127.0.0.1", split.port, context=self.prod.ssl, timeout=timeout
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            headers["X-Forwarded-Proto"] = "https"
            headers["X-Forwarded-For"] = "127.0.0.1"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers, text)


# The machine's PostgreSQL is shared: when other work holds all its connections, a request
# gets the 503 page (Retry-After) and is tried again, as its Retry-After invites.
BUSY_RETRY_SECONDS = 60


def login(prod: Running, email: str) -> Client:
    client = Client(prod)
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        if client.request("GET", "/accounts/login/").status == 200:
            response = client.request(
                "POST", "/accounts/login/", form={"login": email, "password": PASSWORD}
            )
            if response.status == 302:
                return client
            assert response.status == 503, f"{email} could not log in: {response.status}"
        assert time.monotonic() < deadline, f"{email} could not log in: service unavailable"
        time.sleep(0.5)  # pacing the retries
