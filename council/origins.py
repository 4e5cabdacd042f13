"""The live socket's Origin check: only a page of this site may open it.

Channels' `AllowedHostsOriginValidator` compares the Origin's host with `ALLOWED_HOSTS` and
ignores its scheme and port, so a page on `https://127.0.0.1:8111` or `http://127.0.0.1:9999`
could open the socket of a site served on `http://127.0.0.1:8111`. Here the Origin must be
the site's own origin — scheme, host and port — as Django's CSRF check builds it for a POST:
the request's Host (which must be in `ALLOWED_HOSTS`), and the scheme the server sees, which
is `https` behind the proxy only if the settings trust the proxy's header
(`SECURE_PROXY_SSL_HEADER`, production). Origins listed in `CSRF_TRUSTED_ORIGINS` are
accepted too, exactly. A missing, `null`, repeated or malformed Origin is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """`(scheme, host, port)` of a serialised origin, the port made explicit; None for
    anything that is not one (`null`, a path, a user name, another scheme, a bad port)."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    """The header's value; None when it is absent or sent more than once."""
    values = [value for key, value in scope.get("headers", []) if key.lower() == name]
    return values[0].decode("latin1") if len(values) == 1 else None


def _scheme(scope: dict[str, Any]) -> str:
    # As HttpRequest.is_secure(): the proxy's header counts only when the settings name it.
    if settings.SECURE_PROXY_SSL_HEADER:
        meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        name = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        forwarded = _header(scope, name)
        if forwarded is not None:
            return "https" if forwarded.split(",", 1)[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def _allowed_hosts() -> list[str]:
    # As HttpRequest.get_host().
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return hosts


def site_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin of the site this socket was opened on, or None if its Host is missing or
    not one of `ALLOWED_HOSTS` (a rebound DNS name, a forged Host)."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    return parse_origin(f"{_scheme(scope)}://{host}")


def trusted_origins() -> set[Origin]:
    return {
        origin
        for origin in (parse_origin(value) for value in settings.CSRF_TRUSTED_ORIGINS)
        if origin is not None
    }


def is_same_origin(scope: dict[str, Any]) -> bool:
    raw = _header(scope, b"origin")
    origin = parse_origin(raw) if raw else None
    if origin is None:
        return False
    own = site_origin(scope)
    return (own is not None and origin == own) or origin in trusted_origins()


class SameOriginValidator:
    """ASGI middleware around the WebSocket router: a handshake from another origin is
    refused (HTTP 403) before any consumer runs."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and is_same_origin(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
