"""Wagtail pages and settings that present the council."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from cms.blocks import BodyBlock
from council.models import SEATED_ROLES
from council.selectors import member_slug, members_by_role, seated_person
from deliberation.selectors import member_record

PAGE_SIZE = 10


@register_setting(icon="mail")
class ContactSettings(BaseSiteSetting):
    """How to reach the council without a computer: shown on every page."""

    phone = models.CharField(_("téléphone"), max_length=40, default="010 12 34 56")
    phone_hours = models.CharField(
        _("heures de permanence téléphonique"),
        max_length=200,
        default="du lundi au vendredi, de 9 h à 12 h et de 13 h 30 à 16 h",
    )
    counter_address = models.CharField(
        _("adresse du guichet"), max_length=200, default="Hôtel de ville, place Communale 1"
    )
    counter_hours = models.CharField(
        _("heures d'ouverture du guichet"),
        max_length=200,
        default="du lundi au vendredi de 9 h à 12 h, le mercredi jusqu'à 18 h",
    )
    email = models.EmailField(_("adresse e-mail"), default="conseil.numerique@example.org")
    epn_address = models.CharField(
        _("adresse de l'espace public numérique (EPN)"),
        max_length=200,
        default="EPN de la bibliothèque, rue de l'École 3",
    )
    epn_hours = models.CharField(
        _("heures d'ouverture de l'EPN"),
        max_length=200,
        default="le mardi et le jeudi de 14 h à 18 h, le samedi de 9 h à 12 h",
    )

    class Meta:
        verbose_name = _("coordonnées du conseil")


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of results; a wrong or out-of-range ?page= gives the nearest real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class BasePage(Page):
    """What every public page shares: a lead paragraph and its last update date."""

    intro = models.TextField(_("introduction"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    @property
    def content_language(self) -> str:
        from cms.translation import content_language

        return content_language(self)

    @property
    def updated_at(self):
        return self.last_published_at or self.latest_revision_created_at


class HomePage(BasePage):
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_highlights(self))
        return context


class StandardPage(BasePage):
    """Accessibility statement, legal notice, contact and other plain pages."""

    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("page simple")


class CouncilPage(RoutablePageMixin, BasePage):
    """What the council is and who sits on it; the members come live from council/, each
    with a page of their public record (membres/<name>-<number>/)."""

    council = models.ForeignKey(
        "council.Council",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("conseil"),
    )
    charter = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("charte et fonctionnement"),
        help_text=_("Le règlement d'ordre intérieur, en langage clair."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("council"),
        FieldPanel("intro"),
        FieldPanel("charter"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("charter")]
    parent_page_types = ["cms.HomePage"]

    class Meta:
        verbose_name = _("page du conseil")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members_by_role"] = members_by_role(self.council)
        for _role, mandates in context["members_by_role"]:
            for mandate in mandates:
                if mandate.role in SEATED_ROLES:
                    mandate.member_path = self.reverse_subpage(
                        "member", kwargs={"slug": member_slug(mandate.user)}
                    )
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("membres/<slug:slug>/", name="member")
    def member(self, request, slug):
        person = seated_person(self.council, slug)
        if person is None:
            raise Http404
        canonical = member_slug(person)
        if slug != canonical:
            return redirect(
                self.url + self.reverse_subpage("member", kwargs={"slug": canonical}),
                permanent=True,
            )
        record = member_record(self.council_id, person.pk)
        return self.render(
            request,
            template="cms/member_page.html",
            context_overrides={
                "person": person,
                "record": record,
                "votes": paginate(request, record.votes, per_page=50),
            },
        )


class ChairPublishesTester(PagePermissionTester):
    """Only the chair (or vice-chair) publishes: the secretariat submits to the workflow.

    Group permissions are inherited down the tree and cannot be taken back on a subtree,
    so the rule sits on the page type itself."""

    def _may_publish(self) -> bool:
        return self.user.is_superuser or self.user.has_perm("council.preside")

    def can_publish(self):
        return super().can_publish() and self._may_publish()

    def can_publish_subpage(self):
        return super().can_publish_subpage() and self._may_publish()


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
        items = RecommendationPage.objects.child_of(self).live().public().order_by("-date", "-pk")
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
        from cms import selectors
        from cms.translation import in_reader_language

        context = super().get_context(request, *args, **kwargs)
        context["follow_up"] = selectors.follow_up_of(
            self, list(self.follow_up_steps.all()), selectors.today()
        )
        if self.decision_id:
            from deliberation.models import Decision

            decision = Decision.objects.select_related("meeting", "agenda_item").get(
                pk=self.decision_id
            )
            context["decision"] = decision
            context["decision_page"] = in_reader_language(
                MeetingPage.objects.live().public().filter(meeting_id=decision.meeting_id)
            )
        return context


class NewsIndexPage(BasePage):
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des actualités")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.child_of(self).live().public().order_by("-date", "-pk")
        context["items"] = paginate(request, items)
        return context


class NewsPage(BasePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    body = StreamField(BodyBlock(), verbose_name=_("contenu"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("date"), FieldPanel("intro")], heading=_("en-tête")),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")


class MeetingIndexPage(RoutablePageMixin, BasePage):
    """Upcoming and past meetings, with a filter by year and a calendar of them all."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.MeetingPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des séances")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.meeting_index(self, request))
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("calendrier/", name="calendar")
    def calendar(self, request):
        from cms import calendar, selectors

        pages = selectors.meeting_pages(self)
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
        from cms import selectors

        parts = [self.meeting.title, self.meeting.place]
        for item in selectors.meeting_agenda(self.meeting):
            parts.append(item.title)
            if item.is_public:
                parts.append(item.description)
        return "\n".join(p for p in parts if p)

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.meeting_page_context(self.meeting, request.user))
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("calendrier/", name="calendar")
    def calendar(self, request):
        from cms import calendar

        return calendar.response(
            calendar.build([self], request, name=self.meeting.title),
            filename=f"seance-{self.meeting.pk}.ics",
        )

    @path("dossier-de-seance/", name="agenda_pack")
    def agenda_pack(self, request):
        from cms import pdf

        return pdf.agenda_pack_response(self, request)


