"""The steps of what the municipal college did with a recommendation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


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

    page = ParentalKey(
        "cms.RecommendationPage", on_delete=models.CASCADE, related_name="follow_up_steps"
    )
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
