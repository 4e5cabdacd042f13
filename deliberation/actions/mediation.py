"""The mediation desk's write: a mediator records what a resident told the council.

`check_record_contribution` cleans what was typed (name, phone, e-mail, date received, text)
and checks the mediator's right; `do_record_contribution` stores it under a fresh receipt
code (deliberation.selectors.mediation reads and formats codes) and logs who typed it in.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import User
from deliberation.actions.common import ActionError, audit, clean_text
from deliberation.models import AgendaItem, Contribution, ContributionChannel, Proposal
from deliberation.selectors.mediation import CODE_ALPHABET, CODE_LENGTH
from deliberation.text import sanitize

# A letter can take a while to reach the desk; older than this is a typing mistake.
RECEIVED_MAX_AGE = datetime.timedelta(days=120)


NAME_MAX = 200
TEXT_MAX = 5000


def new_receipt_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- Input ---------------------------------------------------------------------------------

_PHONE_CHARS = re.compile(r"\+?[0-9][0-9 ./()\-]*")


def clean_phone(value: Any) -> str:
    """A Belgian (0…, 9–10 digits) or international (+ or 00, 8–15 digits) number, kept as
    digits with its leading + ; "" when none was given."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return ""
    message = _(
        "Numéro de téléphone invalide : indiquez un numéro belge (par exemple 010 12 34 56 "
        "ou 0470 12 34 56) ou international commençant par + (par exemple +32 10 12 34 56)."
    )
    if len(text) > 30 or not _PHONE_CHARS.fullmatch(text):
        raise ActionError(message, "contact_phone")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not 8 <= len(digits) <= 15 or digits.startswith("0"):
            raise ActionError(message, "contact_phone")
        return "+" + digits
    if not digits.startswith("0") or not 9 <= len(digits) <= 10:
        raise ActionError(message, "contact_phone")
    return digits


def _clean_email(value: Any) -> str:
    text = clean_text(value, field="contact_email", label=_("E-mail"), maximum=254, required=False)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise ActionError(
                _("Adresse e-mail invalide (par exemple nom@exemple.be)."), "contact_email"
            ) from None
    return text.lower()


def _clean_received_on(value: Any) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            value = None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ActionError(_("Date de réception invalide (par exemple 2026-11-28)."), "received_on")
    today = timezone.localdate()
    if value > today:
        raise ActionError(_("La date de réception ne peut pas être dans le futur."), "received_on")
    if value < today - RECEIVED_MAX_AGE:
        raise ActionError(
            _("La date de réception remonte à plus de %(days)s jours : vérifiez-la.")
            % {"days": RECEIVED_MAX_AGE.days},
            "received_on",
        )
    return value


def _target(target: AgendaItem | Proposal) -> tuple[AgendaItem, Proposal | None]:
    if isinstance(target, Proposal):
        return target.agenda_item, target
    if isinstance(target, AgendaItem):
        return target, None
    raise ActionError(_("Choisissez le point ou la proposition concernée."), "target")


# --- Actions -------------------------------------------------------------------------------


@transaction.atomic
def do_record_contribution(
    target: AgendaItem | Proposal,
    *,
    resident_name: str,
    contact_phone: str,
    contact_email: str,
    channel: str,
    received_on: datetime.date,
    body: str,
    consent_to_publish: bool,
    acting_user: User,
) -> Contribution:
    """Store the contribution under a fresh receipt code and log who typed it in."""
    item, proposal = _target(target)
    for _attempt in range(10):
        try:
            # A savepoint, so that a (rare) code collision does not spoil the transaction.
            with transaction.atomic():
                contribution = Contribution.objects.create(
                    agenda_item=item,
                    proposal=proposal,
                    resident_name=resident_name,
                    contact_phone=contact_phone,
                    contact_email=contact_email,
                    channel=channel,
                    received_on=received_on,
                    body=body,
                    consent_to_publish=consent_to_publish,
                    receipt_code=new_receipt_code(),
                    recorded_by=acting_user,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 10 collisions in a row among 729 million codes
        raise ActionError(_("Le code de suivi n'a pas pu être créé : réessayez."))
    # The trail names the mediator and the channel, never the resident.
    audit(
        "contribution_recorded",
        actor=acting_user,
        meeting=item.meeting,
        item=item.pk,
        proposal=proposal.pk if proposal else None,
        contribution=contribution.pk,
        channel=channel,
        published=consent_to_publish,
    )
    return contribution


def check_record_contribution(
    target: Any,
    *,
    resident_name: Any = "",
    contact_phone: Any = "",
    contact_email: Any = "",
    channel: Any,
    received_on: Any,
    text: Any,
    consent_to_publish: Any = False,
    acting_user: User,
) -> Contribution:
    item, proposal = _target(target)
    if not rules.has_perm("deliberation.record_contribution", acting_user, item):
        raise ActionError(
            _(
                "Seules les personnes chargées de la médiation et le secrétariat enregistrent "
                "des contributions, sur un point public qui n'est pas encore clos."
            )
        )
    if proposal is not None and proposal.state != Proposal.State.DRAFT:
        raise ActionError(_("Cette proposition n'est plus en projet."), "target")
    if channel not in ContributionChannel.values:
        raise ActionError(_("Choisissez comment la contribution a été reçue."), "channel")
    if not isinstance(consent_to_publish, bool):
        raise ActionError(_("Accord pour publier : oui ou non."), "consent_to_publish")
    name = clean_text(
        resident_name, field="resident_name", label=_("Nom"), maximum=NAME_MAX, required=False
    )
    body_text = clean_text(
        text, field="text", label=_("Texte de la contribution"), maximum=TEXT_MAX, required=True
    )
    return do_record_contribution(
        target,
        resident_name=sanitize.plain_text(name),
        contact_phone=clean_phone(contact_phone),
        contact_email=_clean_email(contact_email),
        channel=channel,
        received_on=_clean_received_on(received_on),
        # Typed as plain text at the desk: every character is kept, no markup survives.
        body=sanitize.plain_text_to_html(body_text),
        consent_to_publish=consent_to_publish,
        acting_user=acting_user,
    )
