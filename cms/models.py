"""Wagtail pages and settings that present the council."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock


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

    class Meta:
        verbose_name = _("coordonnées du conseil")


class HomePage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("page d'accueil")


class StandardPage(Page):
    """Accessibility statement, legal notice, contact and other plain pages."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("page simple")
