"""The speakers' list of an agenda item and each speaker's time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.meetings import AgendaItem


class SpeakerRequest(models.Model):
    """A place in an agenda item's speakers' list."""

    class State(models.TextChoices):
        WAITING = "waiting", _("en attente")
        SPEAKING = "speaking", _("a la parole")
        DONE = "done", _("est intervenu·e")
        REMOVED = "removed", _("retiré·e")

    class Kind(models.TextChoices):
        # Points of order and replies go to the head of the list (deliberation.timekeeping).
        SPEECH = "speech", _("intervention")
        POINT_OF_ORDER = "order", _("motion d'ordre")
        REPLY = "reply", _("réplique")

    ACTIVE = (State.WAITING, State.SPEAKING)

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="speaker_requests",
        verbose_name=_("point de l'ordre du jour"),
    )
    membership = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="speaker_requests",
        verbose_name=_("mandat"),
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.WAITING)
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    started_at = models.DateTimeField(_("début de l'intervention"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin de l'intervention"), null=True, blank=True)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.SPEECH)
    time_limit = models.PositiveIntegerField(
        _("temps de parole accordé (secondes)"),
        null=True,
        blank=True,
        help_text=_("Vide : celui du point ou de la séance ; 0 : sans limite."),
    )
    deadline = models.DateTimeField(_("fin du temps de parole"), null=True, blank=True)
    spoken_seconds = models.PositiveIntegerField(
        _("temps de parole utilisé (secondes)"), null=True, blank=True
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajoutée par"),
    )

    class Meta:
        verbose_name = _("demande de parole")
        verbose_name_plural = _("demandes de parole")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "membership"],
                condition=Q(state__in=["waiting", "speaking"]),
                name="one_active_request_per_member",
            ),
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=Q(state="speaking"),
                name="one_speaker_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} — {self.get_state_display()}"
