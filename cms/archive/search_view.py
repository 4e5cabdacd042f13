"""The site's search over its public pages (the decisions have the archive's own)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from wagtail.models import Locale, Page

from cms.archive.search import clean_query
from cms.models.base import paginate

SEARCH_PAGE_SIZE = 10


def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    results = None
    if query.text and not query.error:
        found: Any = []
        if query.terms:
            found = (
                Page.objects.live()
                .public()
                .filter(locale=Locale.get_active())
                .exclude(depth__lte=1)
                .specific()
                .search(query.terms, operator="and")
            )
        results = paginate(request, found, SEARCH_PAGE_SIZE)
    return render(
        request,
        "cms/search.html",
        {
            "query": query.text,
            "error": query.error,
            "items": results,
            "query_string": urlencode({"q": query.text}),
        },
        status=400 if query.error else 200,
    )
