"""A meeting's minutes (procès-verbal) page and the council's approval of it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.archive.links import decision_url
from cms.blocks import BodyBlock
from cms.exports import pdf
from cms.models.base import BasePage, ChairPublishesTester
from cms.translation import in_reader_language
from deliberation import selectors as deliberation_selectors
from deliberation.models import Meeting


class MinutesPermissionTester(ChairPublishesTester):
    """Minutes the council has approved are part of its record: nobody edits, unpublishes
    or deletes them any more."""

    def _approved(self) -> bool:
        # The approval names the original; its translations are approved with it.
        return MinutesApproval.objects.filter(
            minutes__translation_key=self.page.translation_key
        ).exists()

    def can_edit(self):
        return super().can_edit() and not self._approved()

    def can_unpublish(self):
        return super().can_unpublish() and not self._approved()

    def can_delete(self, *args, **kwargs):
        return super().can_delete(*args, **kwargs) and not self._approved()


class MinutesPage(RoutablePageMixin, BasePage):
    """A meeting's minutes (procès-verbal): drafted from the meeting's record by
    cms.minutes.minutes, edited by the secretariat, published after the chair's approval, and
    approved by the council at a later meeting (MinutesApproval)."""

    meeting = models.ForeignKey(
        "deliberation.Meeting",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("séance"),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("texte du procès-verbal"))
    # The decision chain's head when the draft was written: printed on every copy, so a
    # paper copy anchors the chain.
    head_position = models.PositiveIntegerField(_("décisions dans la chaîne"), default=0)
    head_hash = models.CharField(_("empreinte de tête de la chaîne"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("projet rédigé le"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("meeting", read_only=True),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("generated_at", read_only=True),
                FieldPanel("head_position", read_only=True),
                FieldPanel("head_hash", read_only=True),
            ],
            heading=_("Intégrité"),
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.MeetingPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    # Written from the meeting's record by cms.minutes.minutes (the meetings admin's "Rédiger le
    # procès-verbal"), never as a blank page.
    is_creatable = False

    class Meta:
        verbose_name = _("procès-verbal")
        verbose_name_plural = _("procès-verbaux")

    def permissions_for_user(self, user):
        return MinutesPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(minutes_context(self))
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("pdf/", name="pdf")
    def pdf(self, request):
        return pdf.minutes_response(
            self, request, approval_ids=_approval_ids(self), context=minutes_context
        )


class MinutesApproval(models.Model):
    """The council approved these minutes by this decision. Kept apart from the page so
    that no revision, restored or republished, can drop it."""

    minutes = models.OneToOneField(
        MinutesPage,
        on_delete=models.PROTECT,
        related_name="approval",
        verbose_name=_("procès-verbal"),
    )
    decision = models.OneToOneField(
        "deliberation.Decision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("décision d'approbation"),
    )
    approved_on = models.DateField(_("approuvé le"))
    created = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("approbation d'un procès-verbal")
        verbose_name_plural = _("approbations de procès-verbaux")

    def __str__(self) -> str:
        return f"{self.minutes} — {self.decision.reference}"


def _approval_ids(page: MinutesPage) -> list[int]:
    return list(MinutesApproval.objects.filter(minutes_id=page.pk).values_list("pk", flat=True))


def published_minutes(meeting: Meeting) -> MinutesPage | None:
    return in_reader_language(MinutesPage.objects.live().public().filter(meeting=meeting))


def minutes_context(page) -> dict[str, Any]:
    """A minutes page's decisions (read from the immutable records, not the editable text)
    and its approval by the council, in three queries."""
    decisions = list(
        deliberation_selectors.public_decisions()
        .filter(meeting_id=page.meeting_id)
        .select_related("council")
        .order_by("position")
    )
    for decision in decisions:
        decision.url = decision_url(decision)  # type: ignore[attr-defined]
    approval = (
        MinutesApproval.objects.filter(minutes__translation_key=page.translation_key)
        .select_related("decision__council")
        .first()
    )
    parent = page.get_parent()
    return {
        "meeting": page.meeting,
        "meeting_page": parent if parent.live else None,
        "decisions": decisions,
        "approval": approval,
        "approval_url": decision_url(approval.decision) if approval else None,
    }


# --- Follow-up of recommendations ----------------------------------------------------------
