"""Demo deliberations for a council: three past meetings with their decisions, and an
upcoming hybrid meeting ready to run. Written through the actions, like real use.

Idempotent: a meeting whose title already exists in the council is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from council.models import Council, Membership, Role
from deliberation import actions, selectors
from deliberation.models import AgendaItem, Ballot, Meeting, Proposal

UPCOMING_TITLE = "Séance ordinaire — accès aux services communaux"

RECOMMENDATION = [
    "Le conseil consultatif du numérique recommande au collège communal de garantir "
    "qu'aucune démarche communale ne soit exclusivement praticable par voie numérique.",
    "Les guichets physiques de l'administration restent ouverts au moins quatre demi-journées "
    "par semaine, dont une en soirée ou le samedi matin.",
    "Une ligne téléphonique répond aux habitant·es du lundi au vendredi, avec un·e agent·e "
    "joignable sans passer par un menu automatique.",
    "Les courriers postaux restent acceptés pour toute demande, et la réponse suit la voie "
    "choisie par la personne.",
    "Un bilan de l'accueil (fréquentation, temps d'attente, plaintes) est présenté chaque "
    "année au conseil.",
]


# "En bref": each past proposal's plain-language summary, shown before its text.
SUMMARIES = {
    "Espaces publics numériques : horaires et accessibilité": (
        "L'EPN de la bibliothèque ouvre aussi deux soirs par semaine et le samedi matin. "
        "L'aide reste gratuite, et on peut prendre rendez-vous par téléphone."
    ),
    "Maisons multiservices au public": (
        "Dans chaque village, un lieu où une personne vous accueille, avec un ordinateur et "
        "de l'aide pour vos démarches, ouvert aussi le soir."
    ),
    "Co-conception des services numériques communaux": (
        "Des habitant·es de tous âges et de tous profils aident la commune à concevoir ses "
        "démarches en ligne. On peut toujours recevoir la réponse par courrier."
    ),
}


@dataclass
class Cast:
    chair: Membership
    vice_chair: Membership
    secretary: Membership
    members: list[Membership]
    substitutes: list[Membership]

    @property
    def voting(self) -> list[Membership]:
        return [self.chair, self.vice_chair, *self.members]


def _cast(council: Council, on: datetime.date) -> Cast:
    current = list(Membership.objects.current(on=on).filter(council=council).select_related("user"))

    def by_role(role: str) -> list[Membership]:
        return sorted((m for m in current if m.role == role), key=lambda m: m.pk)

    chair, vice, secretary = by_role(Role.CHAIR), by_role(Role.VICE_CHAIR), by_role(Role.SECRETARY)
    members = by_role(Role.MEMBER)
    if not (chair and vice and secretary) or len(members) < 7:
        raise ValueError(
            "The demo needs a chair, a vice-chair, a secretary and at least seven members."
        )
    return Cast(chair[0], vice[0], secretary[0], members, by_role(Role.SUBSTITUTE))


def _at(days: int, hour: int = 19) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _attend(meeting: Meeting, cast: Cast, remote: int = 0, absent: int = 0) -> None:
    """Everyone in the room except the last `remote` members at home and `absent` before them."""
    sec = cast.secretary.user
    people = cast.voting
    for i, m in enumerate(people):
        if i >= len(people) - remote and meeting.allows_remote:
            status = "remote"
        elif i >= len(people) - remote - absent:
            status = "excused"
        else:
            status = "room"
        actions.check_set_attendance(meeting, m.pk, status, acting_user=sec)


def _vote(ballot: Ballot, cast: Cast, choices: dict[int, str]) -> None:
    """choices: index in cast.voting → choice; room votes go through the secretariat, by roll
    call, or as the tellers' totals of the paper ballots of a secret ballot."""
    presence = selectors.presence(ballot.agenda_item.meeting)
    seats = {s.voter.pk: s for s in presence.seats if s.proxy_for is None}
    paper = dict.fromkeys(("yes", "no", "abstain"), 0)
    for index, choice in choices.items():
        m = cast.voting[index]
        seat = seats.get(m.pk)
        if seat is None:
            continue
        if seat.in_room and ballot.is_secret:
            paper[choice] += 1
        elif seat.in_room:
            actions.check_record_room_vote(ballot.pk, m.pk, choice, acting_user=cast.secretary.user)
        else:
            actions.check_cast_vote(ballot.pk, choice, acting_user=m.user)
    if ballot.is_secret:
        actions.check_record_room_totals(ballot.pk, **paper, acting_user=cast.secretary.user)


def _ballot(item: AgendaItem, cast: Cast, choices: dict[int, str], **options: object) -> None:
    ballot = actions.check_open_ballot(item, acting_user=cast.chair.user, **options)  # type: ignore[arg-type]
    _vote(ballot, cast, choices)
    actions.check_close_ballot(ballot.pk, acting_user=cast.chair.user)


