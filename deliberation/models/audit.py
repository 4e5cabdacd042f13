"""The audit trail of what was done to meetings and ballots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.models.ballots import Ballot
from deliberation.models.meetings import Meeting


class AuditEntry(models.Model):
    """One line of the audit trail: who did what to a meeting or a ballot, and when.

    Never holds a secret ballot's choice.
    """

    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    action = models.CharField(_("action"), max_length=60)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("séance"),
    )
    ballot = models.ForeignKey(
        Ballot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("scrutin"),
    )
    data = models.JSONField(_("détails"), default=dict)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des actions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
