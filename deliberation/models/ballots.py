"""Ballots and the votes cast in them: named votes, and a secret ballot's participation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.meetings import AgendaItem
from deliberation.models.texts import Amendment, Proposal, ProposalVersion


class Choice(models.TextChoices):
    YES = "yes", _("pour")
    NO = "no", _("contre")
    ABSTAIN = "abstain", _("abstention")


class VoteChannel(models.TextChoices):
    ONLINE = "online", _("en ligne")
    ROOM_ROLL_CALL = "room_roll_call", _("en salle (appel nominal)")
    PROXY = "proxy", _("par procuration")


class Ballot(models.Model):
    """A vote of the council on an amendment, a proposal or a procedural question."""

    class Subject(models.TextChoices):
        AMENDMENT = "amendment", _("amendement")
        PROPOSAL = "proposal", _("proposition")
        PROCEDURAL = "procedural", _("question de procédure")
        ELECTION = "election", _("élection")

    class Method(models.TextChoices):
        YES_NO_ABSTAIN = "yes_no_abstain", _("pour / contre / abstention")

    class Secrecy(models.TextChoices):
        OPEN = "open", _("vote nominatif")
        SECRET = "secret", _("scrutin secret")

    class Rule(models.TextChoices):
        SIMPLE = "simple", _("majorité simple")
        ABSOLUTE = "absolute", _("majorité absolue")
        TWO_THIRDS = "two_thirds", _("majorité des deux tiers")

    class RoomMethod(models.TextChoices):
        ROLL_CALL = "roll_call", _("appel nominal")
        SHOW_OF_HANDS = "show_of_hands", _("à main levée (totaux)")
        # A secret ballot's room part: paper ballots counted by the tellers (scrutateurs).
        PAPER = "paper", _("bulletins papier (totaux des scrutateurs)")

    class State(models.TextChoices):
        DRAFT = "draft", _("en préparation")
        OPEN = "open", _("ouvert")
        CLOSED = "closed", _("clos")

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="ballots",
        verbose_name=_("point de l'ordre du jour"),
    )
    subject = models.CharField(_("objet"), max_length=20, choices=Subject.choices)
    amendment = models.ForeignKey(
        Amendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
        verbose_name=_("amendement"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
        verbose_name=_("proposition"),
    )
    # The version put to the vote, fixed when the ballot opens.
    proposal_version = models.ForeignKey(
        ProposalVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
        verbose_name=_("version soumise au vote"),
    )
    question = models.CharField(_("question posée"), max_length=500)
    method = models.CharField(
        _("modalité de vote"),
        max_length=20,
        choices=Method.choices,
        default=Method.YES_NO_ABSTAIN,
    )
    secrecy = models.CharField(
        _("publicité du vote"), max_length=10, choices=Secrecy.choices, default=Secrecy.OPEN
    )
    rule = models.CharField(
        _("règle de majorité"), max_length=20, choices=Rule.choices, default=Rule.SIMPLE
    )
    room_method = models.CharField(
        _("vote en salle"),
        max_length=20,
        choices=RoomMethod.choices,
        default=RoomMethod.ROLL_CALL,
    )
    show_running_tally = models.BooleanField(
        _("afficher les résultats en cours de vote"), default=False
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    deadline = models.DateTimeField(_("fin annoncée du vote"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouvert par"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clos par"),
    )
    room_yes = models.PositiveIntegerField(_("pour (en salle)"), null=True, blank=True)
    room_no = models.PositiveIntegerField(_("contre (en salle)"), null=True, blank=True)
    room_abstain = models.PositiveIntegerField(_("abstentions (en salle)"), null=True, blank=True)
    room_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("totaux de la salle saisis par"),
    )
    # A secret ballot's counts, sealed (deliberation.urn) while it is open; emptied when it
    # closes, its totals then being the Decision's.
    urn = models.BinaryField(_("urne scellée"), null=True, blank=True, editable=False)
    # An election's round: the election, the round's number and the urn's options (the
    # candidacies' keys, blank and invalid), fixed when the round opens.
    election = models.ForeignKey(
        "deliberation.Election",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("élection"),
    )
    round_number = models.PositiveSmallIntegerField(_("tour"), null=True, blank=True)
    options = models.JSONField(_("options du bulletin"), default=list, blank=True)
    # How many paper ballots the tellers counted in the room (a secret ballot's turnout there;
    # what they said is in the urn).
    paper_ballots = models.PositiveIntegerField(_("bulletins papier"), null=True, blank=True)

    class Meta:
        verbose_name = _("scrutin")
        verbose_name_plural = _("scrutins")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=Q(state="open"),
                name="one_open_ballot_per_item",
            ),
            models.UniqueConstraint(
                fields=["election", "round_number"], name="one_ballot_per_election_round"
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_secret(self) -> bool:
        return self.secrecy == self.Secrecy.SECRET

    @property
    def has_show_of_hands(self) -> bool:
        return self.room_yes is not None

    @property
    def room_counts_totals(self) -> bool:
        """The room's part is entered as totals (show of hands, paper), not member by member."""
        return self.room_method != self.RoomMethod.ROLL_CALL

    @property
    def room_totals_entered(self) -> bool:
        return self.has_show_of_hands or self.paper_ballots is not None


class SeatVote(models.Model):
    """What a named vote and a secret ballot's participation share: one seat's one vote in a
    ballot, who cast it, through which channel and who recorded it. `voter` cast it;
    `proxy_for` is whom it was cast for."""

    voter = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("votant·e"),
    )
    channel = models.CharField(_("canal"), max_length=20, choices=VoteChannel.choices)
    proxy_for = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par procuration de"),
    )
    # Whose vote this is: the voter's own, the giver's for a proxy, the replaced full
    # member's for a substitute. One per ballot, whoever casts it.
    seat = models.ForeignKey(
        "council.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("siège"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistré par"),
    )

    class Meta:
        abstract = True
        constraints = [
            # A holder votes once in their own name and once for the proxy they hold.
            models.UniqueConstraint(
                fields=["ballot", "voter"],
                condition=Q(proxy_for__isnull=True),
                name="%(class)s_one_per_voter",
            ),
            models.UniqueConstraint(fields=["ballot", "proxy_for"], name="%(class)s_one_per_proxy"),
            models.UniqueConstraint(fields=["ballot", "seat"], name="%(class)s_one_per_seat"),
        ]


class Vote(SeatVote):
    """A named vote in an open ballot."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, related_name="votes", verbose_name=_("scrutin")
    )
    choice = models.CharField(_("choix"), max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(_("exprimé le"), auto_now_add=True)

    class Meta(SeatVote.Meta):
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.voter.user}: {self.get_choice_display()}"


class BallotParticipation(SeatVote):
    """Who took part in a secret ballot, and how; never what they chose (that is in the
    ballot's sealed urn, deliberation.urn), nor when."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, related_name="participations", verbose_name=_("scrutin")
    )

    class Meta(SeatVote.Meta):
        verbose_name = _("participation à un scrutin secret")
        verbose_name_plural = _("participations à un scrutin secret")

    def __str__(self) -> str:
        return str(self.voter.user)