def _all(choice_for_most: str, n: int, **exceptions: str) -> dict[int, str]:
    out = dict.fromkeys(range(n), choice_for_most)
    out.update({int(k[1:]): v for k, v in exceptions.items()})
    return out


def _past_meeting(
    council: Council,
    cast: Cast,
    *,
    title: str,
    days_ago: int,
    topic: tuple[str, str, list[str]],
    amendment: tuple[int, str] | None,
    amendment_adopted: bool,
    rule: str,
    secret_question: str | None = None,
) -> None:
    chair = cast.chair.user
    meeting = actions.do_create_meeting(
        council,
        title=title,
        start=_at(-days_ago),
        end=_at(-days_ago) + datetime.timedelta(hours=2, minutes=30),
        place="Salle du conseil, maison communale d'Orneval",
        items=[
            ("Approbation du procès-verbal de la séance précédente", "minutes_approval"),
            (topic[0], "decision", topic[1]),
            ("Divers", "information"),
        ],
        acting_user=cast.secretary.user,
    )
    _attend(meeting, cast, remote=2, absent=1)
    actions.check_open_meeting(meeting, acting_user=chair)
    items = selectors.agenda(meeting)
    n = len(cast.voting)

    actions.check_open_item(items[0], acting_user=chair)
    _ballot(
        items[0],
        cast,
        _all("yes", n, v2="abstain"),
        subject="procedural",
        question="Approuver le procès-verbal de la séance précédente ?",
    )

    item = items[1]
    actions.check_open_item(item, acting_user=chair)
    proposal = actions.check_create_proposal(
        item,
        title=topic[0],
        summary=SUMMARIES.get(topic[0], ""),
        paragraphs=topic[2],
        acting_user=cast.members[0].user,
    )
    actions.check_request_floor(item, acting_user=cast.members[1].user)
    if amendment is not None:
        paragraph, text = amendment
        a = actions.check_propose_amendment(
            proposal,
            base_version_id=selectors.latest_version(proposal).pk,
            operations=[{"op": "replace", "paragraph": paragraph, "text": text}],
            justification="Rendre l'engagement vérifiable.",
            acting_user=cast.members[2].user,
        )
        votes = (
            _all("yes", n, v4="no", v5="abstain")
            if amendment_adopted
            else _all("no", n, v2="yes", v3="yes")
        )
        _ballot(item, cast, votes, subject="amendment", amendment_id=a.pk)
    proposal = Proposal.objects.get(pk=proposal.pk)
    _ballot(
        item,
        cast,
        _all("yes", n, v6="no", v7="abstain"),
        subject="proposal",
        proposal_id=proposal.pk,
        rule=rule,
    )
    if secret_question:
        _ballot(
            item,
            cast,
            _all("yes", n, v1="no", v3="no"),
            subject="procedural",
            question=secret_question,
            secrecy="secret",
        )
    actions.check_open_item(items[2], acting_user=chair)
    actions.check_close_meeting(meeting, acting_user=chair)


def _upcoming_meeting(council: Council, cast: Cast) -> None:
    sec = cast.secretary.user
    meeting = actions.do_create_meeting(
        council,
        title=UPCOMING_TITLE,
        start=_at(7),
        place="Salle du conseil, maison communale d'Orneval, et en ligne",
        mode=Meeting.Mode.HYBRID,
        items=[
            ("Approbation du procès-verbal de la séance précédente", "minutes_approval"),
            (
                "Espaces publics numériques : bilan de l'année",
                "information",
                "Présentation par l'EPN de la bibliothèque : fréquentation, formations, "
                "accessibilité (horaires, accès PMR, tarifs).",
            ),
            (
                "Guichets physiques et lignes téléphoniques",
                "decision",
                "Projet de recommandation au collège communal : aucune démarche ne doit être "
                "exclusivement praticable par voie numérique.",
            ),
            ("Divers", "information"),
        ],
        acting_user=sec,
    )
    # Eight in the room, the rest at home; one member absent with a proxy, one excused and
    # replaced by a substitute.
    voting = cast.voting
    statuses = ["room"] * 8 + ["remote"] * (len(voting) - 8)
    statuses[-1] = "absent"
    statuses[-2] = "excused"
    for m, status in zip(voting, statuses, strict=True):
        actions.check_set_attendance(meeting, m.pk, status, acting_user=sec)
    if cast.substitutes:
        actions.check_set_attendance(
            meeting, cast.substitutes[0].pk, "remote", replaces_id=voting[-2].pk, acting_user=sec
        )
    actions.check_give_proxy(meeting, voting[-1].pk, voting[2].pk, acting_user=voting[-1].user)

    item = selectors.agenda(meeting)[2]
    proposal = actions.check_create_proposal(
        item,
        title="Recommandation : maintenir les guichets physiques et les lignes téléphoniques",
        summary=(
            "Chaque démarche communale doit rester possible au guichet, par téléphone ou "
            "par courrier, pas seulement en ligne."
        ),
        paragraphs=RECOMMENDATION,
        acting_user=cast.members[0].user,
    )
    version = selectors.latest_version(proposal)
    actions.check_propose_amendment(
        proposal,
        base_version_id=version.pk,
        operations=[
            {
                "op": "replace",
                "paragraph": 2,
                "text": "Les guichets physiques de l'administration restent ouverts chaque jour "
                "ouvrable, dont deux soirées par semaine et le samedi matin.",
            }
        ],
        justification="Quatre demi-journées ne suffisent pas aux personnes qui travaillent.",
        acting_user=cast.members[3].user,
    )
    actions.check_propose_amendment(
        proposal,
        base_version_id=version.pk,
        operations=[
            {
                "op": "replace",
                "paragraph": 2,
                "text": "Les guichets physiques restent ouverts au moins quatre demi-journées par "
                "semaine, et une maison multiservices accueille aussi les démarches communales "
                "dans chaque village de l'entité.",
            }
        ],
        justification="Rapprocher l'accueil des habitant·es des villages, sans voiture.",
        acting_user=cast.members[5].user,
    )


