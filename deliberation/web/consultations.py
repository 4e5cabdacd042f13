"""Public consultation pages: the list, one consultation with its comments, and its forms.

Each form posts to its own address and redirects back (post/redirect/get). A refused
comment or flag re-renders the consultation page with the French message and the text
typed, status 400 (429 past the rate limit). Reply and flag forms open under their comment
through a link (`?repondre=`, `?signaler=`), so the page needs no script and stays small.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from deliberation import actions
from deliberation.actions import COMMENT_MAX, ActionError
from deliberation.forms import TextareaField
from deliberation.models import Comment, Consultation
from deliberation.selectors import consultations as consultation_reads


class ConsultationCommentForm(forms.Form):
    body = TextareaField(
        label=gettext_lazy("Votre commentaire"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Texte simple ; une ligne vide sépare deux paragraphes. %(max)s caractères au plus."
        )
        % {"max": COMMENT_MAX},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Pourquoi signalez-vous ce commentaire ?"),
        max_length=actions.REASON_MAX,
        help_text=gettext_lazy("Par exemple : propos injurieux, données personnelles, publicité."),
    )


def _consultation(consultation_id: int) -> Consultation:
    consultation = consultation_reads.get_public_consultation(consultation_id)
    if consultation is None:
        raise Http404(_("Consultation introuvable."))
    return consultation


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render(
    request: HttpRequest,
    consultation: Consultation,
    *,
    comment_form: ConsultationCommentForm | None = None,
    flag_form: FlagForm | None = None,
    flag_target: int | None = None,
    reply_to: int | None = None,
    status: int = 200,
) -> HttpResponse:
    page = consultation_reads.consultation_page(consultation, request.user)
    user = request.user
    if reply_to is None:
        reply_to = _int(request.GET.get("repondre"))
    if flag_target is None:
        flag_target = _int(request.GET.get("signaler"))
    # A reply form opens only under a published comment that starts a thread; otherwise
    # the form (and what was typed) stays at the foot of the page.
    threads = {c.pk for c in page.comments if c.status == Comment.Status.PUBLISHED}
    if reply_to not in threads:
        reply_to = None
    return render(
        request,
        "deliberation/consultation_detail.html",
        {
            "data": page,
            "consultation": consultation,
            "can_comment": consultation_reads.has_verified_account(user),
            "comment_form": comment_form
            or ConsultationCommentForm(initial={"parent": reply_to} if reply_to else None),
            "reply_to": reply_to,
            "flag_form": flag_form or FlagForm(),
            "flag_target": flag_target,
            "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
            "signup_url": reverse("account_signup") + "?" + urlencode({"next": request.path}),
        },
        status=status,
    )


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "deliberation/consultation_list.html",
        {"data": consultation_reads.consultation_list()},
    )


@require_GET
def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    return _render(request, _consultation(consultation_id))


def _error_status(error: ActionError) -> int:
    return 429 if isinstance(error, actions.RateLimited) else 400


def _add_error(form: forms.Form, error: ActionError) -> None:
    """Under its field when the field is visible, in the summary otherwise."""
    field = form.fields.get(error.field or "")
    form.add_error(
        error.field if field is not None and not field.widget.is_hidden else None, str(error)
    )


@require_POST
def consultation_comment(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("deliberation:consultation", args=[consultation.pk]))
    form = ConsultationCommentForm(request.POST)
    reply_to = _int(request.POST.get("parent"))
    if form.is_valid():
        try:
            comment = actions.check_add_consultation_comment(
                consultation,
                form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
                acting_user=request.user,
            )
        except ActionError as error:
            _add_error(form, error)
            return _render(
                request,
                consultation,
                comment_form=form,
                reply_to=reply_to,
                status=_error_status(error),
            )
        if comment.status == Comment.Status.PENDING:
            messages.success(
                request,
                _(
                    "Merci ! Votre commentaire sera publié après relecture par la modération ; "
                    "vous recevrez un e-mail."
                ),
            )
        else:
            messages.success(request, _("Merci ! Votre commentaire est publié."))
        return redirect(
            reverse("deliberation:consultation", args=[consultation.pk])
            + f"#commentaire-{comment.pk}"
        )
    return _render(request, consultation, comment_form=form, reply_to=reply_to, status=400)


@require_POST
def consultation_flag(request: HttpRequest, consultation_id: int, comment_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("deliberation:consultation", args=[consultation.pk]) + f"?signaler={comment_id}"
        )
    comment = Comment.objects.filter(pk=comment_id, consultation=consultation).first()
    if comment is None:
        raise Http404(_("Commentaire introuvable."))
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            actions.check_flag_comment(
                comment, form.cleaned_data["reason"], acting_user=request.user
            )
        except ActionError as error:
            _add_error(form, error)
            return _render(
                request,
                consultation,
                flag_form=form,
                flag_target=comment.pk,
                status=_error_status(error),
            )
        messages.success(
            request, _("Merci : le commentaire est signalé à la modération, qui va l'examiner.")
        )
        return redirect(
            reverse("deliberation:consultation", args=[consultation.pk])
            + f"#commentaire-{comment.pk}"
        )
    return _render(request, consultation, flag_form=form, flag_target=comment.pk, status=400)
