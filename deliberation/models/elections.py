"""Elections of persons: the office put to the vote, the candidacies, and their rounds.

An election's rounds are secret ballots (deliberation.models.ballots, `Ballot.election`):
online, proxy and paper votes go into a sealed urn whose options are the candidacies' keys,
"blank" and "invalid" (or yes/no/abstain for a single candidate), and the round's Decision
records the count step by step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.meetings import AgendaItem

BLANK = "blank"
INVALID = "invalid"
YES_NO_OPTIONS: tuple[str, ...] = ("yes", "no", "abstain")


class Election(models.Model):
    """The council elects one or more persons to an office on an agenda item."""

    class Office(models.TextChoices):
        CHAIR = "chair", _("présidence")
        VICE_CHAIR = "vice_chair", _("vice-présidence")
        DELEGATE = "delegate", _("délégation")

    class Mode(models.TextChoices):
        SINGLE = "single", _("scrutin uninominal")
        YES_NO = "yes_no", _("oui / non / abstention (candidature unique)")
        LIST = "list", _("scrutin de liste (plusieurs sièges)")

    class State(models.TextChoices):
        CANDIDACIES = "candidacies", _("appel aux candidatures")
        VOTING = "voting", _("vote")
        DECIDED = "decided", _("élu·e·s désigné·e·s")
        NO_RESULT = "no_result", _("sans résultat")

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name=_("point de l'ordre du jour"),
    )
    office = models.CharField(_("mandat"), max_length=20, choices=Office.choices)
    body = models.CharField(_("organe (délégation)"), max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField(_("sièges à pourvoir"), default=1)
    mode = models.CharField(_("mode de scrutin"), max_length=10, choices=Mode.choices)
    candidacies_open_at = models.DateTimeField(_("candidatures à partir du"))
    candidacies_close_at = models.DateTimeField(_("candidatures jusqu'au"))
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.CANDIDACIES
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ouverte par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("élection")
        verbose_name_plural = _("élections")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="election_at_least_one_seat"),
        ]

    def __str__(self) -> str:
        label = str(self.get_office_display())
        return f"{label} — {self.body}" if self.body else label

    @property
    def role(self) -> str:
        """The council.Role the elected receive (the offices share Role's values)."""
        return str(self.office)


class Candidacy(models.Model):
    """A member standing for the office: by themselves, or proposed by another member, in
    which case the candidacy counts only once the candidate has consented."""

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("élection")
    )
    candidate = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("candidat·e"),
    )
    proposed_by = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposé·e par"),
    )
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    consented_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "candidate"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_candidacy_per_candidate",
            ),
        ]

    def __str__(self) -> str:
        return str(self.candidate.user)

    @property
    def key(self) -> str:
        """The candidacy's option in a round's urn."""
        return str(self.pk)

    @property
    def counts(self) -> bool:
        return self.consented_at is not None and self.withdrawn_at is None
