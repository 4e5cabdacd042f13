"""A person's rights over their data: download everything, delete the account.

The export walks every model that points at the account (council, deliberation, Wagtail,
allauth…), so a table added later is exported without touching this module. Secrets (the
password hash, second-factor keys) and other people's details typed in by this person
(a resident's name at the mediation desk) are left out.

Deleting an account does not delete rows: the council's archive (comments, amendments,
votes, decisions, counts) must stay whole. The account is anonymised instead: no name,
no e-mail, no password, no second factor, no way to log in; what it wrote now shows as
"Compte supprimé".
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.models import LoginLetter, Membership, Subscription, User

EXPORT_VERSION = 1

# Fields never exported, per model ("app_label.model_name") or for every model ("*").
WITHHELD: dict[str, set[str]] = {
    "*": {"password", "secret", "token", "token_secret", "key"},
    # TOTP secrets and recovery codes.
    "mfa.authenticator": {"data"},
    # What a mediator typed in belongs to the resident, not to the mediator.
    "deliberation.contribution": {"resident_name", "contact_phone", "contact_email", "body"},
}
USER_FIELDS = (
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "date_joined",
    "last_login",
    "is_active",
)


class DataRightsError(Exception):
    """A refused deletion; the message is French and meant for the page."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _row(obj: models.Model) -> dict[str, Any]:
    label = obj._meta.label_lower
    withheld = WITHHELD["*"] | WITHHELD.get(label, set())
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in withheld:
            continue
        value = field.value_from_object(obj)
        row[field.name] = value
    return row


def _relations() -> list[tuple[Any, str]]:
    """(model, field name) for every foreign key or one-to-one that points at User."""
    found: list[tuple[Any, str]] = []
    # Hidden relations too: related_name="+" (e.g. who recorded a vote) is still the account.
    for relation in User._meta.get_fields(include_hidden=True):
        rel: Any = relation
        if not rel.auto_created or rel.concrete or not rel.is_relation:
            continue
        if rel.many_to_many or not rel.field.concrete:
            continue
        found.append((rel.related_model, rel.field.name))
    return sorted(found, key=lambda pair: (pair[0]._meta.label_lower, pair[1]))


def export_user_data(user: User) -> dict[str, Any]:
    """Everything stored about or by the account, as JSON-ready data."""
    data: dict[str, Any] = {
        "format": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "account": {name: getattr(user, name) for name in USER_FIELDS},
        "related": {},
    }
    for model, field_name in _relations():
        rows = [_row(obj) for obj in model._default_manager.filter(**{field_name: user})]
        if rows:
            key = f"{model._meta.label_lower}.{field_name}"
            data["related"][key] = rows
    for m2m in User._meta.many_to_many:
        values = list(getattr(user, m2m.name).values_list("pk", flat=True))
        if values:
            data["account"][m2m.name] = values
    # Many-to-many fields elsewhere that list the account (e.g. a proposal's authors).
    for relation in User._meta.get_fields(include_hidden=True):
        rel: Any = relation
        if rel.auto_created and not rel.concrete and rel.many_to_many:
            other: Any = rel.related_model
            name = rel.field.name
            rows = [_row(obj) for obj in other._default_manager.filter(**{name: user})]
            if rows:
                data["related"][f"{other._meta.label_lower}.{name}"] = rows
    return data


def export_json(user: User) -> bytes:
    return json.dumps(
        export_user_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


@transaction.atomic
def do_delete_account(user: User, *, acting_user: User) -> User:
    """Anonymise the account in place; every row that refers to it stays."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # Where to reach the person, and the codes of unused login letters, go with the account.
    Subscription.objects.filter(user=user).delete()
    LoginLetter.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.first_name = _("Compte")
    user.last_name = _("supprimé")
    user.email = None
    user.username = f"compte-supprime-{user.pk}"
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    return user


def check_delete_account(user: User, password: Any, confirm: Any, *, acting_user: User) -> User:
    if not getattr(acting_user, "is_authenticated", False) or acting_user.pk != user.pk:
        raise DataRightsError(_("Seule la personne titulaire du compte peut le supprimer."))
    if user.is_superuser:
        raise DataRightsError(_("Un compte d'administration ne se supprime pas ici."))
    if Membership.objects.current().filter(user=user).exists():
        raise DataRightsError(
            _(
                "Vous exercez un mandat en cours : demandez d'abord au secrétariat d'y mettre "
                "fin. Vos votes et interventions restent dans les archives publiques du conseil."
            )
        )
    if confirm is not True:
        raise DataRightsError(
            _("Cochez la case pour confirmer que vous voulez supprimer votre compte."),
            "confirm",
        )
    if not isinstance(password, str) or not user.check_password(password):
        raise DataRightsError(_("Mot de passe incorrect."), "password")
    return do_delete_account(user, acting_user=acting_user)


# --- Pages ---------------------------------------------------------------------------------


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Je veux supprimer mon compte ; je sais que c'est définitif."),
        required=False,
    )
    password = forms.CharField(
        label=gettext_lazy("Mot de passe actuel"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _has_mandate(user: User) -> bool:
    return Membership.objects.current().filter(user=user).exists()


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Mon espace → Mes données: the download link and the deletion form."""
    user: User = request.user  # type: ignore[assignment]
    form = DeleteAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                check_delete_account(
                    user,
                    form.cleaned_data["password"],
                    form.cleaned_data["confirm"],
                    acting_user=user,
                )
            except DataRightsError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Votre compte est supprimé. Ce que vous avez écrit reste dans les "
                        "archives du conseil, sans votre nom."
                    ),
                )
                return redirect("/")
        status = 400
    return render(
        request,
        "council/data_rights.html",
        {"form": form, "has_mandate": _has_mandate(user)},
        status=status,
    )


@login_required
def download_my_data(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    response = HttpResponse(export_json(user), content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
