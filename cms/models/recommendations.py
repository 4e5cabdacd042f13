"""Recommendations to the municipal college: the list and one recommendation with its
follow-up; the latest ones for the home page."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.base import HOME_LIST_SIZE, BasePage, ChairPublishesTester, paginate
from cms.models.meetings import MeetingPage
from cms.pages import follow_up
from cms.translation import in_reader_language
from deliberation.models import Decision


class RecommendationIndexPage(BasePage):
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RecommendationPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des recommandations")

    def permissions_for_user(self, user):
        return ChairPublishesTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (
            RecommendationPage.objects.child_of(self)
            .live()
            .public()
            .select_related("locale", "alias_of__locale")
            .order_by("-date", "-pk")
        )
        context["items"] = paginate(request, items)
        return context


class RecommendationPage(BasePage):
    """A recommendation to the municipal college, with its plain-language summary."""

    date = models.DateField(_("date de la recommandation"), default=timezone.localdate)
    summary = models.TextField(
        _("en bref"),
        help_text=_("Trois ou quatre phrases courtes, en langage clair, sans sigle."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("texte de la recommandation"))
    decision = models.ForeignKey(
        "deliberation.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décision d'origine"),
        help_text=_("Le vote du conseil dont vient cette recommandation, s'il y en a un."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("decision"),
        InlinePanel(
            "follow_up_steps",
            heading=_("Suite donnée par le collège communal"),
            label=_("étape du suivi"),
        ),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.RecommendationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")

    def permissions_for_user(self, user):
        return ChairPublishesTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["follow_up"] = follow_up.follow_up_of(
            self, list(self.follow_up_steps.all()), follow_up.today()
        )
        if self.decision_id:
            decision = Decision.objects.select_related("meeting", "agenda_item").get(
                pk=self.decision_id
            )
            context["decision"] = decision
            context["decision_page"] = in_reader_language(
                MeetingPage.objects.live().public().filter(meeting_id=decision.meeting_id)
            )
        return context


def latest_recommendations(root: Page, limit: int = HOME_LIST_SIZE) -> list[RecommendationPage]:
    return list(
        RecommendationPage.objects.descendant_of(root)
        .live()
        .public()
        .order_by("-date", "-pk")[:limit]
    )
