"""What browser tests share: contexts with JavaScript on or off (Chromium itself starts as
tests/browser/chromium.py says), the axe audit, and the steps of common journeys.
Everything here runs in the browser thread (see tests/browser/conftest.py)."""

from __future__ import annotations

import weakref
from typing import Any

from cms.demo import DEMO_PASSWORD

ACTION_TIMEOUT_MS = 15_000

# WCAG 2.1 A and AA: what EN 301 549 (and so Belgian law for public bodies) requires.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright cannot tell whether a context runs JavaScript; remember it at creation.
_JS_DISABLED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def open_context(browser: Any, *, js_enabled: bool = True, base_url: str | None = None) -> Any:
    options: dict[str, Any] = {"java_script_enabled": js_enabled, "locale": "fr-BE"}
    if base_url:
        options["base_url"] = base_url
    context = browser.new_context(**options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    _JS_DISABLED[context] = not js_enabled
    return context


def js_disabled(page: Any) -> bool:
    return _JS_DISABLED.get(page.context, False)


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one readable line per
    rule: rule id, impact, what it asks, and the offending elements.

    In a context without JavaScript axe cannot run (its promises never settle), so the page's
    DOM as the no-JS visitor gets it is audited in a JavaScript context instead."""
    if js_disabled(page):
        return _axe_violations_of_static_dom(page)
    return _run_axe(page)


def _run_axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [_describe(violation) for violation in results.response["violations"]]


def _describe(violation: dict[str, Any]) -> str:
    nodes = violation.get("nodes", [])
    targets = ", ".join(" ".join(map(str, node.get("target", []))) for node in nodes[:5])
    if len(nodes) > 5:
        targets += f", … ({len(nodes)} elements)"
    snippet = nodes[0].get("html", "")[:160] if nodes else ""
    return (
        f"{violation['id']} [{violation.get('impact')}] {violation['help']} — {targets}"
        f" — {snippet} — {violation.get('helpUrl', '')}"
    )


# Runs through Playwright's evaluate, which works even where page scripts are disabled. With
# scripting off the parser builds <noscript> content as real elements: they become a <div>
# so the JavaScript context renders what the no-JS visitor sees, and <base> makes the page's
# relative stylesheet and link URLs resolve against the live server.
_STATIC_DOM = """(url) => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll("script").forEach((el) => el.remove());
  root.querySelectorAll("noscript").forEach((el) => {
    const div = document.createElement("div");
    while (el.firstChild) div.appendChild(el.firstChild);
    el.replaceWith(div);
  });
  const head = root.querySelector("head");
  const base = document.createElement("base");
  base.href = url;
  head.insertBefore(base, head.firstChild);
  root.querySelectorAll("base[href]").forEach((el) => { if (el !== base) el.remove(); });
  return "<!doctype html>" + root.outerHTML;
}"""


def _axe_violations_of_static_dom(page: Any) -> list[str]:
    html = page.evaluate(_STATIC_DOM, page.url)
    viewport = page.viewport_size
    context = page.context.browser.new_context(java_script_enabled=True, viewport=viewport)
    try:
        audit_page = context.new_page()
        audit_page.set_content(html, wait_until="load")
        return _run_axe(audit_page)
    finally:
        context.close()


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page, as the journeys of later features start."""
    page.goto("/accounts/login/")
    log_in(page, email, password)
    if "/accounts/login/" in page.url:
        raise AssertionError(f"{email} could not log in: {page.inner_text('main')[:500]}")


def log_in(page: Any, email: str, password: str) -> None:
    """Fill and submit the login form of the current page, as a keyboard or mouse user
    would (the button, not a scripted submit)."""
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("load")
