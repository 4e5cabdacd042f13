"""The meetings' pages: the list (with its calendar) and one meeting's page (with its
calendar entry and agenda pack), and the published meeting pages under a page."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.exports import calendar, pdf
from cms.models.base import BasePage
from cms.pages.agenda import meeting_agenda
from cms.pages.meetings import meeting_index, meeting_page_context


class MeetingIndexPage(RoutablePageMixin, BasePage):
    """Upcoming and past meetings, with a filter by year and a calendar of them all."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.MeetingPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des séances")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(meeting_index(meeting_pages(self), request))
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("calendrier/", name="calendar")
    def calendar(self, request):
        pages = meeting_pages(self)
        return calendar.response(
            calendar.build(pages, request, name=self.title), filename="seances.ics"
        )


class MeetingPage(RoutablePageMixin, BasePage):
    """The public face of one meeting. The page carries what Wagtail gives pages (drafts,
    revisions, preview, scheduled publishing, workflow); the meeting's facts and agenda are
    read from deliberation at each request, so the page never shows a stale agenda."""

    meeting = models.ForeignKey(
        "deliberation.Meeting",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("séance"),
    )
    body = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("informations pratiques"),
        help_text=_("Accès, accessibilité de la salle, interprétation, garde d'enfants…"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("meeting"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.SearchField("meeting_search_text"),
    ]
    parent_page_types = ["cms.MeetingIndexPage"]
    subpage_types = ["cms.MinutesPage"]

    class Meta:
        verbose_name = _("page de séance")

    @property
    def updated_at(self):
        dates = [d for d in (super().updated_at, self.meeting.updated) if d]
        return max(dates) if dates else None

    def meeting_search_text(self) -> str:
        """What search finds a meeting by: its title and place, every item's title, and the
        description of public items only (a closed item shows its title alone)."""
        parts = [self.meeting.title, self.meeting.place]
        for item in meeting_agenda(self.meeting):
            parts.append(item.title)
            if item.is_public:
                parts.append(item.description)
        return "\n".join(p for p in parts if p)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(meeting_page_context(self.meeting, request.user))
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("calendrier/", name="calendar")
    def calendar(self, request):
        return calendar.response(
            calendar.build([self], request, name=self.meeting.title),
            filename=f"seance-{self.meeting.pk}.ics",
        )

    @path("dossier-de-seance/", name="agenda_pack")
    def agenda_pack(self, request):
        return pdf.agenda_pack_response(self, request)


def meeting_pages(root: Page):
    """Published meeting pages under root, with their meeting, in chronological order."""
    return (
        MeetingPage.objects.descendant_of(root)
        .live()
        .public()
        .select_related("meeting")
        .order_by("meeting__start", "pk")
    )


def next_meeting_page(root: Page):
    return meeting_pages(root).filter(meeting__start__gte=timezone.now()).first()
