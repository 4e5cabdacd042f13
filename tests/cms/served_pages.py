"""The HTML the platform serves, gathered from the demo with Django's test client: every
sitemap page in each language, the views beside the Wagtail pages, the live pages, the
consoles and member pages as the roles that use them, and the forms in their error states.
Wagtail's admin is left out: its templates are Wagtail's."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from council.models import User
from deliberation.models import Contribution, Meeting
from deliberation.selectors.consultations import public_consultations

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@dataclass
class ServedPage:
    label: str  # what was asked, as "GET /path/ (who)"
    status: int
    html: str


def sitemap_paths(client: Client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    # Our own sitemap, read back in a test.
    root = ET.fromstring(response.content)  # noqa: S314
    return [urlparse(loc.text or "").path for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def _client_as(email: str | None) -> Client:
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _get(client: Client, path: str, who: str = "public", **data: str) -> ServedPage:
    response = client.get(path, data)
    return ServedPage(f"GET {path} ({who})", response.status_code, response.content.decode())


def _post(client: Client, path: str, data: dict[str, str], who: str = "public") -> ServedPage:
    response = client.post(path, data)
    return ServedPage(f"POST {path} ({who})", response.status_code, response.content.decode())


def public_pages() -> Iterator[ServedPage]:
    client = Client()
    paths = sitemap_paths(client)
    for path in paths:
        yield _get(client, path)
    # The views beside the Wagtail pages, in the other interface languages too.
    for prefix in ("/nl", "/en"):
        for path in ("/decisions/", "/consultations/", "/suivi-des-recommandations/"):
            yield _get(client, prefix + path)
    yield _get(client, "/en/")
    yield _get(client, "/recherche/", q="numérique")
    yield _get(client, "/recherche/", q="zzzz-introuvable")
    yield _get(client, "/suivi/")
    yield _get(client, "/notifications/")
    yield _get(client, "/connexion-courrier/")
    yield _get(client, "/accounts/login/")
    yield _get(client, "/page-qui-n-existe-pas/")
    for meeting in Meeting.objects.exclude(state=Meeting.State.DRAFT):
        yield _get(client, f"/seances/{meeting.pk}/direct/")
        yield _get(client, f"/seances/{meeting.pk}/ecran/")
    # Each seated member's public record, linked from the council page.
    council_page = client.get("/conseil/").content.decode()
    for path in sorted(set(re.findall(r'href="(/conseil/membres/[^"]+)"', council_page))):
        yield _get(client, path)
        item = meeting.agenda_items.filter(is_public=True).first()
        if item is not None:
            yield _get(client, f"/points/{item.pk}/contributions/")


def error_pages() -> Iterator[ServedPage]:
    """The error pages a proxy or a handler serves, rendered as they would be."""
    request = RequestFactory().get("/")
    for name in ("403.html", "404.html", "429.html", "500.html", "503.html"):
        html = render_to_string(name, {"request_path": "/"}, request=request)
        yield ServedPage(f"template {name}", 200, html)


def forms_in_error() -> Iterator[ServedPage]:
    client = Client()
    yield _post(client, "/accounts/login/", {"login": "personne@example.org", "password": "x"})
    yield _post(client, "/notifications/", {"email": "pas-une-adresse"})
    yield _get(client, "/suivi/", code="")
    yield _get(client, "/suivi/", code="ZZZZ-0000")
    yield _post(client, "/connexion-courrier/", {"code": "faux"})
    resident = _client_as("habitant@example.org")
    for consultation in public_consultations():
        path = f"/consultations/{consultation.pk}/commenter/"
        yield _post(resident, path, {"body": ""}, who="habitant")
    mediator = _client_as("guichet@example.org")
    yield _post(mediator, "/guichet/", {"body": ""}, who="guichet")
    secretary = _client_as("secretariat@example.org")
    yield _post(secretary, "/espace/inviter/", {"email": "pas-une-adresse"}, who="secrétariat")
    yield _post(secretary, "/espace/compte-sans-email/", {}, who="secrétariat")


def member_pages() -> Iterator[ServedPage]:
    meetings = list(Meeting.objects.exclude(state=Meeting.State.DRAFT))
    roles = {
        "président": "president@example.org",
        "secrétariat": "secretariat@example.org",
        "membre": "membre2@example.org",
        "guichet": "guichet@example.org",
        "habitant": "habitant@example.org",
    }
    for who, email in roles.items():
        client = _client_as(email)
        for path in ("/espace/", "/espace/mes-donnees/", "/espace/notifications/"):
            yield _get(client, path, who)
        if who == "guichet":
            yield _get(client, "/guichet/", who)
            for contribution in Contribution.objects.all()[:1]:
                yield _get(client, f"/guichet/recu/{contribution.receipt_code}/", who)
        if who == "président":
            # The second factor's set-up (after the password is asked again), where a
            # chair is sent outside the demo.
            response = client.get(reverse("mfa_activate_totp"), follow=True)
            yield ServedPage(
                f"GET {response.request['PATH_INFO']} ({who})",
                response.status_code,
                response.content.decode(),
            )
        if who == "secrétariat":
            yield _get(client, "/espace/inviter/", who)
            yield _get(client, "/espace/compte-sans-email/", who)
        for meeting in meetings:
            yield _get(client, f"/seances/{meeting.pk}/direct/", who)
            if who == "membre":
                yield _get(client, f"/seances/{meeting.pk}/salle/", who)
            if who == "président":
                yield _get(client, f"/seances/{meeting.pk}/presidence/", who)
            if who == "secrétariat":
                yield _get(client, f"/seances/{meeting.pk}/secretariat/", who)
                if meeting.state == Meeting.State.CLOSED:
                    path = f"/seances/{meeting.pk}/enregistrement/"
                    yield _get(client, path, who)
                    yield _post(
                        client,
                        path,
                        {"url": "https://video.example.org/v/1", "started_at": ""},
                        who,
                    )
        for consultation in public_consultations():
            yield _get(client, f"/consultations/{consultation.pk}/", who)


CONSOLE_USERS = {
    "room": "membre2@example.org",
    "chair": "president@example.org",
    "secretariat": "secretariat@example.org",
}
CONSOLE_PATHS = {"room": "salle", "chair": "presidence", "secretariat": "secretariat"}


def console_forms_in_error() -> Iterator[ServedPage]:
    """Each form of the live consoles posted with input it refuses (a missing or wrong
    field, or a state where it cannot apply), on the next meeting: the page comes back
    with status 400 and the form's errors. A form that accepts empty input redirects and is
    left out (its error state is the message shown after the redirect, on a page above)."""
    from deliberation.web.meetings import ACTIONS

    live_states = [Meeting.State.IN_SESSION, Meeting.State.CONVENED]
    meeting = Meeting.objects.filter(state__in=live_states).order_by("start").first()
    assert meeting is not None, "the demo has a meeting convened or in session"
    for page_name, email in CONSOLE_USERS.items():
        client = _client_as(email)
        path = f"/seances/{meeting.pk}/{CONSOLE_PATHS[page_name]}/"
        for slug, action in ACTIONS.items():
            if page_name not in action.pages or (action.form is None and not action.id_field):
                continue
            data = {action.id_field: "pas-un-nombre"} if action.id_field else {}
            served = _post(client, f"{path}?do={slug}", data, who=page_name)
            if served.status != 302:
                yield served


def served_pages() -> list[ServedPage]:
    return [
        *public_pages(),
        *error_pages(),
        *forms_in_error(),
        *member_pages(),
        *console_forms_in_error(),
    ]
