"""Browser tests: a live daphne server on the test database, driven by Debian's Chromium
through Playwright's sync API.

Two constraints shape this harness:

* The server is a separate process, so it only sees committed rows: browser tests are
  transactional (pytest-django flushes the database after each one and runs them after the
  non-transactional tests). Each test first gets back the rows the migrations created (the
  Wagtail root page and default Site) through a serialized rollback, then seeds what it needs.
* Playwright's sync API keeps an asyncio loop running in the thread that started it, and
  Django refuses ORM calls in such a thread (SynchronousOnlyOperation), including the flush
  that ends a transactional test. So Chromium lives in a thread of its own for the whole
  session, and the body of every test that uses it runs in that thread, while fixtures (the
  seeding) and pytest-django's teardown keep the main thread. A test body therefore never
  touches the ORM nor calls async_to_sync directly: it prepares its data in fixtures, and
  hands ORM work to the main thread with the `on_main_thread` fixture.

The server is another process: with the default in-memory channel layer, an event sent by
an action run in the test process does not reach its WebSocket clients. Trigger actions
through the browser (the server runs them), or run with REDIS_URL.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from queue import SimpleQueue
from typing import Any

import pytest
from django.core.management import call_command

from tests.browser.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.browser.helpers import open_context
from tests.browser.server import Daphne, start_daphne
from tests.browser.sms_gateway import FakeSmsGateway

Job = tuple[Callable[[], Any], Future[Any]]


def _execute(job: Job) -> None:
    function, future = job
    if future.set_running_or_notify_cancel():
        try:
            future.set_result(function())
        except BaseException as exc:
            future.set_exception(exc)


class BrowserThread:
    """One long-lived thread owning Playwright and Chromium; work is handed to it.

    While the main thread waits for a job, it runs the ORM work the job hands back to it
    (see `on_main_thread`)."""

    def __init__(self) -> None:
        self._jobs: SimpleQueue[Job | None] = SimpleQueue()
        self._main_jobs: SimpleQueue[Job | None] = SimpleQueue()
        # A daemon thread: a test stuck in the browser must not keep pytest from exiting.
        self._thread = threading.Thread(target=self._serve, name="playwright", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            _execute(job)

    def run(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run function in the browser thread, from the main thread, and return its result."""
        future: Future[Any] = Future()
        future.add_done_callback(lambda _: self._main_jobs.put(None))
        self._jobs.put((lambda: function(*args, **kwargs), future))
        while (job := self._main_jobs.get()) is not None:
            _execute(job)
        return future.result()

    def on_main_thread(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run function in the main thread, where the ORM works, and return its result."""
        if threading.current_thread() is not self._thread:
            return function(*args, **kwargs)
        future: Future[Any] = Future()
        self._main_jobs.put((lambda: function(*args, **kwargs), future))
        return future.result()

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if "browser_thread" not in pyfuncitem.fixturenames:
        return None
    thread: BrowserThread = pyfuncitem.funcargs["browser_thread"]  # type: ignore[assignment]
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    thread.run(pyfuncitem.obj, **arguments)
    return True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser_thread" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


_LOG_OFFSET = pytest.StashKey[tuple["Daphne", int]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    # A failing browser test shows what the server logged meanwhile (a traceback, often).
    if report.failed and _LOG_OFFSET in item.stash:
        server, offset = item.stash[_LOG_OFFSET]
        if logged := server.log()[offset:][-20_000:]:
            report.sections.append(("daphne log", logged))
    return report


@pytest.fixture(scope="session")
def sms_gateway() -> Iterator[FakeSmsGateway]:
    """The fake SMS gateway the live server posts to; started before it (its settings are
    read at startup). A test that looks at what it received clears it first."""
    gateway = FakeSmsGateway()
    yield gateway
    gateway.close()


@pytest.fixture(scope="session")
def live_asgi_server(
    django_db_setup, tmp_path_factory, sms_gateway: FakeSmsGateway
) -> Iterator[Daphne]:
    """daphne serving council.asgi:application (static files through whitenoise)."""
    server = start_daphne(
        tmp_path_factory.mktemp("daphne"),
        DEMO="1",
        SMS_GATEWAY_URL=sms_gateway.url,
        SMS_GATEWAY_TOKEN=sms_gateway.token,
    )
    try:
        yield server
    finally:
        server.stop()


def _serialized_contents() -> dict[str, str]:
    from django.db import connections

    return {
        connection.alias: connection._test_serialized_contents  # type: ignore[attr-defined]
        for connection in connections.all()
        if getattr(connection, "_test_serialized_contents", None)
    }


def _restore_content_types(alias: str, data: str) -> None:
    """Put the content types back first, with their ids. Deserialising other rows looks
    content types up by model: after a flush, with the lookup cache cold (another
    transactional test's flush cleared it), that lookup would create a row of its own and
    the serialized row with the same model would then collide with it."""
    from django.contrib.contenttypes.models import ContentType

    rows = [r for r in json.loads(data) if r["model"] == "contenttypes.contenttype"]
    ContentType.objects.using(alias).bulk_create(
        ContentType(pk=r["pk"], **r["fields"]) for r in rows
    )
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _database_as_migrated(request, django_db_blocker) -> Iterator[None]:
    """Start and leave each transactional browser test with the rows the migrations created.

    Django's serialized rollback reloads them (Wagtail's root page and default Site, content
    types, permissions, groups) at the start of the test, but into tables it assumes empty,
    while another transactional test's flush may have left content types and permissions
    behind; and it leaves the database empty at the end, while later transactional tests
    expect those rows like any test. Being autouse, this fixture is set up before the
    database fixtures and torn down after their flush."""
    from django.db import connections

    contents = _serialized_contents()
    names = request.fixturenames
    if not ("transactional_db" in names and "django_db_serialized_rollback" in names):
        yield
        return
    if contents:
        with django_db_blocker.unblock():
            for alias in contents:
                # Sequences keep running: the reloaded rows carry their own ids, and on
                # PostgreSQL a reset sequence would hand those ids out again.
                call_command(
                    "flush", database=alias, interactive=False, inhibit_post_migrate=True,
                    reset_sequences=False, verbosity=0,
                )  # fmt: skip
                _restore_content_types(alias, contents[alias])
    yield
    if contents:
        with django_db_blocker.unblock():
            for alias, data in contents.items():
                connections[alias].creation.deserialize_db_from_string(data)


@pytest.fixture
def live_server_url(
    request, live_asgi_server: Daphne, transactional_db, django_db_serialized_rollback
) -> str:
    """The live server's base URL, for a test whose data is committed for the server to see.
    Fixtures that seed data depend on this one, so that they run inside the transactional
    test."""
    shutil.rmtree(live_asgi_server.cache_dir, ignore_errors=True)
    request.node.stash[_LOG_OFFSET] = (live_asgi_server, len(live_asgi_server.log()))
    return live_asgi_server.url


@pytest.fixture
def fast_password_hasher(settings) -> None:
    # The server settings accept MD5 hashes; see tests/browser/server_settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_site_live(live_server_url: str, fast_password_hasher) -> str:
    """The demo's site tree and people, committed, behind the live server; its URL."""
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    return live_server_url


@pytest.fixture(scope="session")
def browser_thread() -> Iterator[BrowserThread]:
    thread = BrowserThread()
    yield thread
    thread.stop()


@pytest.fixture(scope="session")
def browser(browser_thread: BrowserThread) -> Iterator[Any]:
    """One Chromium for the whole session, owned by the browser thread."""
    if not os.access(CHROMIUM_PATH, os.X_OK):
        pytest.fail(f"{CHROMIUM_PATH} is missing: `make chromium` installs Debian's Chromium.")

    def launch() -> tuple[Any, Any]:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        return playwright, playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )

    playwright, chromium = browser_thread.run(launch)
    yield chromium

    def shut_down() -> None:
        chromium.close()
        playwright.stop()

    browser_thread.run(shut_down)


@pytest.fixture
def on_main_thread(browser_thread: BrowserThread) -> Callable[..., Any]:
    """`on_main_thread(function, *args)` runs ORM work from a browser test's body (which
    runs in the browser thread) in the main thread, inside the test's database, e.g. to
    check what a form submitted in the browser has stored."""
    return browser_thread.on_main_thread


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js_enabled(request) -> bool:
    """Every page must work with JavaScript on and off; override with
    `@pytest.mark.parametrize("js_enabled", [True])` when only one state matters."""
    return bool(request.param)


@pytest.fixture
def page(browser, browser_thread: BrowserThread, js_enabled: bool, live_server_url: str):
    """A fresh page in a fresh context (no cookies) whose relative URLs hit the live server."""
    context = browser_thread.run(
        open_context, browser, js_enabled=js_enabled, base_url=live_server_url
    )
    page = browser_thread.run(context.new_page)
    yield page
    browser_thread.run(context.close)
