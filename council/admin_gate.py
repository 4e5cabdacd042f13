"""One door: every login goes through allauth, where the second factor and rate limits are.

Django's admin and Wagtail's admin each bring a login view of their own that takes a
password and nothing else. Their URLs stay (the admins link to them) but lead to allauth's
login, carrying where the person was going. Their password forms are replaced the same
way. Someone logged in who may not enter an admin gets a refusal page, not a redirect to
a login page that would send them straight back (a loop).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

WAGTAIL_ADMIN = "/admin/"
DJANGO_ADMIN = "/django-admin/"


def _to_allauth(request: HttpRequest, name: str, default_next: str) -> HttpResponse:
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default_next
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': target})}")


def wagtail_login(request: HttpRequest) -> HttpResponse:
    return _to_allauth(request, "account_login", WAGTAIL_ADMIN)


def front_end_login(request: HttpRequest) -> HttpResponse:
    # Wagtail's login for private pages (/_util/login/, in every language) is Django's.
    return _to_allauth(request, "account_login", "/")


def django_admin_login(request: HttpRequest) -> HttpResponse:
    # Never Django's own view: a POST here authenticates nobody.
    return _to_allauth(request, "account_login", DJANGO_ADMIN)


def change_password(request: HttpRequest) -> HttpResponse:
    return _to_allauth(request, "account_change_password", DJANGO_ADMIN)


def reset_password(request: HttpRequest) -> HttpResponse:
    return _to_allauth(request, "account_reset_password", "/")


# Before Wagtail's own URLs, inside the language prefixes, in council/urls.py.
localized_urlpatterns = [path("_util/login/", front_end_login)]

# Placed before the admins' own URLs in council/urls.py.
urlpatterns = [
    path("admin/login/", wagtail_login),
    path("admin/password_reset/", reset_password),
    path("django-admin/login/", django_admin_login),
    path("django-admin/password_change/", change_password),
]


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


class AdminGateMiddleware:
    """A logged-in person without access to an admin is told so, once. Asked as the view is
    about to run, after the CSRF check (a forged POST is refused as such first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if request.path.startswith(WAGTAIL_ADMIN) and not user.has_perm(
            "wagtailadmin.access_admin"
        ):
            return _refuse(
                request,
                _(
                    "L’administration du site est réservée au secrétariat et à la "
                    "présidence du conseil. Votre compte n’y a pas accès."
                ),
            )
        if request.path.startswith(DJANGO_ADMIN) and not admin.site.has_permission(request):
            return _refuse(
                request,
                _(
                    "L’administration technique est réservée aux administrateurs de la "
                    "plateforme. Votre compte n’y a pas accès."
                ),
            )
        return None
