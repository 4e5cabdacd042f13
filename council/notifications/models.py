"""Subscriptions and deliveries."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Unambiguous characters for the short keys printed in text messages.
SHORT_KEY_ALPHABET = "23456789abcdefghjkmnpqrstvwxyz"


def new_short_key() -> str:
    return "".join(secrets.choice(SHORT_KEY_ALPHABET) for _ in range(10))


class Notice(models.TextChoices):
    MEETING_CONVENED = "meeting_convened", _("Une séance est convoquée")
    AGENDA_CHANGED = "agenda_changed", _("L’ordre du jour d’une séance change")
    CONSULTATION_OPENED = "consultation_opened", _("Une consultation s’ouvre")
    CONSULTATION_CLOSING = "consultation_closing", _("Une consultation va se clôturer")
    DECISION_RECORDED = "decision_recorded", _("Le conseil a pris une décision")
    FOLLOWUP_CHANGED = "followup_changed", _("Le suivi d’un avis reçu au guichet change")
    # Only for a subscription that follows one member (`Subscription.member`).
    MEMBER_ACTIVITY = (
        "member_activity",
        _("Un membre suivi vote, dépose un texte ou change de mandat"),
    )


# What a resident may choose on the general subscription form: a member's activity is
# followed from the member's page.
GENERAL_NOTICES = [(v, label) for v, label in Notice.choices if v != Notice.MEMBER_ACTIVITY]


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def active(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """Someone wants to hear of some events on one channel.

    Either an account's (confirmed at once) or an e-mail address without an account, which
    counts only once its owner followed the confirmation link (double opt-in).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_subscriptions",
        verbose_name=_("compte"),
    )
    # For an account the address is read from the account at sending time.
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("numéro de téléphone mobile"), max_length=20, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=NotificationChannel.choices)
    events = models.JSONField(_("événements"), default=list)
    # A subscription to one member's public activity (their open votes, texts tabled and
    # mandate changes); empty for the council-wide news.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("membre suivi·e"),
    )
    digest = models.BooleanField(_("un résumé par jour"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement aux notifications")
        verbose_name_plural = _("abonnements aux notifications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"],
                condition=Q(user__isnull=False, member__isnull=True),
                name="one_subscription_per_user_and_channel",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(user__isnull=True, member__isnull=True),
                name="one_subscription_per_address",
            ),
            models.UniqueConstraint(
                fields=["user", "channel", "member"],
                condition=Q(user__isnull=False, member__isnull=False),
                name="one_member_subscription_per_user_and_channel",
            ),
            models.UniqueConstraint(
                fields=["email", "member"],
                condition=Q(user__isnull=True, member__isnull=False),
                name="one_member_subscription_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient or '—'} ({self.get_channel_display()})"

    @property
    def recipient(self) -> str:
        if self.channel == NotificationChannel.SMS:
            return self.phone
        if self.user_id is not None:
            return (self.user.email if self.user else None) or ""
        return self.email

    @property
    def event_labels(self) -> list[str]:
        return [str(label) for value, label in Notice.choices if value in self.events]

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Delivery(models.Model):
    """One message to one subscriber, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        HELD = "held", _("gardé pour le résumé du jour")
        SENT = "sent", _("envoyé")
        DIGESTED = "digested", _("envoyé dans un résumé")
        FAILED = "failed", _("échec définitif")
        CANCELLED = "cancelled", _("annulé (désabonnement)")

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("abonnement"),
    )
    event = models.CharField(_("événement"), max_length=30, choices=Notice.choices)
    channel = models.CharField(_("canal"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("destinataire"), max_length=254)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"))
    # The page the message is about, as a path on this site.
    link = models.CharField(_("lien"), max_length=500, blank=True)
    # Short link in text messages: /n/<key>/ shows the link and the unsubscribe button.
    short_key = models.CharField(
        _("clé du lien court"), max_length=12, unique=True, default=new_short_key
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de notification")
        verbose_name_plural = _("envois de notifications")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient} ({self.get_status_display()})"