class FollowUpStep(Orderable):
    """One step of what the municipal college did with a recommendation: sent, answered,
    then what became of it. The recommendation's status is its latest step's."""

    class Kind(models.TextChoices):
        SENT = "sent", _("envoi au collège communal")
        RESPONSE = "response", _("réponse du collège communal")
        UPDATE = "update", _("point d'étape")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de réponse")
        ANSWERED = "answered", _("réponse reçue")
        ACCEPTED = "accepted", _("acceptée")
        PARTLY_ACCEPTED = "partly_accepted", _("partiellement acceptée")
        REJECTED = "rejected", _("rejetée")
        IMPLEMENTED = "implemented", _("mise en œuvre")

    page = ParentalKey(RecommendationPage, on_delete=models.CASCADE, related_name="follow_up_steps")
    date = models.DateField(_("date"))
    kind = models.CharField(_("étape"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("statut après cette étape"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
    )
    text = models.TextField(
        _("texte"),
        blank=True,
        help_text=_("La réponse du collège, ou ce qui a été fait, en langage clair."),
    )

    panels = [
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("status"),
        FieldPanel("text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("étape du suivi")
        verbose_name_plural = _("étapes du suivi")

    def __str__(self) -> str:
        return f"{self.date} — {self.get_kind_display()}"


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
    cms.minutes, edited by the secretariat, published after the chair's approval, and
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
    # Written from the meeting's record by cms.minutes (the meetings admin's "Rédiger le
    # procès-verbal"), never as a blank page.
    is_creatable = False

    class Meta:
        verbose_name = _("procès-verbal")
        verbose_name_plural = _("procès-verbaux")

    def permissions_for_user(self, user):
        return MinutesPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.minutes_context(self))
        return context

    @path("", name="index")
    def index(self, request):
        return self.render(request)

    @path("pdf/", name="pdf")
    def pdf(self, request):
        from cms import pdf

        return pdf.minutes_response(self, request)


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


class DecisionSearch(models.Model):
    """The archive's full-text index of one decision: a French tsvector of its question, its
    agenda item's and its meeting's titles, under a GIN index (PostgreSQL; on SQLite the
    archive searches words and this table stays empty). Written by cms.search_index when a
    decision is recorded; no database constraint ties it to the immutable decisions table."""

    decision = models.OneToOneField(
        "deliberation.Decision",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="search_entry",
    )
    document = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("index de recherche d'une décision")

    def __str__(self) -> str:
        return str(self.decision_id)
