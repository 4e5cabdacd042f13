"""What every page reads of the site, from Django's cache rather than queries per request:
the site that answers a host, and the pages of its frame.

Wagtail looks the site up on every request (`Site.find_for_request`: one query for the
sites matching the host, or the default one, with their root page) and keeps it on the
request (`request._wagtail_site`). `find_for_request` puts it there from the cache first:
for Wagtail's pages before they are routed (`SiteMiddleware`), for the other pages when
their frame needs it (cms.templatetags.site_tags); a request that shows no page (a vote,
`/healthz`) reads none. The frame around every page (the menu, the footer's pages, the
home page's translations) reads the same rows of the page tree on every page:
`frame_rows` keeps them per site.

Both change seldom, in the admin. Each is kept under one key (Redis in production, so
every process sees the same) and forgotten as soon as a site or a locale is saved or
deleted or a page is saved, moved or deleted (a publication, a withdrawal, a new
translation, a title), then again once that write has committed (a request that read the
old rows meanwhile must not keep them). Wagtail keeps its site root paths in the same
cache, forgotten the same way. A process's local memory (the embedded default) is not
another's: there, a command run beside the server (`publish_scheduled`) is seen by the
server when the entries expire, after PAGE_CACHE_TIMEOUT as the page cache's own.

Only hosts that passed ALLOWED_HOSTS get here (CommonMiddleware checked them): the key's
size is bounded by the configuration. A cache that does not answer is a 503
(council.errors), as it is for Wagtail's own site root paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Locale, Page, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import post_page_move
from wagtail.views import serve

from cms import page_cache

SITES_KEY = "site-cache:sites"
FRAMES_KEY = "site-cache:frames"
# The pages every page's footer links to, read with the rest of the frame.
FOOTER_SLUGS = ("accessibilite", "contact")


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
    return _kept(SITES_KEY, f"{hostname}:{port}", lambda: _lookup(hostname, port))


def frame_rows(site: Site) -> list[Page]:
    """The site's home page in every language, the pages of its menus in every language,
    and the footer's pages with their translations, in tree order, each with its locale."""

    def read() -> list[Page]:
        root = site.root_page
        footer = Page.objects.in_site(site).filter(slug__in=FOOTER_SLUGS)
        wanted = (
            Q(translation_key=root.translation_key)
            | Q(depth=root.depth + 1, live=True, show_in_menus=True)
            | Q(translation_key__in=footer.values("translation_key"))
        )
        return list(Page.objects.filter(wanted).select_related("locale").order_by("path"))

    rows: list[Page] = _kept(FRAMES_KEY, site.pk, read)
    return rows


def _kept(key: str, entry: Any, read: Callable[[], Any]) -> Any:
    """One entry of the dictionary kept under `key`, read and kept if missing."""
    entries: dict[Any, Any] = cache.get(key) or {}
    if entry not in entries:
        entries = {**entries, entry: read()}
        cache.set(key, entries, timeout=page_cache.timeout())
    return entries[entry]


def _delete() -> None:
    cache.delete_many([SITES_KEY, FRAMES_KEY])


def forget(**_kwargs: Any) -> None:
    """Forget every host's site and every site's frame, now and once the current
    transaction commits."""
    _delete()
    transaction.on_commit(_delete)


def _on_page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        forget()


def connect() -> None:
    post_save.connect(forget, sender=Site, dispatch_uid="site_cache.site_saved")
    post_delete.connect(forget, sender=Site, dispatch_uid="site_cache.site_deleted")
    post_save.connect(forget, sender=Locale, dispatch_uid="site_cache.locale_saved")
    post_delete.connect(forget, sender=Locale, dispatch_uid="site_cache.locale_deleted")
    post_save.connect(_on_page_changed, dispatch_uid="site_cache.page_saved")
    post_delete.connect(_on_page_changed, dispatch_uid="site_cache.page_deleted")
    post_page_move.connect(forget, dispatch_uid="site_cache.page_moved")


class SiteMiddleware:
    """Hands Wagtail's page views their site from the cache, before they route."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], *_args: Any) -> None:
        if view is serve:
            find_for_request(request)
