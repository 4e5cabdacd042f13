"""The texts put to the council: proposals, their versions and amendments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.models.meetings import AgendaItem


class Proposal(models.Model):
    """A text put to the council under an agenda item, kept as numbered paragraphs."""

    class State(models.TextChoices):
        DRAFT = "draft", _("projet")
        ADOPTED = "adopted", _("adoptée")
        REJECTED = "rejected", _("rejetée")
        WITHDRAWN = "withdrawn", _("retirée")

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("point de l'ordre du jour"),
    )
    title = models.CharField(_("titre"), max_length=255)
    summary = models.TextField(
        _("en bref"), blank=True, help_text=_("Résumé en langage clair, facultatif.")
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="proposals", verbose_name=_("auteur·rices")
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.title


class ProposalVersion(models.Model):
    """A readable state of a proposal's text; every change makes a new one."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="versions", verbose_name=_("proposition")
    )
    number = models.PositiveIntegerField(_("version"))
    paragraphs = models.JSONField(_("paragraphes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    from_amendment = models.ForeignKey(
        "Amendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_versions",
        verbose_name=_("issue de l'amendement"),
    )

    class Meta:
        verbose_name = _("version d'une proposition")
        verbose_name_plural = _("versions d'une proposition")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} (v{self.number})"


class Amendment(models.Model):
    """A change to some paragraphs of one version of a proposal.

    `operations` is a list of {"op": "replace" | "delete" | "insert_after",
    "paragraph": <1-based number in base_version>, "text": <new text or "">}.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("déposé")
        ADOPTED = "adopted", _("adopté")
        REJECTED = "rejected", _("rejeté")
        WITHDRAWN = "withdrawn", _("retiré")
        STALE = "stale", _("à actualiser")

    class Op(models.TextChoices):
        REPLACE = "replace", _("remplacer")
        DELETE = "delete", _("supprimer")
        INSERT_AFTER = "insert_after", _("insérer après")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("proposition")
    )
    number = models.PositiveIntegerField(_("numéro"))
    base_version = models.ForeignKey(
        ProposalVersion,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("version amendée"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("auteur·rice"),
    )
    operations = models.JSONField(_("modifications"), default=list)
    justification = models.TextField(_("justification"), blank=True)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    rebased_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rebased_as",
        verbose_name=_("actualisation de"),
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendement")
        verbose_name_plural = _("amendements")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="one_amendment_number"),
        ]

    def __str__(self) -> str:
        return str(_("Amendement %(number)s") % {"number": self.number})

    @property
    def paragraph_numbers(self) -> set[int]:
        return {int(op["paragraph"]) for op in self.operations}
