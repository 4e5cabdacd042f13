"""The home page, plain pages (accessibility statement, legal notice…) and the council's
page with its members."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.base import BasePage, paginate
from cms.pages.home import home_highlights
from council.models import SEATED_ROLES
from council.notifications.views import member_follow_form
from council.selectors import current_delegates, member_slug, members_by_role, seated_person
from deliberation.selectors import member_record


class HomePage(BasePage):
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(home_highlights(self))
        return context

    def get_view_restrictions(self):
        """Wagtail's rule in one query rather than two: a home page's ancestors are the
        tree's root alone, which is never an alias; an alias follows its original's.

        The same query reads the restrictions below the page, which its highlights leave
        out (`restricted_paths`): what is returned is a queryset like Wagtail's, filled."""
        ancestors = [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]
        applies = Q(page__path__in=ancestors) | Q(page_id=self.alias_of_id or self.pk)
        rows = list(
            PageViewRestriction.objects.filter(applies | Q(page__path__startswith=self.path))
            .select_related("page")
            .order_by("pk")
        )
        self.restricted_paths = [r.page.path for r in rows]
        restrictions = PageViewRestriction.objects.filter(applies)
        applying = {self.alias_of_id or self.pk}
        restrictions._result_cache = [
            r for r in rows if r.page_id in applying or r.page.path in ancestors
        ]
        return restrictions


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

    def member_path(self, user) -> str:
        return self.reverse_subpage("member", kwargs={"slug": member_slug(user)})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members_by_role"] = members_by_role(self.council)
        context["delegates"] = current_delegates(self.council)
        for _role, mandates in context["members_by_role"]:
            for mandate in mandates:
                if mandate.role in SEATED_ROLES:
                    mandate.member_path = self.member_path(mandate.user)
        for mandate in context["delegates"]:
            mandate.member_path = self.member_path(mandate.user)
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
        for mandate in record.mandates:
            if mandate.succeeds is not None and mandate.succeeds.user_id != person.pk:
                mandate.succeeds.member_path = self.member_path(mandate.succeeds.user)
            for successor in mandate.successors.all():
                if successor.user_id != person.pk:
                    successor.member_path = self.member_path(successor.user)
        return self.render(
            request,
            template="cms/member_page.html",
            context_overrides={
                "person": person,
                "record": record,
                "votes": paginate(request, record.votes, per_page=50),
                "follow_form": member_follow_form(request),
                "votes_csv": reverse("cms:votes_csv")
                + "?"
                + urlencode({"conseil": self.council.slug, "membre": person.pk}),
            },
        )
