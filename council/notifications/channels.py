"""Delivery channels behind one small interface: `send(delivery, links)` or DeliveryError.

A channel only moves bytes; what a message says is decided when the Delivery is created, and
retries are the task's business (council.notifications.tasks).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from council.notifications.models import Delivery, NotificationChannel

SMS_MAX = 160
GATEWAY_TIMEOUT = 10


class DeliveryError(Exception):
    """The channel could not hand the message over; the text is recorded on the Delivery."""


@dataclass(frozen=True)
class Links:
    """Absolute URLs for one delivery: the page it is about, the short landing page (text
    messages) and the unsubscribe page, which works without logging in."""

    page: str
    short: str
    unsubscribe: str


class Sender(Protocol):
    name: str

    def send(self, delivery: Delivery, links: Links) -> None: ...


class EmailSender:
    name: str = NotificationChannel.EMAIL.value

    def send(self, delivery: Delivery, links: Links) -> None:
        message = EmailMessage(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + delivery.subject,
            body=render_to_string(
                "council/email/notification.txt", {"delivery": delivery, "links": links}
            ),
            to=[delivery.recipient],
            headers={
                # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe.
                "List-Unsubscribe": f"<{links.unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        try:
            message.send()
        except Exception as error:  # SMTP, DNS, TLS: all mean "not handed over"
            raise DeliveryError(f"{type(error).__name__}: {error}") from error


def sms_text(text: str, link: str) -> str:
    """The text cut to fit one SMS with its link: at most SMS_MAX characters."""
    room = SMS_MAX - len(link) - 1
    if room < 20:
        raise ValueError("link too long for a text message")
    text = " ".join(text.split())
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return f"{text} {link}"


class SmsSender:
    """An HTTP gateway: POST {"to", "message"} as JSON with a bearer token; 2xx means taken."""

    name: str = NotificationChannel.SMS.value

    def send(self, delivery: Delivery, links: Links) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url.startswith(("https://", "http://")):
            raise DeliveryError("SMS_GATEWAY_URL is not set to an http(s) URL")
        payload = json.dumps(
            {"to": delivery.recipient, "message": sms_text(delivery.body, links.short)}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 — scheme checked above
            url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"gateway answered HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"gateway unreachable: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryError(f"gateway answered HTTP {status}")


CHANNELS: dict[str, Sender] = {"email": EmailSender(), "sms": SmsSender()}


def get_channel(name: str) -> Sender:
    return CHANNELS[name]
