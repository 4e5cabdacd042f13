"""A council's meetings and the points of their agenda."""

from __future__ import annotations

from django.db import models
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
