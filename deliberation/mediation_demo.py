"""Demo contributions at the mediation desk, on the upcoming meeting's draft recommendation."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from council.models import Council, Membership, Role
from deliberation import actions, selectors
from deliberation.demo import UPCOMING_TITLE
from deliberation.models import Contribution, Meeting

# (channel, days ago, resident, phone, consent, text)
CONTRIBUTIONS = [
    (
        "phone",
        6,
        "Georges Lemaire",
        "0470 12 34 56",
        True,
        "Je n'ai pas d'ordinateur et mes enfants habitent loin. Quand le guichet est fermé, "
        "je ne peux rien faire : gardez-le ouvert au moins le samedi matin.",
    ),
    (
        "phone",
        4,
        "",
        "",
        False,
        "Le numéro de la commune sonne souvent occupé. Il faudrait pouvoir laisser un message "
        "et être rappelé.",
    ),
    (
        "letter",
        5,
        "Josiane Coppens",
        "",
        True,
        "Je vous écris parce que je n'arrive pas à utiliser l'application de la commune. "
        "Je soutiens votre recommandation : les démarches doivent rester possibles par courrier.",
    ),
    (
        "counter",
        3,
        "",
        "",
        True,
        "Au guichet, on m'a aidé pour ma carte de riverain. Sans cette aide, je n'y serais "
        "jamais arrivé en ligne.",
    ),
    (
        "epn",
        2,
        "Youssef Amrani",
        "",
        True,
        "À l'EPN, on apprend à faire ses démarches, mais il faut aussi qu'une personne puisse "
        "les faire avec nous quand c'est trop compliqué.",
    ),
]


@transaction.atomic
def seed_mediation(council: Council) -> list[Contribution]:
    """Contributions received by phone, letter, counter and EPN, typed in by the council's
    mediator (or the secretariat). Idempotent: does nothing once the proposal has some."""
    meeting = Meeting.objects.filter(council=council, title=UPCOMING_TITLE).first()
    if meeting is None:
        return []
    item = selectors.agenda(meeting)[2]
    proposal = selectors.proposals_for(item).first()
    if proposal is None or Contribution.objects.filter(proposal=proposal).exists():
        return []
    desk = (
        Membership.objects.current()
        .filter(council=council, role__in=[Role.MEDIATOR, Role.SECRETARY])
        .order_by("role")  # "mediator" sorts before "secretary": the desk's own staff first
        .select_related("user")
        .first()
    )
    if desk is None:
        return []
    today = timezone.localdate()
    return [
        actions.check_record_contribution(
            proposal,
            resident_name=name,
            contact_phone=phone,
            channel=channel,
            received_on=today - datetime.timedelta(days=days),
            text=text,
            consent_to_publish=consent,
            acting_user=desk.user,
        )
        for channel, days, name, phone, consent, text in CONTRIBUTIONS
    ]
