"""The public follow-up of the council's recommendations (suite donnée)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cms import selectors


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/follow_up.html", selectors.follow_ups(request))
