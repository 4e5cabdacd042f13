"""A database (or Redis) that is away answers 503 with its own page, not the 500 page."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from redis.exceptions import ConnectionError as RedisConnectionError

from council import urls as council_urls
from council.errors import RETRY_AFTER_SECONDS
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")


def _connection_closed(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def _wrapped(request: HttpRequest) -> HttpResponse:
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as error:
        raise RuntimeError("rendering failed") from error


def _redis_gone(request: HttpRequest) -> HttpResponse:
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _bug(request: HttpRequest) -> HttpResponse:
    raise ValueError("a plain bug")


urlpatterns = [
    path("database/", _database_gone),
    path("closed/", _connection_closed),
    path("wrapped/", _wrapped),
    path("redis/", _redis_gone),
    path("bug/", _bug),
]
# The project's own handler, as council/urls.py declares it.
handler500 = council_urls.handler500


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def _assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "<h1>Service momentanément indisponible</h1>" in text
    assert "Réessayez dans quelques secondes" in text
    assert '<html lang="fr">' in text


@pytest.mark.urls(__name__)
def test_a_lost_database_connection_answers_503_without_a_query(
    anonymous: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = anonymous.get("/database/")
    _assert_unavailable_page(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/closed/", "/wrapped/", "/redis/"])
def test_other_lost_connections_answer_503(anonymous: Client, url: str) -> None:
    _assert_unavailable_page(anonymous.get(url))


@pytest.mark.urls(__name__)
def test_any_other_error_keeps_the_500_page(anonymous: Client) -> None:
    response = anonymous.get("/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Le service rencontre un problème" in response.content.decode()


def test_a_signed_in_request_whose_session_cannot_be_read_answers_503() -> None:
    # The real URLconf and middleware: the session is read from the database before any
    # view runs, so the error comes from a middleware.
    client = Client(raise_request_exception=False)
    client.force_login(make_user("membre@example.org"))
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = client.get("/seances/")
    _assert_unavailable_page(response)
