"""The secretariat prepares meetings and their agendas in the Wagtail admin.

The admin's form edits a Meeting with its agenda items inline, and its save goes through
deliberation's action `do_save_meeting` (so live rooms redraw the agenda), registered in
Wagtail's action registry for the Meeting model: the admin never saves the model itself.
cms extends these save actions to publish and index the meeting's page (`cms.admin`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from council.staff_policy import CouncilStaffPermissionPolicy
from deliberation.actions import do_save_meeting
from deliberation.admin.saving import SaveThroughAction
from deliberation.models import Meeting


class MeetingSaveThrough(SaveThroughAction):
    """The meeting and its agenda, saved by deliberation's action, which tells the rooms."""

    def save_through(self, meeting: Meeting) -> Meeting:
        return do_save_meeting(meeting, acting_user=self.user)


class CreateMeetingAction(MeetingSaveThrough, CreateAction):
    pass


class EditMeetingAction(MeetingSaveThrough, EditAction):
    pass


@hooks.register("register_actions")
def register_meeting_actions(registry):
    registry.register(Meeting, CreateMeetingAction)
    registry.register(Meeting, EditMeetingAction)


class MeetingAdminForm(WagtailAdminModelForm):
    """The admin prepares and convenes; opening and closing the session happen in the
    chair's console (deliberation's actions), so those states are not offered here."""

    PREPARATION_STATES = (Meeting.State.DRAFT, Meeting.State.CONVENED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "state" in self.fields:
            current = self.instance.state if self.instance.pk else None
            self.fields["state"].choices = [
                (value, label)
                for value, label in Meeting.State.choices
                if value in self.PREPARATION_STATES or value == current
            ]


class MeetingViewSet(SnippetViewSet):
    model = Meeting
    icon = "date"
    menu_label = _("Séances")
    menu_name = "meetings"
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["title", "start", "place", "mode", "state"]
    list_filter = ["state", "mode", "council"]
    list_per_page = 50
    ordering = ["-start"]
    search_fields = ["title", "place"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("council"),
                    FieldPanel("title"),
                    FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                    FieldRowPanel([FieldPanel("place"), FieldPanel("mode")]),
                    FieldRowPanel([FieldPanel("state"), FieldPanel("second_convocation")]),
                ],
                heading=_("La séance"),
            ),
            MultiFieldPanel(
                [FieldPanel("conference_url"), FieldPanel("livestream_url")],
                heading=_("Vidéo"),
            ),
            InlinePanel(
                "agenda_items",
                heading=_("Ordre du jour"),
                label=_("point"),
                panels=[
                    FieldPanel("number"),
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("is_public")]),
                    FieldPanel("documents"),
                ],
            ),
        ],
        base_form_class=MeetingAdminForm,
    )


register_permission_policy(
    Meeting, CouncilStaffPermissionPolicy(Meeting, "deliberation.save_meeting")
)
register_snippet(MeetingViewSet)
