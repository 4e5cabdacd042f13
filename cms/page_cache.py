"""Public pages for readers who are not logged in, served from Django's cache framework.

A page is stored only for a request that carries no session (no cookie but the CSRF and
language ones, no Authorization header), answered 200 without setting a cookie and without
using a CSRF token (a page holding a form with a token is never stored), and only for the
URLs named below. The cache key is Django's own (`get_cache_key` / `learn_cache_key`: the
full URL, so each language prefix is its own entry, and the headers the page varies on);
its key prefix holds the version of every dependency group the page reads. An action that
changes what a group shows increments that group's version: the next read misses and
renders afresh. Nothing is ever flushed wholesale, nothing is served stale.

The dependency map (the one place that says what depends on what):

  group               read by                                  bumped by
  ------------------  ---------------------------------------  ------------------------------
  site                every cached page (menus, footer,        contact settings saved; a site
                      language switcher)                       saved or deleted; a page moved
                                                               or deleted; a page shown in
                                                               menus published/unpublished
  page:<translation>  the Wagtail page in every language       that page or one of its
                      (one translation_key for all locales)    descendants published,
                                                               unpublished (scheduled or not)
  pages               the non-Wagtail public pages (they link  any page published,
                      to recommendations and minutes)          unpublished, moved, deleted
  meeting:<id>        the meeting's pages (MeetingPage,        every event of that meeting
                      MinutesPage)                             (deliberation.events); a save
                                                               of the meeting, an item, a
                                                               decision of it
  deliberation        home, indexes, recommendations, council  a meeting saved, opened,
                      pages, /decisions/, follow-up,           closed; its agenda; an item
                      consultations                            opened/closed; a ballot opened/
                                                               closed; a decision recorded; a
                                                               consultation saved; and any
                                                               save or delete of a Meeting,
                                                               AgendaItem, Decision,
                                                               Consultation or Comment

A group's version starts at the clock's nanoseconds when it is missing (never seen, or
evicted), so a version never comes back to a value an old entry was stored under.
Off with the setting PAGE_CACHE = False (the test suite's default: tests counting a render's
queries read a page twice). Entries also expire after PAGE_CACHE_TIMEOUT: what only time
changes ("upcoming" becoming "past") is at most that old.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_cache_key, learn_cache_key
from django.utils.translation import get_language_from_path
from redis.exceptions import RedisError
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import ContactSettings, NewsIndexPage, NewsPage, StandardPage
from deliberation import events
from deliberation.models import AgendaItem, Comment, Consultation, Decision, Meeting

logger = logging.getLogger(__name__)

# What a cache that does not answer raises (Redis in production; local memory never does).
CACHE_ERRORS = (RedisError, OSError)

SITE = "site"
PAGES = "pages"
DELIBERATION = "deliberation"

# Non-Wagtail public pages and the groups they read (Wagtail pages: `_page_groups`).
VIEW_GROUPS: dict[str, tuple[str, ...]] = {
    "cms:archive": (SITE, PAGES, DELIBERATION),
    "cms:decision": (SITE, PAGES, DELIBERATION),
    "cms:follow_up": (SITE, PAGES, DELIBERATION),
    "deliberation:followup": (SITE, PAGES, DELIBERATION),
    "deliberation:consultations": (SITE, PAGES, DELIBERATION),
    "deliberation:consultation": (SITE, PAGES, DELIBERATION),
}
# Its answers to a receipt code are rate-limited reads of one resident's record: only the
# empty form is shared.
FORM_ONLY = ("deliberation:followup",)
WAGTAIL_SERVE = "wagtail_serve"
# Pages that show no deliberation state: they do not read the deliberation group.
CONTENT_ONLY = (NewsIndexPage, NewsPage, StandardPage)

# Events that change what the listings show (home, indexes, the archive, consultations);
# every event with a meeting_id also changes that meeting's pages.
LISTING_EVENTS: tuple[type[events.Event], ...] = (
    events.MeetingSaved,
    events.MeetingOpened,
    events.MeetingClosed,
    events.AgendaChanged,
    events.ItemOpened,
    events.ItemClosed,
    events.BallotOpened,
    events.BallotClosed,
    events.DecisionRecorded,
    events.ConsultationSaved,
    events.CommentModerated,
)

# Cookies that change nothing a cached page shows (the pages holding a token are not cached).
NEUTRAL_COOKIES = (settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME)
VERSION_PREFIX = "page-cache-version:"
GROUPS_PREFIX = "page-cache-groups:"


def meeting_group(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def page_group(translation_key: Any) -> str:
    return f"page:{translation_key}"


def timeout() -> int:
    return int(getattr(settings, "PAGE_CACHE_TIMEOUT", 600))


# --- Versions ----------------------------------------------------------------------------


def _version_key(group: str) -> str:
    return VERSION_PREFIX + group


def bump(*groups: str) -> None:
    """A new version for each group: every page reading one of them renders afresh.

    Called inside the writes' transactions: a cache that does not answer must not undo the
    write (a ballot's close, a page published). Redis without persistence forgets every
    version when it restarts, so no page it held survives the outage."""
    try:
        for group in dict.fromkeys(groups):
            key = _version_key(group)
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, time.time_ns(), timeout=None)
                cache.incr(key)
    except CACHE_ERRORS:
        logger.warning("page cache unreachable: versions not bumped", exc_info=True)


def versions(groups: Iterable[str]) -> str:
    """The groups' current versions as one key prefix (missing versions are started)."""
    keys = [_version_key(g) for g in groups]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return "page." + ".".join(str(found[k]) for k in keys)


# --- Which requests and responses may be shared -------------------------------------------


def is_anonymous_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    return all(name in NEUTRAL_COOKIES for name in request.COOKIES)


def is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_USED") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control or "no-cache" in control:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _page_groups(page: Page) -> tuple[str, ...]:
    groups = [SITE, page_group(page.translation_key)]
    meeting_id = getattr(page, "meeting_id", None)
    if meeting_id is not None:
        groups.append(meeting_group(meeting_id))
    elif not isinstance(page, CONTENT_ONLY):
        groups.append(DELIBERATION)
    return tuple(groups)


def groups_for(request: HttpRequest, response: HttpResponse) -> tuple[str, ...] | None:
    """The groups the page just rendered reads; None: not a page this cache holds."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.view_name == WAGTAIL_SERVE:
        context = getattr(response, "context_data", None) or {}
        page = context.get("page")
        return _page_groups(page) if isinstance(page, Page) else None
    if match.view_name in FORM_ONLY and request.GET:
        return None
    return VIEW_GROUPS.get(match.view_name)


def _groups_key(request: HttpRequest) -> str:
    url = request.build_absolute_uri().encode()
    return GROUPS_PREFIX + hashlib.md5(url, usedforsecurity=False).hexdigest()


class AnonymousPageCacheMiddleware:
    """Serve and store the public pages of anonymous readers (before the session is read,
    so a hit makes no database query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "PAGE_CACHE", True) or not is_anonymous_request(request):
            return self.get_response(request)
        # Django's key ends with the request's language, which LocaleMiddleware (after this
        # one) sets from the URL: the same answer, read from the URL here.
        request.LANGUAGE_CODE = get_language_from_path(request.path_info) or (
            settings.LANGUAGE_CODE
        )
        try:
            known = cache.get(_groups_key(request))
            prefix = versions(known) if known else None
            if prefix is not None:
                key = get_cache_key(request, prefix, "GET", cache=cache)
                hit = cache.get(key) if key else None
                if hit is not None:
                    return hit
        except CACHE_ERRORS:
            # The cache is away: the page is rendered, as if never cached, and not stored.
            logger.warning("page cache unreachable: %s rendered", request.path, exc_info=True)
            return self.get_response(request)
        response = self.get_response(request)
        if request.method != "GET" or not is_shareable(request, response):
            return response
        groups = groups_for(request, response)
        if groups is None:
            return response
        try:
            if prefix is None or tuple(known) != groups:
                # First sight (or what it reads changed): learn the groups; the next read,
                # holding versions read before it renders, is stored.
                cache.set(_groups_key(request), groups, timeout())
            else:
                key = learn_cache_key(request, response, timeout(), prefix, cache=cache)
                cache.set(key, response, timeout())
        except CACHE_ERRORS:
            logger.warning("page cache unreachable: %s not stored", request.path, exc_info=True)
        return response


# --- What invalidates what ------------------------------------------------------------------


def _after_commit(*groups: str) -> None:
    # At once, for the reads inside the same transaction; again after the commit, so that a
    # page another reader rendered from the state before cannot stay stored.
    bump(*groups)
    transaction.on_commit(lambda: bump(*groups))


def on_event(group: str | None, event: Any) -> None:
    """deliberation.events subscriber (already after the commit)."""
    groups = []
    meeting_id = getattr(event, "meeting_id", None)
    if meeting_id is not None:
        groups.append(meeting_group(meeting_id))
    if isinstance(event, LISTING_EVENTS):
        groups.append(DELIBERATION)
    if groups:
        bump(*groups)


def page_changed(page: Page, *, menus: bool = False) -> None:
    """A page and the pages above it (indexes, home) in every language."""
    keys = Page.objects.ancestor_of(page, inclusive=True).values_list("translation_key", flat=True)
    groups = [PAGES, *(page_group(k) for k in keys)]
    if menus or page.show_in_menus:
        groups.append(SITE)
    _after_commit(*groups)


def _on_page_published(sender: Any, instance: Page, **kwargs: Any) -> None:
    page_changed(instance)


def _on_site_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A page moved, a site saved or deleted: what every page shows of the site."""
    _after_commit(SITE, PAGES)


def _on_page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        _after_commit(SITE, PAGES)


def _on_settings_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    _after_commit(SITE)


# The records the listings show, whichever path writes them (an action, the admin, a
# command, a test's factory): a consultation comment published or hidden without an author's
# address publishes no event, a decision made by a data import neither.
RECORDS = (Meeting, AgendaItem, Decision, Consultation, Comment)


def _on_record_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    meeting_id = instance.pk if isinstance(instance, Meeting) else None
    meeting_id = getattr(instance, "meeting_id", meeting_id)
    groups = [DELIBERATION]
    if meeting_id is not None:
        groups.append(meeting_group(meeting_id))
    _after_commit(*groups)


def connect() -> None:
    """Wired once in cms's AppConfig.ready."""
    events.subscribe(on_event)
    page_published.connect(_on_page_published, dispatch_uid="page_cache.published")
    page_unpublished.connect(_on_page_published, dispatch_uid="page_cache.unpublished")
    post_page_move.connect(_on_site_changed, dispatch_uid="page_cache.moved")
    post_delete.connect(_on_page_deleted, dispatch_uid="page_cache.deleted")
    post_save.connect(_on_settings_saved, sender=ContactSettings, dispatch_uid="page_cache.s")
    # A site saved or deleted (its root page, its host): every page.
    post_save.connect(_on_site_changed, sender=Site, dispatch_uid="page_cache.site_saved")
    post_delete.connect(_on_site_changed, sender=Site, dispatch_uid="page_cache.site_deleted")
    for model in RECORDS:
        uid = f"page_cache.{model.__name__}"
        post_save.connect(_on_record_saved, sender=model, dispatch_uid=uid + ".saved")
        post_delete.connect(_on_record_saved, sender=model, dispatch_uid=uid + ".deleted")
