"""Demo installation meeting: at the start of the mandate, the council elects its chair (two
rounds: nobody reaches the absolute majority in the first, a runoff between the two
best-placed decides) and its vice-chair (a single candidate, yes / no). Written through the
actions, like real use: call for candidacies, candidacies (one proposed by another member,
who accepts), rounds, the tellers' paper totals, closing. The decisions join the archive's
chain and the elected seats carry the decision that gave them.

Idempotent: nothing is written when the installation meeting already exists.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from council.models import Council, Membership, Role, User
from deliberation import actions, selectors
from deliberation.models import Decision, Election, Meeting

INSTALLATION_TITLE = "Séance d'installation du conseil"
CHAIR_ITEM = "Élection de la présidence du conseil"
VICE_CHAIR_ITEM = "Élection de la vice-présidence du conseil"
# The installation meeting: two weeks after the mandates start, before every other meeting.
INSTALLATION_DAY = datetime.date(2025, 1, 14)

# Candidates to the chair, by e-mail: (candidate, proposed by).
CHAIR_CANDIDATES = [
    ("president@example.org", None),
    ("membre3@example.org", None),
    ("membre4@example.org", "membre2@example.org"),
]
# Ten members in the room (one excused). First round: Marie Lambert 4, Luc Peeters 3,
# Sophie Martin 2, one blank (9 valid ballots, absolute majority 5): nobody is elected, runoff
# between the two best-placed.
FIRST_ROUND = {"president@example.org": 4, "membre3@example.org": 3, "membre4@example.org": 2}
# Runoff: Marie Lambert 6, Luc Peeters 3, one blank: the most votes win.
RUNOFF = {"president@example.org": 6, "membre3@example.org": 3}
# Vice-chair, a single candidate: 7 yes, 1 no, 1 abstention, one invalid ballot.
VICE_CHAIR_VOTES = {"yes": 7, "no": 1, "abstain": 1, "invalid": 1}


def _moment(hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(INSTALLATION_DAY, datetime.time(hour, minute))
    )


def _seats(council: Council) -> dict[str, Membership]:
    seats = (
        Membership.objects.current(on=INSTALLATION_DAY)
        .filter(council=council)
        .select_related("user")
    )
    return {m.user.email: m for m in seats if m.user.email}


def _open_call(item: object, office: str, mode: str, secretary: User) -> Election:
    now = timezone.now()
    return actions.check_open_candidacies(
        item,  # type: ignore[arg-type]
        office=office,
        mode=mode,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(hours=1),
        acting_user=secretary,
    )


def _end_call(election: Election) -> None:
    # Demo only: the candidacy period ends now instead of waiting an hour for it.
    Election.objects.filter(pk=election.pk).update(candidacies_close_at=timezone.now())


def _round(
    election: Election, counts: dict[str, int], chair: User, secretary: User, ballots: int
) -> Decision:
    ballot = actions.check_open_round(election.pk, acting_user=chair)
    actions.check_record_paper_count(
        ballot.pk, ballots=ballots, counts=counts, acting_user=secretary
    )
    return actions.check_close_round(ballot.pk, acting_user=chair)


def _name_decision(seat: Membership, decision: Decision) -> None:
    # The demo's people hold their seats from the start of the mandate, so the election
    # changes no seat; the seat still records the decision that gave it.
    if not seat.start_decision:
        Membership.objects.filter(pk=seat.pk).update(start_decision=decision.reference)


@transaction.atomic
def seed_elections(council: Council) -> None:
    """The installation meeting, closed, with the elections of the chair and vice-chair."""
    if Meeting.objects.filter(council=council, title=INSTALLATION_TITLE).exists():
        return
    seats = _seats(council)
    chair_seat = next(m for m in seats.values() if m.role == Role.CHAIR)
    vice_seat = next(m for m in seats.values() if m.role == Role.VICE_CHAIR)
    secretary = next(m for m in seats.values() if m.role == Role.SECRETARY).user
    chair = chair_seat.user
    meeting = actions.do_create_meeting(
        council,
        title=INSTALLATION_TITLE,
        start=_moment(19),
        end=_moment(21, 30),
        place="Salle du conseil, maison communale d'Orneval",
        items=[
            (
                "Installation des membres",
                "information",
                "Présentation des membres, de la mission du conseil (inclusion numérique, "
                "espaces publics numériques, guichets) et du règlement d'ordre intérieur.",
            ),
            (CHAIR_ITEM, "decision", "Scrutin secret, à la majorité absolue des voix."),
            (VICE_CHAIR_ITEM, "decision", "Scrutin secret, à la majorité absolue des voix."),
            ("Divers", "information"),
        ],
        acting_user=secretary,
    )
    voting = sorted(
        (m for m in seats.values() if m.has_voting_right and m.role != Role.SUBSTITUTE),
        key=lambda m: m.pk,
    )
    for i, seat in enumerate(voting):
        status = "excused" if i == len(voting) - 1 else "room"
        actions.check_set_attendance(meeting, seat.pk, status, acting_user=secretary)
    present = len(voting) - 1
    actions.check_open_meeting(meeting, acting_user=chair)
    items = selectors.agenda(meeting)
    actions.check_open_item(items[0], acting_user=chair)

    actions.check_open_item(items[1], acting_user=chair)
    election = _open_call(items[1], Election.Office.CHAIR, Election.Mode.SINGLE, secretary)
    keys: dict[str, str] = {}
    for email, proposer in CHAIR_CANDIDATES:
        candidate = seats[email]
        if proposer is None:
            candidacy = actions.check_file_candidacy(election.pk, acting_user=candidate.user)
        else:
            candidacy = actions.check_file_candidacy(
                election.pk, candidate_id=candidate.pk, acting_user=seats[proposer].user
            )
            actions.check_consent_candidacy(candidacy.pk, acting_user=candidate.user)
        keys[email] = candidacy.key
    _end_call(election)
    first = {keys[e]: n for e, n in FIRST_ROUND.items()}
    first["blank"] = present - sum(FIRST_ROUND.values())
    _round(election, first, chair, secretary, present)
    runoff = {keys[e]: n for e, n in RUNOFF.items()}
    runoff["blank"] = present - sum(RUNOFF.values())
    chair_decision = _round(election, runoff, chair, secretary, present)
    _name_decision(chair_seat, chair_decision)

    actions.check_open_item(items[2], acting_user=chair)
    election = _open_call(items[2], Election.Office.VICE_CHAIR, Election.Mode.YES_NO, secretary)
    actions.check_file_candidacy(election.pk, acting_user=vice_seat.user)
    _end_call(election)
    vice = dict(VICE_CHAIR_VOTES)
    vice["blank"] = present - sum(vice.values())
    vice_decision = _round(election, vice, chair, secretary, present)
    _name_decision(vice_seat, vice_decision)

    actions.check_open_item(items[3], acting_user=chair)
    actions.check_close_meeting(meeting, acting_user=chair)
