from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from council.mfa import MFAState, mfa_state

# Paths someone must still reach before their second factor is set up.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/nl/accounts/", "/en/accounts/")
# Paths that need no session at all.
_SESSIONLESS_PREFIXES = ("/static/", "/healthz")


class RequireMFAMiddleware:
    """Chair and secretariat accounts act only in a session that passed their second factor.

    No TOTP device yet: every page but the account pages leads to its set-up. A device,
    but a session that did not pass it (opened by a password alone): the session ends and
    the person logs in again through allauth, which asks for the code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(_SESSIONLESS_PREFIXES):
            return self.get_response(request)
        state = mfa_state(request)
        if state is MFAState.SKIPPED:
            logout(request)
            messages.warning(
                request,
                _(
                    "Votre rôle demande une double authentification : reconnectez-vous, "
                    "puis saisissez le code de votre application d'authentification."
                ),
            )
            login = reverse("account_login")
            if request.method == "GET":
                login += "?" + urlencode({"next": request.get_full_path()})
            return redirect(login)
        if state is MFAState.MISSING and not request.path.startswith(_OPEN_PREFIXES):
            messages.warning(
                request,
                _(
                    "Votre rôle demande une double authentification. "
                    "Configurez une application d'authentification pour continuer."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
