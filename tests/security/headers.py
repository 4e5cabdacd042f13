"""The headers every production response carries, checked in-process (tests/security) and
through nginx (tests/prod)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

# Pages of every kind: Wagtail pages, deliberation views, allauth, JSON, feeds, files, errors.
HEADER_PATHS = [
    "/",
    "/nl/",
    "/recherche/?q=conseil",
    "/recherche/?q=%3Cscript%3E",
    "/decisions/",
    "/decisions/?page=abc",
    "/decisions/export.csv",
    "/suivi/",
    "/suivi/?code=ZZZ-ZZZ",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/espace/",
    "/guichet/",
    "/seances/999999/direct/",
    "/flux/actualites.rss",
    "/oparl/v1.1/",
    "/oparl/v1.1/openapi.json",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/cette-page-n-existe-pas/",
]

EXPECTED = {
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def production_header_problems(
    get: Callable[[str], str | None], cookies: Iterable[tuple[str, bool]]
) -> list[str]:
    """What is missing or loose: `get` reads a header, `cookies` are (name, secure) pairs."""
    problems = []
    hsts = get("Strict-Transport-Security") or ""
    if "max-age=31536000" not in hsts or "includeSubDomains" not in hsts:
        problems.append(f"HSTS: {hsts!r}")
    policy = get("Content-Security-Policy") or ""
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        if directive not in policy:
            problems.append(f"CSP lacks {directive}: {policy!r}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"CSP allows inline code: {policy!r}")
    for header, value in EXPECTED.items():
        if get(header) != value:
            problems.append(f"{header}: {get(header)!r}")
    for name, secure in cookies:
        if not (secure and name.startswith("__Host-")):
            problems.append(f"cookie {name} not secure/__Host-")
    return problems
