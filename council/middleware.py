from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from council.rules import requires_mfa

# Paths someone must still reach before their second factor is set up.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/nl/accounts/", "/en/accounts/")


class RequireMFAMiddleware:
    """Send chair and secretariat accounts to TOTP set-up until they have one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not self._demo_exempt(user)
            and requires_mfa(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _(
                    "Votre rôle demande une double authentification. "
                    "Configurez une application d'authentification pour continuer."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _demo_exempt(user) -> bool:
        return settings.DEMO and (user.email or "").endswith("@" + settings.DEMO_EMAIL_DOMAIN)
