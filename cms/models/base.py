"""What every public page shares (a lead paragraph, its update date, pagination), the
council's contact settings shown on every page, and who may publish."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from cms.translation import content_language

PAGE_SIZE = 10
# How many of the latest recommendations, decisions and news the home page lists.
HOME_LIST_SIZE = 3


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
        return content_language(self)

    @property
    def updated_at(self):
        return self.last_published_at or self.latest_revision_created_at


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
