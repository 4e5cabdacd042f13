"""The deliberative process: meetings, agendas, attendance, proposals, ballots, decisions.

Nothing outside `deliberation.actions` saves these models; read them through
`deliberation.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.documents import get_document_model_string
from wagtail.models import Orderable


class Meeting(ClusterableModel):
    """A session of a council, convened at a place and time, run item by item."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("en présentiel")
        ONLINE = "online", _("en ligne")
        HYBRID = "hybrid", _("hybride")

    class State(models.TextChoices):
        DRAFT = "draft", _("en préparation")
        CONVENED = "convened", _("convoquée")
        IN_SESSION = "in_session", _("en séance")
        CLOSED = "closed", _("close")

    council = models.ForeignKey(
        "council.Council",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("conseil"),
    )
    title = models.CharField(_("titre"), max_length=200)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    mode = models.CharField(_("modalité"), max_length=20, choices=Mode.choices, default=Mode.HYBRID)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    second_convocation = models.BooleanField(
        _("seconde convocation"),
        default=False,
        help_text=_("Sur seconde convocation, le conseil délibère sans condition de quorum."),
    )
    current_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("point en cours"),
    )
    speaking_time = models.PositiveIntegerField(
        _("temps de parole par défaut (secondes)"),
        default=300,
        help_text=_("Par intervenant·e ; 0 : sans limite. La présidence peut le changer."),
    )
    # Video (deliberation/video.py): without a link of its own, the members' conference is
    # the commune's Jitsi Meet (settings.JITSI_DOMAIN) in a room named from SECRET_KEY.
    conference_url = models.URLField(
        _("lien de la visioconférence"),
        max_length=500,
        blank=True,
        help_text=_(
            "Pour un autre service que le Jitsi Meet de la commune : l'adresse de la réunion, "
            "que les membres ouvrent d'un clic. Laissé vide, la séance utilise Jitsi Meet."
        ),
    )
    livestream_url = models.URLField(
        _("lien de la retransmission publique"),
        max_length=500,
        blank=True,
        help_text=_(
            "Adresse du lecteur intégrable (PeerTube ou autre) montré sur la page publique du "
            "direct, chargé seulement quand le visiteur le demande."
        ),
    )
    recording_url = models.URLField(_("enregistrement"), max_length=500, blank=True)
    recording_started_at = models.DateTimeField(
        _("début de l'enregistrement"), null=True, blank=True
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["start"]

    def __str__(self) -> str:
        return self.title

    @property
    def allows_remote(self) -> bool:
        return self.mode != self.Mode.IN_PERSON


class AgendaItem(Orderable):
    """One point of a meeting's agenda."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("information")
        DEBATE = "debate", _("débat")
        DECISION = "decision", _("décision")
        MINUTES_APPROVAL = "minutes_approval", _("approbation du procès-verbal")

    class State(models.TextChoices):
        PENDING = "pending", _("à venir")
        OPEN = "open", _("en cours")
        CLOSED = "closed", _("clos")

    meeting = ParentalKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("séance"),
    )
    number = models.PositiveSmallIntegerField(
        _("numéro"),
        null=True,
        blank=True,
        help_text=_("Numéro affiché ; laissé vide, il suit l'ordre de l'ordre du jour."),
    )
    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.DEBATE)
    is_public = models.BooleanField(
        _("point public"),
        default=True,
        help_text=_("Un point à huis clos n'est visible que des membres et du secrétariat."),
    )
    documents = ParentalManyToManyField(
        get_document_model_string(),
        blank=True,
        related_name="+",
        verbose_name=_("documents"),
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    speaking_time = models.PositiveIntegerField(
        _("temps de parole sur ce point (secondes)"),
        null=True,
        blank=True,
        help_text=_("Vide : celui de la séance ; 0 : sans limite."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")

    def __str__(self) -> str:
        return f"{self.display_number}. {self.title}"

    @property
    def display_number(self) -> int:
        if self.number is not None:
            return self.number
        return (self.sort_order or 0) + 1


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


class Choice(models.TextChoices):
    YES = "yes", _("pour")
    NO = "no", _("contre")
    ABSTAIN = "abstain", _("abstention")


class Channel(models.TextChoices):
    ONLINE = "online", _("en ligne")
    ROOM_ROLL_CALL = "room_roll_call", _("en salle (appel nominal)")
    PROXY = "proxy", _("par procuration")


class Ballot(models.Model):
    """A vote of the council on an amendment, a proposal or a procedural question."""

    class Subject(models.TextChoices):
        AMENDMENT = "amendment", _("amendement")
        PROPOSAL = "proposal", _("proposition")
        PROCEDURAL = "procedural", _("question de procédure")

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
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
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

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ImmutableError(_("Une décision enregistrée ne peut pas être supprimée."))

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.year}"


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


class Contribution(models.Model):
    """A resident's opinion on an agenda item or a proposal, received at the mediation desk
    (phone, letter, counter, EPN, e-mail) and typed in by a mediator.

    Without the resident's consent it is counted and forwarded to the council, never shown.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("reçue par téléphone")
        LETTER = "letter", _("reçue par courrier")
        COUNTER = "counter", _("reçue au guichet")
        EPN = "epn", _("reçue à l'espace public numérique")
        EMAIL = "email", _("reçue par e-mail")

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("point de l'ordre du jour"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("proposition"),
    )
    # Blank means the resident chose to stay anonymous.
    resident_name = models.CharField(_("nom de l'habitant·e"), max_length=200, blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("reçue le"))
    # Sanitised once, on write (deliberation.text.sanitize); safe to render as is.
    body = models.TextField(_("texte transcrit"))
    consent_to_publish = models.BooleanField(_("accord pour publier"), default=False)
    # Unambiguous characters only (see deliberation.mediation), stored without the dash.
    receipt_code = models.CharField(_("code de suivi"), max_length=12, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution d'un·e habitant·e")
        verbose_name_plural = _("contributions des habitant·es")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.receipt_code} — {self.get_channel_display()}"


class Consultation(models.Model):
    """An agenda item or a proposal opened to residents' comments for a period.

    Moderation "before" holds each comment until the secretariat publishes it; "after"
    publishes at once and the secretariat hides what breaks the rules.
    """

    class Moderation(models.TextChoices):
        BEFORE = "before", _("a priori : relu avant publication")
        AFTER = "after", _("a posteriori : publié aussitôt, masqué si nécessaire")

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("point de l'ordre du jour"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("proposition"),
        help_text=_("Facultatif : la proposition soumise à consultation, sur ce point."),
    )
    title = models.CharField(_("titre"), max_length=200)
    question = models.CharField(_("question posée"), max_length=500)
    introduction = models.TextField(
        _("présentation"),
        blank=True,
        help_text=_("Quelques phrases en langage clair sur ce qui est soumis à l'avis."),
    )
    start = models.DateTimeField(_("ouverture"))
    end = models.DateTimeField(_("clôture"))
    moderation = models.CharField(
        _("modération"), max_length=10, choices=Moderation.choices, default=Moderation.AFTER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouverte par"),
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="consultation_ends_after_start",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def moderated_before(self) -> bool:
        return self.moderation == self.Moderation.BEFORE


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
