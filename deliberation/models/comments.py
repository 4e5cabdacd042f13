"""Comments on proposals, amendments and consultations, and flags asking to moderate them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.texts import Amendment, Proposal


class Comment(models.Model):
    """A remark on a proposal or an amendment, or a resident's comment in a consultation;
    replies go one level deep."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de modération")
        PUBLISHED = "published", _("publié")
        HIDDEN = "hidden", _("masqué")

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("proposition"),
    )
    amendment = models.ForeignKey(
        Amendment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("amendement"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("en réponse à"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliberation_comments",
        verbose_name=_("auteur·rice"),
    )
    # A resident's comment in a public consultation (then neither proposal nor amendment).
    consultation = models.ForeignKey(
        "Consultation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("consultation"),
    )
    # Sanitised once, on write (deliberation.text.sanitize); safe to render as is.
    body = models.TextField(_("texte"))
    created = models.DateTimeField(_("publié le"), auto_now_add=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    # Shown publicly in place of a hidden comment's text.
    hidden_reason = models.CharField(_("motif du masquage"), max_length=255, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modéré par"),
    )
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=False, amendment__isnull=True, consultation__isnull=True)
                    | Q(proposal__isnull=True, amendment__isnull=False, consultation__isnull=True)
                    | Q(proposal__isnull=True, amendment__isnull=True, consultation__isnull=False)
                ),
                name="comment_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Commentaire de %(author)s") % {"author": self.author})

    @property
    def hidden(self) -> bool:
        return self.status == self.Status.HIDDEN

    @property
    def pending(self) -> bool:
        return self.status == self.Status.PENDING


class CommentFlag(models.Model):
    """Someone asks the moderation to look at a comment; resolved when it decides."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="flags", verbose_name=_("commentaire")
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("signalé par"),
    )
    reason = models.CharField(_("motif"), max_length=255)
    created = models.DateTimeField(_("signalé le"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.reason
