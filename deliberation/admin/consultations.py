"""Public consultations in the Wagtail admin: the secretariat opens them as snippets.

A consultation's save goes through `actions.check_save_consultation` (registered in
Wagtail's action registry, like the meetings' snippet in `deliberation.admin.meetings`):
the admin never saves these models itself. Residents' comments are moderated in the queue
of `deliberation.admin.moderation`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from council.staff_policy import CouncilStaffPermissionPolicy
from deliberation import actions
from deliberation.actions import ActionError
from deliberation.admin.saving import SaveThroughAction
from deliberation.models import Consultation


class ConsultationAdminForm(WagtailAdminModelForm):
    """The action's checks run as the form's validation, so a refusal shows on the field."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            actions.validate_consultation(self.instance, acting_user=self.for_user)
        except ActionError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error))


class ConsultationSaveThrough(SaveThroughAction):
    def save_through(self, consultation: Consultation) -> Consultation:
        return actions.check_save_consultation(consultation, acting_user=self.user)


class CreateConsultationAction(ConsultationSaveThrough, CreateAction):
    pass


class EditConsultationAction(ConsultationSaveThrough, EditAction):
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
