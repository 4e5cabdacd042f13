"""The secretariat's screen for the council's mandates: the current composition, and ending
a mandate or replacing a member by a substitute (HTML forms, post/redirect/get)."""

from __future__ import annotations

import re
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.actions import check_end_mandate, check_replace_member
from council.forms import DateInput
from council.models import EndReason, Membership, User
from council.selectors import councils_where, current_members

_DECISION = re.compile(r"\d{1,6}/\d{4}")


class EndMandateForm(forms.Form):
    end = forms.DateField(
        label=gettext_lazy("Dernier jour du mandat"),
        widget=DateInput(),
        error_messages={"invalid": gettext_lazy("Indiquez une date, par exemple 31/03/2026.")},
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Motif de fin"),
        choices=EndReason.choices,
        error_messages={"invalid_choice": gettext_lazy("Motif de fin inconnu.")},
    )
    decision = forms.CharField(
        label=gettext_lazy("Décision qui y met fin"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Son numéro, par exemple 14/2026. Facultatif."),
    )
    substitute = forms.ModelChoiceField(
        label=gettext_lazy("Remplacé·e par"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Personne (le siège reste vacant)"),
        help_text=gettext_lazy(
            "La personne choisie siège comme membre effectif·ve dès le lendemain, jusqu’au "
            "terme du mandat."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Cette personne ne fait pas partie du conseil.")
        },
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["substitute"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(memberships__council_id=membership.council_id)
            .exclude(pk=membership.user_id)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["end"].initial = timezone.localdate()

    def clean_decision(self) -> str:
        decision = self.cleaned_data["decision"].strip()
        if decision and not _DECISION.fullmatch(decision):
            raise forms.ValidationError(
                _(
                    "Indiquez le numéro de la décision sous la forme numéro/année, "
                    "par exemple 14/2026."
                )
            )
        return decision


def _managed_mandate(request: HttpRequest, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "council").filter(pk=membership_id).first()
    )
    if membership is None:
        raise Http404(_("Ce mandat n’existe pas."))
    if not request.user.has_perm("council.manage_members", membership.council):
        raise PermissionDenied(_("Seul le secrétariat de ce conseil peut gérer ses mandats."))
    return membership


@login_required
def mandates(request: HttpRequest) -> HttpResponse:
    councils = councils_where(request.user, "council.manage_members")
    if not councils:
        raise PermissionDenied(_("Seul le secrétariat d’un conseil peut gérer ses mandats."))
    return render(
        request,
        "council/mandates.html",
        {"councils": [(council, list(current_members(council))) for council in councils]},
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    fields = {"end_reason": "reason", "day": "end", "end": "end", "substitute": "substitute"}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = fields.get(field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def end_mandate(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _managed_mandate(request, membership_id)
    form = EndMandateForm(request.POST or None, membership=membership)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["substitute"] is not None:
                    check_replace_member(
                        membership,
                        data["substitute"],
                        day=data["end"],
                        reason=data["reason"],
                        decision=data["decision"],
                        acting_user=cast(User, request.user),
                    )
                else:
                    check_end_mandate(
                        membership,
                        end=data["end"],
                        reason=data["reason"],
                        decision=data["decision"],
                        acting_user=cast(User, request.user),
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Le mandat de %(name)s prend fin le %(end)s.")
                    % {"name": membership.user, "end": data["end"].strftime("%d/%m/%Y")},
                )
                return redirect("mandates")
    return render(
        request,
        "council/end_mandate.html",
        {"form": form, "membership": membership},
        status=status,
    )
