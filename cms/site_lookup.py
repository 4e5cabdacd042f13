"""The site that answers a request, from Django's cache rather than a query per request.

Wagtail looks it up on every request (`Site.find_for_request`: one query for the sites
matching the host, or the default one, with their root page) and keeps it on the request
(`request._wagtail_site`). `find_for_request` puts it there from the cache first: for
Wagtail's pages before they are routed (`SiteLookupMiddleware`), for the other pages when
their frame needs it (cms.templatetags.site_tags); a request that needs no site (a vote,
`/healthz`) reads none. Sites change seldom, in the admin: the answer for each host is
kept in the cache (Redis in production, so every process sees the same), all hosts under
one key, and forgotten as soon as a site is saved or deleted or a page is moved (what is
kept of the root page: its place in the tree, its locale and translation key), then again
once that write has committed (a request that read the old rows meanwhile must not keep
them). Wagtail keeps its site root paths in the same cache, forgotten the same way.

Only hosts that passed ALLOWED_HOSTS get here (CommonMiddleware checked them): the key's size is
bounded by the configuration. A cache that does not answer is a 503 (council.errors), as
it is for Wagtail's own site root paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import post_page_move
from wagtail.views import serve

KEY = "wagtail-site-for-host"


def _lookup(hostname: str, port: int) -> Site | None:
    """Wagtail's own lookup, as `Site._find_for_request` makes it."""
    try:
        return get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None


def find_for_request(request: HttpRequest) -> Site | None:
    """`Site.find_for_request`, read from the cache."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = _site_for(request)  # type: ignore[attr-defined]
    site: Site | None = request._wagtail_site  # type: ignore[attr-defined]
    return site


def _site_for(request: HttpRequest) -> Site | None:
    # The host and port Wagtail reads (its raw host: the same once ALLOWED_HOSTS passed it).
    hostname = split_domain_port(request.get_host())[0]
    port = int(request.get_port())
    host = f"{hostname}:{port}"
    sites: dict[str, Site | None] = cache.get(KEY) or {}
    if host not in sites:
        sites = {**sites, host: _lookup(hostname, port)}
        cache.set(KEY, sites, timeout=None)
    return sites[host]


def _delete() -> None:
    cache.delete(KEY)


def forget(**_kwargs: Any) -> None:
    """Forget every host's site now and once the current transaction commits."""
    _delete()
    transaction.on_commit(_delete)


def connect() -> None:
    post_save.connect(forget, sender=Site, dispatch_uid="site_lookup.saved")
    post_delete.connect(forget, sender=Site, dispatch_uid="site_lookup.deleted")
    post_page_move.connect(forget, dispatch_uid="site_lookup.moved")


class SiteLookupMiddleware:
    """Hands Wagtail's page views their site from the cache, before they route."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], *_args: Any) -> None:
        if view is serve:
            find_for_request(request)
