"""cms's part of the Wagtail admin: publishing a meeting's page, and writing its minutes.

The meetings' snippet itself is deliberation's (`deliberation.admin.meetings`); cms extends
its save actions so a new meeting gets its public page and every save re-indexes the
meeting's pages for search, and adds the minutes screen with its button on the listing.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.search import index

from cms.minutes.admin_views import generate_minutes
from cms.minutes.publishing import ensure_meeting_page
from cms.models.meetings import MeetingPage
from deliberation.admin import meetings as meetings_admin
from deliberation.models import Meeting


def _reindex_meeting_pages(meeting: Meeting) -> None:
    for page in MeetingPage.objects.filter(meeting=meeting):
        index.insert_or_update_object(page)


class CreateMeetingAction(meetings_admin.CreateMeetingAction):
    def _save_instance(self):
        super()._save_instance()
        _reindex_meeting_pages(self.instance)
        ensure_meeting_page(self.instance, user=self.user)


class EditMeetingAction(meetings_admin.EditMeetingAction):
    def _save_instance(self):
        super()._save_instance()
        _reindex_meeting_pages(self.instance)


# Registered after deliberation's own save actions (order 0), which these replace.
@hooks.register("register_actions", order=10)
def register_meeting_page_actions(registry):
    registry.register(Meeting, CreateMeetingAction)
    registry.register(Meeting, EditMeetingAction)


@hooks.register("register_admin_urls")
def register_minutes_urls():
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
        yield Button(
            _("Rédiger le procès-verbal"),
            reverse("cms_generate_minutes", args=(snippet.pk,)),
            icon_name="doc-full",
            priority=30,
        )
