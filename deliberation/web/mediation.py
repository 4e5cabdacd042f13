"""The mediation desk's pages, and the public follow-up page /suivi/.

The desk form posts to itself and redirects to the receipt slip (post/redirect/get); a
refused entry re-renders the form with the French message and everything typed, status 400.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from deliberation import actions
from deliberation.forms import TextareaField
from deliberation.models import AgendaItem, ContributionChannel, Meeting, Proposal
from deliberation.selectors import mediation as mediation_reads

# Enough for a family checking a few codes at the EPN, too few to walk the code space.
FOLLOWUP_LIMIT = 10
FOLLOWUP_WINDOW = 10 * 60


class ContributionForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Sur quoi porte la contribution ?"))
    channel = forms.ChoiceField(
        label=gettext_lazy("Reçue"),
        choices=ContributionChannel.choices,
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=gettext_lazy("Date de réception"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Au format aaaa-mm-jj, par exemple 2026-11-28."),
    )
    resident_name = forms.CharField(
        label=gettext_lazy("Nom de l'habitant·e"),
        required=False,
        max_length=actions.NAME_MAX,
        help_text=gettext_lazy("Laissez vide si la personne souhaite rester anonyme."),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Téléphone (facultatif)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy("Par exemple 010 12 34 56 ou +32 470 12 34 56."),
    )
    contact_email = forms.CharField(
        label=gettext_lazy("E-mail (facultatif)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    text = TextareaField(
        label=gettext_lazy("Texte de la contribution"),
        max_length=actions.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Transcrivez les mots de la personne. Texte simple, %(max)s caractères au plus."
        )
        % {"max": actions.TEXT_MAX},
    )
    consent_to_publish = forms.BooleanField(
        label=gettext_lazy(
            "La personne accepte que son avis soit publié sur le site (sans son nom ni ses "
            "coordonnées)"
        ),
        required=False,
        help_text=gettext_lazy(
            "Sans accord, l'avis est compté et transmis au conseil, mais n'est pas publié."
        ),
    )

    def __init__(self, *args: Any, targets: list[tuple[AgendaItem, list[Proposal]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("— Choisir —"))]
        self.objects: dict[str, AgendaItem | Proposal] = {}
        for item, proposals in targets:
            group = f"{item.meeting} ({timezone.localtime(item.meeting.start):%d/%m/%Y})"
            options = [(f"item-{item.pk}", str(item))]
            self.objects[f"item-{item.pk}"] = item
            for proposal in proposals:
                options.append((f"proposal-{proposal.pk}", f"{item.display_number}. {proposal}"))
                self.objects[f"proposal-{proposal.pk}"] = proposal
            choices.append((group, options))
        self.fields["target"].choices = choices  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())


def _desk_user(request: HttpRequest) -> None:
    if not request.user.has_perm("council.use_mediation_desk"):
        raise PermissionDenied(_("Le guichet est réservé à la médiation et au secrétariat."))


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    user = request.user
    form = ContributionForm(request.POST or None, targets=mediation_reads.desk_targets(user))  # type: ignore[arg-type]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = actions.check_record_contribution(
                    form.objects[data["target"]],
                    resident_name=data["resident_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    channel=data["channel"],
                    received_on=data["received_on"],
                    text=data["text"],
                    consent_to_publish=data["consent_to_publish"],
                    acting_user=user,  # type: ignore[arg-type]
                )
            except actions.ActionError as error:
                form.add_error(
                    error.field if error.field in form.fields else None, str(error.message)
                )
            else:
                return redirect(
                    "deliberation:mediation_slip",
                    code=mediation_reads.format_code(contribution.receipt_code),
                )
        status = 400
    return render(
        request,
        "deliberation/mediation_desk.html",
        {
            "form": form,
            "recent": mediation_reads.recent_contributions(user),  # type: ignore[arg-type]
            "format_code": mediation_reads.format_code,
        },
        status=status,
    )


@login_required
def slip(request: HttpRequest, code: str) -> HttpResponse:
    _desk_user(request)
    contribution = mediation_reads.contribution_for_slip(code)
    if contribution is None or not request.user.has_perm(
        "deliberation.view_contribution_slip", contribution.agenda_item
    ):
        raise Http404(_("Contribution introuvable."))
    return render(
        request,
        "deliberation/mediation_slip.html",
        {
            "contribution": contribution,
            "code": mediation_reads.format_code(contribution.receipt_code),
            "followup_url": request.build_absolute_uri(
                f"{_followup_path()}?code={mediation_reads.format_code(contribution.receipt_code)}"
            ),
            "followup_home": request.build_absolute_uri(_followup_path()),
        },
    )


def _followup_path() -> str:
    return reverse("deliberation:followup")


def _client_key(request: HttpRequest) -> str:
    return "followup-lookups:" + str(request.META.get("REMOTE_ADDR", "unknown"))


def _over_limit(request: HttpRequest) -> bool:
    key = _client_key(request)
    cache.add(key, 0, FOLLOWUP_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FOLLOWUP_WINDOW)
        count = 1
    return count > FOLLOWUP_LIMIT


@require_GET
def followup(request: HttpRequest) -> HttpResponse:
    """Public: a receipt code in, the contribution's status and the item's outcome out."""
    raw = request.GET.get("code")
    context: dict[str, Any] = {"code": (raw or "")[:30], "searched": raw is not None}
    status = 200
    if raw is not None:
        if _over_limit(request):
            context["rate_limited"] = True
            status = 429
        elif not raw.strip():
            context["empty"] = True
            status = 400
        else:
            result = mediation_reads.followup(raw)
            context["result"] = result
            if result is None:
                status = 404
    return render(request, "deliberation/suivi.html", context, status=status)


@require_GET
def item_contributions(request: HttpRequest, item_id: int) -> HttpResponse:
    """Public: what residents said on an item through the desk, and counts by channel."""
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__council"), pk=item_id, is_public=True
    )
    if item.meeting.state == Meeting.State.DRAFT:
        raise Http404(_("Point introuvable."))
    return render(
        request,
        "deliberation/mediation_item.html",
        {"data": mediation_reads.item_contributions(item), "item": item},
    )
