"""Pages for accounts without e-mail: creating one, its printable letter, its first login."""

from __future__ import annotations

from typing import cast

from allauth.account.utils import perform_login
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from council import login_letters
from council.forms import limit_councils, no_control_characters
from council.models import Council, LoginLetter, Role, User
from council.selectors import councils_where

# Per address and per username: a letter's code cannot be guessed by trying.
RATE_LIMITS = {"letter_login": "20/15m/ip,5/15m/key"}
_CODE_SESSION = "login_letter_code:%s"
_REDEEM_SESSION = "login_letter_redeem"

ROLE_CHOICES = [("", gettext_lazy("Habitant·e (sans mandat)")), *Role.choices]


class LetterAccountForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Nom d’utilisateur"),
        max_length=150,
        validators=[User.username_validator],
        help_text=gettext_lazy(
            "Ce que la personne tapera pour se connecter, par exemple « jeanne.dupont » : "
            "lettres, chiffres et . - _ uniquement."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label=gettext_lazy("Prénom"), max_length=150, validators=[no_control_characters]
    )
    last_name = forms.CharField(
        label=gettext_lazy("Nom"), max_length=150, validators=[no_control_characters]
    )
    council = forms.ModelChoiceField(label=gettext_lazy("Conseil"), queryset=Council.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=ROLE_CHOICES, required=False)

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        limit_councils(self, councils)


class LetterLoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Nom d’utilisateur"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Code de la lettre"),
        max_length=40,
        help_text=gettext_lazy(
            "Douze caractères, par exemple K7M4-QX2P-9TAB ; tirets facultatifs."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


def _letter_councils(user):
    return councils_where(user, "council.create_letter_account")


@login_required
def create_letter_account(request: HttpRequest) -> HttpResponse:
    councils = _letter_councils(request.user)
    if not councils:
        raise PermissionDenied(_("Seul le secrétariat d’un conseil peut créer ces comptes."))
    form = LetterAccountForm(request.POST if request.method == "POST" else None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, code = login_letters.check_create_letter_account(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                council=data["council"],
                role=data["role"],
                acting_user=cast(User, request.user),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown once on the letter page, never stored in clear.
            request.session[_CODE_SESSION % user.pk] = code
            return redirect("login_letter", user_id=user.pk)
    return render(
        request,
        "council/letter_account.html",
        {"form": form, "days": settings.LOGIN_LETTER_DAYS},
    )


@login_required
def login_letter(request: HttpRequest, user_id: int) -> HttpResponse:
    """The printable letter; the code appears only right after it was issued."""
    person = get_object_or_404(User, pk=user_id, email__isnull=True)
    if not login_letters.may_issue_letter(cast(User, request.user), person):
        raise PermissionDenied(_("Seul le secrétariat du conseil peut voir cette lettre."))
    code = request.session.pop(_CODE_SESSION % person.pk, None)
    letter = LoginLetter.objects.filter(user=person).first()
    return render(
        request,
        "council/login_letter.html",
        {
            "person": person,
            "code": login_letters.format_code(code) if code else None,
            "letter": letter,
            "login_url": request.build_absolute_uri(reverse("letter_login")),
        },
    )


@login_required
@require_POST
def reissue_login_letter(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, email__isnull=True)
    try:
        _letter, code = login_letters.check_issue_login_letter(
            person, acting_user=cast(User, request.user)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        request.session[_CODE_SESSION % person.pk] = code
        messages.success(request, _("Nouvelle lettre émise : l’ancien code ne fonctionne plus."))
    return redirect("login_letter", user_id=person.pk)


def letter_login(request: HttpRequest) -> HttpResponse:
    """Step one: username and code. Step two (same URL, session-held): the new password."""
    redeem_id = request.session.get(_REDEEM_SESSION)
    if redeem_id is not None and request.method == "POST" and "new_password1" in request.POST:
        return _choose_password(request, redeem_id)
    form = LetterLoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["username"].strip().lower()
        if not ratelimit.consume(
            request, app="council", action="letter_login", config=RATE_LIMITS, key=name
        ):
            form.add_error(
                None,
                _(
                    "Trop d’essais. Patientez un quart d’heure, ou appelez le secrétariat "
                    "du conseil."
                ),
            )
            status = 429
        else:
            try:
                letter = login_letters.check_letter_code(name, form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                request.session[_REDEEM_SESSION] = letter.pk
                return render(
                    request,
                    "council/letter_login_password.html",
                    {"form": SetPasswordForm(letter.user), "person": letter.user},
                )
    elif request.method == "POST":
        status = 400
    return render(request, "council/letter_login.html", {"form": form}, status=status)


def _start_again(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return render(
        request,
        "council/letter_login.html",
        {"form": LetterLoginForm(), "error": " ".join(error.messages)},
        status=400,
    )


def _choose_password(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = LoginLetter.objects.select_related("user").filter(pk=letter_id).first()
    if letter is None or not letter.is_valid():
        request.session.pop(_REDEEM_SESSION, None)
        return _start_again(request, login_letters.refused())
    form = SetPasswordForm(letter.user, request.POST)
    if not form.is_valid():
        return render(
            request,
            "council/letter_login_password.html",
            {"form": form, "person": letter.user},
            status=400,
        )
    try:
        user = login_letters.do_redeem_login_letter(letter.pk, form.cleaned_data["new_password1"])
    except ValidationError as error:
        request.session.pop(_REDEEM_SESSION, None)
        return _start_again(request, error)
    request.session.pop(_REDEEM_SESSION, None)
    messages.success(
        request,
        _("Votre mot de passe est enregistré. Connectez-vous désormais avec « %(username)s ».")
        % {"username": user.username},
    )
    return perform_login(request, user, redirect_url=reverse("member_home"))
