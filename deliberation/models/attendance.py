"""Who attends a meeting, and how; proxies given by absent members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.meetings import Meeting


class Attendance(models.Model):
    """Whether a member attends a meeting, and how; a substitute names whom they replace."""

    class Status(models.TextChoices):
        ROOM = "room", _("présent·e en salle")
        REMOTE = "remote", _("présent·e à distance")
        EXCUSED = "excused", _("excusé·e")
        ABSENT = "absent", _("absent·e")

    PRESENT = (Status.ROOM, Status.REMOTE)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("séance")
    )
    membership = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("mandat"),
    )
    status = models.CharField(_("présence"), max_length=10, choices=Status.choices)
    replaces = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_at",
        verbose_name=_("remplace"),
        help_text=_("Pour un·e suppléant·e : le membre effectif absent qu'il ou elle remplace."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="one_attendance_per_member"
            ),
            models.UniqueConstraint(
                fields=["meeting", "replaces"], name="one_substitute_per_absent_member"
            ),
            models.CheckConstraint(
                condition=~Q(replaces=F("membership")), name="substitute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} — {self.get_status_display()}"

    @property
    def is_present(self) -> bool:
        return self.status in self.PRESENT


class Proxy(models.Model):
    """An absent voting member lets a present member vote in their name for one meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("séance")
    )
    giver = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="proxies_given",
        verbose_name=_("mandant·e"),
    )
    holder = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="proxies_held",
        verbose_name=_("mandataire"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("procuration")
        verbose_name_plural = _("procurations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "giver"], name="one_proxy_per_giver"),
            models.UniqueConstraint(fields=["meeting", "holder"], name="one_proxy_per_holder"),
            models.CheckConstraint(condition=~Q(giver=F("holder")), name="proxy_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.giver.user} → {self.holder.user}"
