"""Demo consultations: one open on the upcoming meeting's draft recommendation (a comment
hidden with its reason, one waiting for the moderation), and one closed on the multiservice
houses. Written through the actions, like real use."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from council.models import Council, Membership, Role, User
from deliberation import actions, selectors
from deliberation.demo import UPCOMING_TITLE
from deliberation.models import Comment, Consultation, Meeting, Proposal

OPEN_TITLE = "Guichets, téléphone, EPN : votre avis sur le projet de recommandation"
CLOSED_TITLE = "Maisons multiservices : votre avis"

# (author e-mail, text, replies [(author e-mail, text)])
OPEN_COMMENTS = [
    (
        "habitante@example.org",
        "Je travaille jusqu'à 18 heures : un guichet ouvert le samedi matin changerait tout "
        "pour moi. Merci de le garder dans la recommandation.",
        [
            (
                "membre2@example.org",
                "À l'EPN de la bibliothèque, nous accompagnons aussi les démarches le samedi "
                "matin, sur rendez-vous ou sans.",
            )
        ],
    ),
    (
        "habitant@example.org",
        "La ligne téléphonique doit répondre vraiment : pas un menu à six choix puis une "
        "musique. Une personne, même pour dire de rappeler plus tard.",
        [],
    ),
    (
        "membre5@example.org",
        "Pourquoi ne pas co-construire les formulaires en ligne avec les habitant·es qui ont du "
        "mal à les utiliser ? On gagnerait des appels au guichet.",
        [],
    ),
]
HIDDEN_COMMENT = (
    "habitant@example.org",
    "Appelez donc directement le 0470 99 88 77, c'est le numéro personnel de l'agent du "
    "guichet, il répond toujours.",
    "Donnée personnelle d'un tiers (numéro de téléphone privé).",
)
PENDING_COMMENT = (
    "habitante@example.org",
    "Et les maisons multiservices dans les villages ? Elles pourraient accueillir les "
    "démarches communales deux jours par semaine.",
)
CLOSED_COMMENTS = [
    (
        "habitant@example.org",
        "Une maison multiservices à Vieux-Moulin m'éviterait deux bus pour aller à la maison "
        "communale.",
    ),
    (
        "habitante@example.org",
        "Il faut une personne formée sur place, pas seulement un ordinateur en libre-service.",
    ),
]


def _users(emails: set[str]) -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=emails) if u.email}


def _backdate(comment: Comment, when: datetime.datetime) -> None:
    # Demo only: the closed consultation's comments carry dates inside its period.
    Comment.objects.filter(pk=comment.pk).update(created=when)


@transaction.atomic
def seed_consultations(council: Council) -> list[Consultation]:
    """Idempotent: does nothing once the council has consultations."""
    if Consultation.objects.filter(agenda_item__meeting__council=council).exists():
        return []
    secretary = (
        Membership.objects.current()
        .filter(council=council, role=Role.SECRETARY)
        .select_related("user")
        .first()
    )
    meeting = Meeting.objects.filter(council=council, title=UPCOMING_TITLE).first()
    if secretary is None or meeting is None:
        return []
    sec = secretary.user
    emails = {e for e, _t, replies in OPEN_COMMENTS for e in [e, *(r[0] for r in replies)]}
    emails |= {HIDDEN_COMMENT[0], PENDING_COMMENT[0], *(e for e, _t in CLOSED_COMMENTS)}
    people = _users(emails)
    now = timezone.now()
    created: list[Consultation] = []

    item = selectors.agenda(meeting)[2]
    proposal = selectors.proposals_for(item).first()
    if proposal is not None:
        open_one = actions.check_save_consultation(
            Consultation(
                agenda_item=item,
                proposal=proposal,
                title=OPEN_TITLE,
                question=(
                    "Les guichets, la ligne téléphonique et les espaces publics numériques "
                    "suffisent-ils pour que chacun·e fasse ses démarches sans ordinateur ? "
                    "Que faut-il ajouter ?"
                ),
                introduction=(
                    "Le conseil prépare une recommandation au collège communal. Avant de la "
                    "voter, il demande l'avis des habitant·es."
                ),
                start=now - datetime.timedelta(days=5),
                end=now + datetime.timedelta(days=6),
                moderation=Consultation.Moderation.AFTER,
            ),
            acting_user=sec,
        )
        for email, text, replies in OPEN_COMMENTS:
            if email not in people:
                continue
            top = actions.check_add_consultation_comment(open_one, text, acting_user=people[email])
            for reply_email, reply in replies:
                if reply_email in people:
                    actions.check_add_consultation_comment(
                        open_one, reply, parent_id=top.pk, acting_user=people[reply_email]
                    )
        if HIDDEN_COMMENT[0] in people:
            hidden = actions.check_add_consultation_comment(
                open_one, HIDDEN_COMMENT[1], acting_user=people[HIDDEN_COMMENT[0]]
            )
            actions.check_hide_comment(hidden, HIDDEN_COMMENT[2], acting_user=sec)
        # The pending one: a comment that waits for the moderation (the consultation
        # switches to "before" for it, as a secretariat tightening moderation would).
        if PENDING_COMMENT[0] in people:
            open_one.moderation = Consultation.Moderation.BEFORE
            actions.check_save_consultation(open_one, acting_user=sec)
            actions.check_add_consultation_comment(
                open_one, PENDING_COMMENT[1], acting_user=people[PENDING_COMMENT[0]]
            )
            open_one.moderation = Consultation.Moderation.AFTER
            actions.check_save_consultation(open_one, acting_user=sec)
        created.append(open_one)

    past = (
        Proposal.objects.filter(
            agenda_item__meeting__council=council, title="Maisons multiservices au public"
        )
        .select_related("agenda_item__meeting")
        .first()
    )
    if past is not None:
        meeting_day = past.agenda_item.meeting.start
        closed = actions.check_save_consultation(
            Consultation(
                agenda_item=past.agenda_item,
                proposal=past,
                title=CLOSED_TITLE,
                question="Une maison multiservices dans votre village : qu'y attendez-vous ?",
                start=meeting_day - datetime.timedelta(days=21),
                end=now + datetime.timedelta(days=1),
                moderation=Consultation.Moderation.AFTER,
            ),
            acting_user=sec,
        )
        for n, (email, text) in enumerate(CLOSED_COMMENTS):
            if email in people:
                comment = actions.check_add_consultation_comment(
                    closed, text, acting_user=people[email]
                )
                _backdate(comment, meeting_day - datetime.timedelta(days=14 - 3 * n))
        closed.end = meeting_day - datetime.timedelta(days=2)
        actions.check_save_consultation(closed, acting_user=sec)
        created.append(closed)
    return created
