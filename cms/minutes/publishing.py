"""Writes to the publication's own pages (never to deliberation's models)."""

from __future__ import annotations

from django.utils.text import slugify
from wagtail.models import Locale

from cms.models.meetings import MeetingIndexPage, MeetingPage
from cms.translation import alias_in_other_trees
from deliberation.models import Meeting


def meeting_slug(meeting: Meeting) -> str:
    return slugify(f"{meeting.start:%Y-%m-%d} {meeting.title}")[:80].strip("-") or str(meeting.pk)


def ensure_meeting_page(meeting: Meeting, *, user=None, publish: bool = False):
    """The meeting's page under the meetings index of the default language, created as a
    draft the first time (the secretariat reviews and publishes or schedules it)."""
    existing = MeetingPage.objects.filter(meeting=meeting, locale=Locale.get_default()).first()
    if existing is not None:
        return existing
    index = MeetingIndexPage.objects.filter(locale=Locale.get_default()).first()
    if index is None:
        return None
    slug = meeting_slug(meeting)
    if MeetingPage.objects.child_of(index).filter(slug=slug).exists():
        slug = f"{slug}-{meeting.pk}"
    page = MeetingPage(title=meeting.title, slug=slug, meeting=meeting, live=publish)
    index.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    alias_in_other_trees(page)
    return page