@transaction.atomic
def seed_deliberation(council: Council) -> None:
    """Three closed meetings with decisions, and an upcoming hybrid meeting ready to run."""
    existing = set(Meeting.objects.filter(council=council).values_list("title", flat=True))
    past = [
        {
            "title": "Séance ordinaire — espaces publics numériques",
            "days_ago": 120,
            "topic": (
                "Espaces publics numériques : horaires et accessibilité",
                "Avis sur l'extension des horaires de l'EPN de la bibliothèque.",
                [
                    "Le conseil recommande d'ouvrir l'EPN de la bibliothèque deux soirs par "
                    "semaine et le samedi matin.",
                    "L'accompagnement individuel reste gratuit pour les personnes qui en ont "
                    "besoin.",
                    "L'EPN est joignable par téléphone pour prendre rendez-vous.",
                ],
            ),
            "amendment": None,
            "amendment_adopted": False,
            "rule": Ballot.Rule.SIMPLE,
            "secret_question": None,
        },
        {
            "title": "Séance ordinaire — maisons multiservices",
            "days_ago": 75,
            "topic": (
                "Maisons multiservices au public",
                "Avis sur un lieu unique d'accueil et d'accompagnement dans chaque village.",
                [
                    "Le conseil recommande d'ouvrir une maison multiservices dans chaque "
                    "village de l'entité.",
                    "On y trouve un accueil humain, un accès à un ordinateur et une aide aux "
                    "démarches administratives.",
                    "Les horaires sont adaptés aux personnes qui travaillent.",
                ],
            ),
            "amendment": (
                3,
                "Les horaires comprennent au moins une soirée par semaine et le samedi matin.",
            ),
            "amendment_adopted": True,
            "rule": Ballot.Rule.ABSOLUTE,
            "secret_question": (
                "Désigner Fatima El Amrani pour représenter le conseil au comité de suivi "
                "des maisons multiservices ?"
            ),
        },
        {
            "title": "Séance ordinaire — co-conception des services numériques",
            "days_ago": 30,
            "topic": (
                "Co-conception des services numériques communaux",
                "Avis sur l'association des usager·ères à la conception des démarches en ligne.",
                [
                    "Le conseil recommande d'associer des usager·ères aux profils variés à la "
                    "conception de chaque nouveau service numérique communal.",
                    "Chaque formulaire en ligne propose une réponse par courrier postal en plus "
                    "du courriel.",
                    "La commune s'appuie sur le guide pour une conception inclusive des services "
                    "numériques.",
                ],
            ),
            "amendment": (
                2,
                "Chaque formulaire en ligne propose aussi une réponse par téléphone.",
            ),
            "amendment_adopted": False,
            "rule": Ballot.Rule.TWO_THIRDS,
            "secret_question": None,
        },
    ]
    for spec in past:
        if spec["title"] in existing:
            continue
        days_ago = int(spec["days_ago"])  # type: ignore[call-overload]
        cast = _cast(council, timezone.localdate() - datetime.timedelta(days=days_ago))
        _past_meeting(council, cast, **spec)  # type: ignore[arg-type]
    if UPCOMING_TITLE not in existing:
        _upcoming_meeting(council, _cast(council, timezone.localdate() + datetime.timedelta(7)))
