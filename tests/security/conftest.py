"""The security tests reuse the browser harness of tests/browser/ (live daphne server,
Chromium in its own thread) for the XSS corpus; its fixtures and hooks are imported here so
that they apply to this folder too."""

from tests.browser.conftest import (  # noqa: F401
    _database_as_migrated,
    browser,
    browser_thread,
    fast_password_hasher,
    live_asgi_server,
    live_server_url,
    on_main_thread,
    pytest_collection_modifyitems,
    pytest_pyfunc_call,
    pytest_runtest_makereport,
    sms_gateway,
)
