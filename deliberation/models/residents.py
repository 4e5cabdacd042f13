"""Residents' voice: contributions received at the mediation desk, public consultations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.meetings import AgendaItem
from deliberation.models.texts import Proposal


class ContributionChannel(models.TextChoices):
    """How a resident's contribution reached the council (a staffed channel, or online)."""

    PHONE = "phone", _("reçue par téléphone")
    LETTER = "letter", _("reçue par courrier")
    COUNTER = "counter", _("reçue au guichet")
    EPN = "epn", _("reçue à l'espace public numérique")
    EMAIL = "email", _("reçue par e-mail")


class Contribution(models.Model):
    """A resident's opinion on an agenda item or a proposal, received at the mediation desk
    (phone, letter, counter, EPN, e-mail) and typed in by a mediator.

    Without the resident's consent it is counted and forwarded to the council, never shown.
    """

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("point de l'ordre du jour"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("proposition"),
    )
    # Blank means the resident chose to stay anonymous.
    resident_name = models.CharField(_("nom de l'habitant·e"), max_length=200, blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=ContributionChannel.choices)
    received_on = models.DateField(_("reçue le"))
    # Sanitised once, on write (deliberation.text.sanitize); safe to render as is.
    body = models.TextField(_("texte transcrit"))
    consent_to_publish = models.BooleanField(_("accord pour publier"), default=False)
    # Unambiguous characters only (see deliberation.selectors.mediation), stored without the dash.
    receipt_code = models.CharField(_("code de suivi"), max_length=12, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution d'un·e habitant·e")
        verbose_name_plural = _("contributions des habitant·es")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.receipt_code} — {self.get_channel_display()}"


class Consultation(models.Model):
    """An agenda item or a proposal opened to residents' comments for a period.

    Moderation "before" holds each comment until the secretariat publishes it; "after"
    publishes at once and the secretariat hides what breaks the rules.
    """

    class Moderation(models.TextChoices):
        BEFORE = "before", _("a priori : relu avant publication")
        AFTER = "after", _("a posteriori : publié aussitôt, masqué si nécessaire")

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("point de l'ordre du jour"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("proposition"),
        help_text=_("Facultatif : la proposition soumise à consultation, sur ce point."),
    )
    title = models.CharField(_("titre"), max_length=200)
    question = models.CharField(_("question posée"), max_length=500)
    introduction = models.TextField(
        _("présentation"),
        blank=True,
        help_text=_("Quelques phrases en langage clair sur ce qui est soumis à l'avis."),
    )
    start = models.DateTimeField(_("ouverture"))
    end = models.DateTimeField(_("clôture"))
    moderation = models.CharField(
        _("modération"), max_length=10, choices=Moderation.choices, default=Moderation.AFTER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouverte par"),
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="consultation_ends_after_start",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def moderated_before(self) -> bool:
        return self.moderation == self.Moderation.BEFORE
