"""Helpers shared by the account, MFA and invitation tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import PASSWORD


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now, computed by allauth's own HOTP helper."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def give_totp(user) -> str:
    """Set up a TOTP authenticator the way allauth stores it; return the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


class _Outline(HTMLParser):
    """Counts what the accessibility checks ask about: headings, inline code, labels."""

    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.inline_scripts = 0
        self.style_attrs = 0
        self.style_elements = 0
        self.inputs: list[dict[str, str | None]] = []
        self.label_fors: set[str] = set()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "h1":
            self.h1 += 1
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if "style" in a:
            self.style_attrs += 1
        if any(k.startswith("on") for k in a):
            self.inline_scripts += 1
        if tag == "label" and a.get("for"):
            self.label_fors.add(a["for"] or "")
        if tag in {"input", "select", "textarea"} and a.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.inputs.append(a)


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser
