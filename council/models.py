"""The council's people: accounts, councils and mandates."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Notification models live with their package; imported here so that Django registers them.
from council.notifications.models import Delivery as Delivery
from council.notifications.models import Subscription as Subscription


class User(AbstractUser):
    """An account. People log in by e-mail; the username stays for accounts without one."""

    email = models.EmailField(_("adresse e-mail"), unique=True, null=True, blank=True)  # type: ignore[assignment]
    # Only for the tie-break "the elder wins" of a council's rules of procedure; never shown.
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")

    def save(self, *args, **kwargs):
        # Several accounts without e-mail must not collide on "".
        self.email = self.email.strip().lower() if self.email else None
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username


class TieBreak(models.TextChoices):
    """Who wins an election's tie, as the council's rules of procedure say."""

    SENIORITY = "seniority", _("le ou la plus ancien·ne au conseil")
    AGE = "age", _("le ou la plus âgé·e")


class Council(models.Model):
    """A consultative council; one commune may run several (digital, seniors, youth…)."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    commune = models.CharField(_("commune"), max_length=120)
    mission = models.TextField(_("mission"), blank=True)
    tie_break = models.CharField(
        _("départage des candidat·es à égalité"),
        max_length=20,
        choices=TieBreak.choices,
        default=TieBreak.SENIORITY,
        help_text=_("La règle du règlement d'ordre intérieur pour une élection à égalité de voix."),
    )

    class Meta:
        verbose_name = _("conseil")
        verbose_name_plural = _("conseils")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CHAIR = "chair", _("président·e")
    VICE_CHAIR = "vice_chair", _("vice-président·e")
    MEMBER = "member", _("membre effectif·ve")
    SUBSTITUTE = "substitute", _("membre suppléant·e")
    SECRETARY = "secretary", _("secrétariat")
    OBSERVER = "observer", _("observateur·rice")
    # Counter, telephone and EPN staff who type in what residents say without a computer.
    MEDIATOR = "mediator", _("médiation (guichet)")
    # Elected by the council to sit for it in another body (`Membership.body`).
    DELEGATE = "delegate", _("délégué·e")


class EndReason(models.TextChoices):
    RESIGNATION = "resignation", _("démission")
    END_OF_TERM = "end_of_term", _("fin du mandat")
    REPLACED = "replaced", _("remplacement par un·e suppléant·e")
    OFFICE_CHANGE = "office_change", _("changement de fonction")
    OTHER = "other", _("autre motif")


# Roles that sit on the council (as opposed to staffing it or watching it).
SEATED_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE)
# Roles that vote by default; a substitute votes only while replacing a full member.
VOTING_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER)
# Mandates whose holder has a public record (a member page): a seat, or a delegation.
PUBLIC_RECORD_ROLES = (*SEATED_ROLES, Role.DELEGATE)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: datetime.date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)


class Membership(models.Model):
    """A mandate: someone holds a role in a council between two dates."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("personne")
    )
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("conseil")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    has_voting_right = models.BooleanField(_("droit de vote"), default=True)
    start = models.DateField(_("début du mandat"), default=timezone.localdate)
    end = models.DateField(_("fin du mandat"), null=True, blank=True)
    organisation = models.CharField(_("organisation représentée"), max_length=200, blank=True)
    # A delegate's mandate is held in another body (a commission, an intercommunal).
    body = models.CharField(_("organe"), max_length=200, blank=True)
    # The decisions that made and ended the mandate, by number ("14/2026"): the archive
    # (deliberation) links them; council/ stays below it.
    start_decision = models.CharField(_("décision de désignation"), max_length=20, blank=True)
    end_decision = models.CharField(_("décision de fin"), max_length=20, blank=True)
    end_reason = models.CharField(
        _("motif de fin"), max_length=20, choices=EndReason.choices, blank=True
    )
    # The mandate this one continues: a substitute's for the member they replace, an
    # officer's for their former seat.
    succeeds = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("succède à"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        ordering = ["council", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council", "start"], name="one_mandate_per_start"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="mandate_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.council})"


class LoginLetter(models.Model):
    """A printed letter's one-time code for an account without e-mail: only its hash is kept.

    Spent when the person chooses a password with it, or when a newer letter replaces it.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_letters", verbose_name=_("compte")
    )
    code_hash = models.CharField(_("empreinte du code"), max_length=128)
    created_at = models.DateTimeField(_("émise le"), default=timezone.now)
    expires_at = models.DateTimeField(_("valable jusqu’au"))
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("émise par"),
    )

    class Meta:
        verbose_name = _("lettre de connexion")
        verbose_name_plural = _("lettres de connexion")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%Y-%m-%d}"

    def is_valid(self, now: datetime.datetime | None = None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at
