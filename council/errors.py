"""The server-error handler: a backing service that is away for a moment is a 503.

When PostgreSQL restarts (or Redis, which holds the cache), a request fails with a
connection error that says nothing about the request itself. The visitor then gets a 503
page saying so, with Retry-After, instead of the 500 page; every other error keeps the 500
page. The 503 page is rendered from its template alone: no context processor, no request
user, no query, since the database may be the service that is away.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Seconds: a database restart takes a few; a visitor reloading sooner is harmless.
RETRY_AFTER_SECONDS = 10

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)


def is_service_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, is a lost connection to a service."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: Django calls it while handling the exception, so sys.exc_info() has it."""
    if is_service_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)
