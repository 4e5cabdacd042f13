"""The record of what the council decided: one immutable Decision per closed ballot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.models.ballots import Ballot
from deliberation.models.meetings import AgendaItem, Meeting
from deliberation.models.texts import ProposalVersion


class DecisionQuerySet(models.QuerySet["Decision"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise ImmutableError(_("Une décision enregistrée ne peut pas être modifiée."))

    def delete(self):  # type: ignore[no-untyped-def]
        raise ImmutableError(_("Une décision enregistrée ne peut pas être supprimée."))


class ImmutableError(Exception):
    pass


class Decision(models.Model):
    """What a closed ballot decided, recorded once and complete enough to stand alone."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("adopté")
        REJECTED = "rejected", _("rejeté")
        NO_QUORUM = "no_quorum", _("quorum non atteint")
        ELECTED = "elected", _("élu·e·s")
        RUNOFF = "runoff", _("second tour")
        NO_RESULT = "no_result", _("sans résultat")

    ballot = models.OneToOneField(
        Ballot, on_delete=models.PROTECT, related_name="decision", verbose_name=_("scrutin")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("séance")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("point de l'ordre du jour"),
    )
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome.choices)
    subject = models.CharField(_("objet"), max_length=20, choices=Ballot.Subject.choices)
    question = models.CharField(_("question posée"), max_length=500)
    secrecy = models.CharField(
        _("publicité du vote"), max_length=10, choices=Ballot.Secrecy.choices
    )
    rule = models.CharField(_("règle de majorité"), max_length=20, choices=Ballot.Rule.choices)
    # Open ballot: {"online": {"yes": n, "no": n, "abstain": n}, "room_roll_call": …,
    #  "proxy": …, "show_of_hands": …, "total": …, "voters": n (who could vote at close)}.
    # Secret ballot: {"total": …, "voters": n, "ballots": n (ballots cast)}: never a split by
    # channel, which would give away the voters of a small or unanimous channel.
    tally = models.JSONField(_("décompte par canal"))
    # {"members_with_vote": n, "present": n, "required": n, "reached": bool,
    #  "second_convocation": bool}
    quorum = models.JSONField(_("quorum"))
    # Named votes of an open ballot: [{"membership": id, "name": str, "choice": str,
    # "channel": str, "proxy_for": id|None, "proxy_for_name": str|None}]; [] when secret.
    named_votes = models.JSONField(_("votes nominatifs"), default=list)
    # The exact text put to the vote: the proposal's paragraphs, or the amendment's
    # operations with the paragraphs they change, or the procedural question.
    text_voted = models.JSONField(_("texte soumis au vote"))
    # Amendments this decision applied (an adopted amendment) or that the text voted
    # already contains (a proposal): [{"id", "number", "author", "operations"}].
    amendments_applied = models.JSONField(_("amendements appliqués"), default=list)
    resulting_version = models.ForeignKey(
        ProposalVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version résultante"),
    )
    opened_at = models.DateTimeField(_("scrutin ouvert le"))
    closed_at = models.DateTimeField(_("scrutin clos le"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("clos par"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    # The hash chain (deliberation.chain): filled in by do_close_ballot under a lock.
    council = models.ForeignKey(
        "council.Council",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("conseil"),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    number = models.PositiveIntegerField(_("numéro"))
    position = models.PositiveIntegerField(_("position dans la chaîne"), unique=True)
    previous_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte (SHA-256)"), max_length=64, unique=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "year", "number"], name="one_decision_number_per_year"
            ),
        ]
        # The archive lists the newest first (or the oldest: the same index read backwards).
        indexes = [models.Index(fields=["closed_at", "position"], name="decision_closed_idx")]

    def __str__(self) -> str:
        return f"{self.question} — {self.get_outcome_display()}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise ImmutableError(_("Une décision enregistrée ne peut pas être modifiée."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """Its public page, which the publication layer serves: the project's wiring sets
        this method (ABSOLUTE_URL_OVERRIDES, council/links.py)."""
        raise NotImplementedError("ABSOLUTE_URL_OVERRIDES names the decisions' public page")

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ImmutableError(_("Une décision enregistrée ne peut pas être supprimée."))

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.year}"
