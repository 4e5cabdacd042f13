"""Public consultations in the Wagtail admin: the secretariat opens them as snippets, and
moderates residents' comments in a queue.

A consultation's save goes through `consultation.check_save_consultation` (registered in
Wagtail's action registry, like the meetings' snippet in cms), and the queue's buttons call
`check_publish_comment` / `check_hide_comment`: the admin never saves these models itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from council.staff_policy import CouncilStaffPermissionPolicy, is_council_staff
from deliberation import consultation as service
from deliberation.actions import ActionError
from deliberation.models import Comment, Consultation
from deliberation.selectors import consultations as consultation_reads


class ConsultationAdminForm(WagtailAdminModelForm):
    """The action's checks run as the form's validation, so a refusal shows on the field."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            service.validate_consultation(self.instance, acting_user=self.for_user)
        except ActionError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error))


class _SaveThroughAction:
    form = None
    instance: Consultation
    user = None

    def _save_instance(self):
        consultation = self.form.save(commit=False) if self.form is not None else self.instance
        self.instance = service.check_save_consultation(consultation, acting_user=self.user)


class CreateConsultationAction(_SaveThroughAction, CreateAction):
    pass


class EditConsultationAction(_SaveThroughAction, EditAction):
    pass


@hooks.register("register_actions")
def register_consultation_actions(registry):
    registry.register(Consultation, CreateConsultationAction)
    registry.register(Consultation, EditConsultationAction)


class ConsultationViewSet(SnippetViewSet):
    model = Consultation
    icon = "comment"
    menu_label = gettext_lazy("Consultations")
    menu_name = "consultations"
    menu_order = 160
    add_to_admin_menu = True
    list_display = ["title", "start", "end", "moderation"]
    list_filter = ["moderation"]
    list_per_page = 50
    ordering = ["-start"]
    search_fields = ["title", "question"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("agenda_item"),
                    FieldPanel("proposal"),
                ],
                heading=gettext_lazy("Ce qui est soumis à l'avis des habitant·es"),
            ),
            FieldPanel("title"),
            FieldPanel("question"),
            FieldPanel("introduction"),
            FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            FieldPanel("moderation"),
        ],
        base_form_class=ConsultationAdminForm,
    )


register_permission_policy(
    Consultation, CouncilStaffPermissionPolicy(Consultation, "deliberation.save_consultation")
)
register_snippet(ConsultationViewSet)


# --- Moderation queue ------------------------------------------------------------------------


def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_council_staff(user):
        raise PermissionDenied(_("La modération est réservée au secrétariat et à la présidence."))
    if request.method == "POST":
        comment = (
            Comment.objects.filter(
                pk=_int(request.POST.get("comment")) or 0, consultation__isnull=False
            )
            .select_related("consultation__agenda_item__meeting", "author")
            .first()
        )
        decision = request.POST.get("decision")
        try:
            if comment is None:
                raise ActionError(_("Commentaire introuvable."))
            if decision == "publish":
                service.check_publish_comment(comment, acting_user=user)  # type: ignore[arg-type]
                messages.success(request, _("Le commentaire est publié."))
            elif decision == "hide":
                service.check_hide_comment(
                    comment,
                    request.POST.get("reason"),
                    acting_user=user,  # type: ignore[arg-type]
                )
                messages.success(
                    request, _("Le commentaire est masqué ; son auteur·rice est prévenu·e.")
                )
            else:
                raise ActionError(_("Choisissez de publier ou de masquer le commentaire."))
        except ActionError as error:
            messages.error(request, str(error))
        return redirect("deliberation_moderation")
    pending, flagged = consultation_reads.moderation_queue(user)  # type: ignore[arg-type]
    return render(
        request,
        "deliberation/consultation_moderation.html",
        {
            "pending": pending,
            "flagged": flagged,
            "header_title": _("Modération des consultations"),
            "page_title": _("Modération des consultations"),
            "header_icon": "comment",
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@hooks.register("register_admin_urls")
def register_moderation_url():
    return [path("moderation/", moderation_queue, name="deliberation_moderation")]


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_council_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return _StaffMenuItem(
        gettext_lazy("Modération"),
        reverse("deliberation_moderation"),
        icon_name="warning",
        order=170,
    )
