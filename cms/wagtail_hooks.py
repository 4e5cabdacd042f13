"""The secretariat prepares meetings and their agendas in the Wagtail admin.

The admin's form edits a Meeting with its agenda items inline, and its save goes through
deliberation's action `do_save_meeting` (so live rooms redraw the agenda), registered in
Wagtail's action registry for the Meeting model: the admin never saves the model itself.
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
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from council import rules as council_rules
from council.models import Membership, Role, User
from deliberation.actions import do_save_meeting
from deliberation.models import Meeting

_STAFF_ROLES = (Role.SECRETARY, Role.CHAIR, Role.VICE_CHAIR)


def _is_council_staff(user) -> bool:
    return bool(
        user.is_active
        and (
            user.is_superuser
            or council_rules.is_secretariat(user)
            or council_rules.can_preside(user)
        )
    )


class MeetingPermissionPolicy(BasePermissionPolicy):
    """Who edits meetings comes from the council's rules, not from Django model permissions:
    any council's staff may prepare a meeting; changing one asks deliberation's own
    "deliberation.save_meeting" (staff of that meeting's council, meeting not closed).
    Nobody deletes a meeting from the admin: it is part of the council's record."""

    def user_has_permission(self, user, action):
        return action in ("add", "change", "view") and _is_council_staff(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return _is_council_staff(user)
        if action == "change":
            return user.is_active and user.has_perm("deliberation.save_meeting", instance)
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return Meeting.objects.all()
        return Meeting.objects.none()

    def users_with_any_permission(self, actions):
        if not set(actions) & {"add", "change", "view"}:
            return User.objects.none()
        staff = Membership.objects.current().filter(role__in=_STAFF_ROLES).values("user_id")
        return User.objects.filter(is_active=True).filter(pk__in=staff) | User.objects.filter(
            is_active=True, is_superuser=True
        )


def _reindex_meeting_pages(meeting: Meeting) -> None:
    from cms.models import MeetingPage

    for page in MeetingPage.objects.filter(meeting=meeting):
        index.insert_or_update_object(page)


class _SaveThroughAction:
    """Replaces the generic form.save(): the form fills the meeting and its agenda in
    memory (modelcluster), then deliberation's action saves them and tells the rooms."""

    form = None
    instance: Meeting
    user = None

    def _save_instance(self):
        meeting = self.form.save(commit=False) if self.form is not None else self.instance
        self.instance = do_save_meeting(meeting, acting_user=self.user)
        if self.form is not None:
            self.form.save_m2m()
        _reindex_meeting_pages(self.instance)


class CreateMeetingAction(_SaveThroughAction, CreateAction):
    def _save_instance(self):
        from cms.publishing import ensure_meeting_page

        super()._save_instance()
        ensure_meeting_page(self.instance, user=self.user)


class EditMeetingAction(_SaveThroughAction, EditAction):
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


register_permission_policy(Meeting, MeetingPermissionPolicy(Meeting))
register_snippet(MeetingViewSet)


@hooks.register("register_admin_urls")
def register_minutes_urls():
    from django.urls import path

    from cms.admin_views import generate_minutes

    return [
        path(
            "seances/<int:meeting_id>/proces-verbal/",
            generate_minutes,
            name="cms_generate_minutes",
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def minutes_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Meeting) and user.has_perm("cms.generate_minutes", snippet):
        from django.urls import reverse
        from wagtail.admin.widgets import Button

        yield Button(
            _("Rédiger le procès-verbal"),
            reverse("cms_generate_minutes", args=(snippet.pk,)),
            icon_name="doc-full",
            priority=30,
        )
