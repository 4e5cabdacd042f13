"""Counting an election of persons: who is elected, who goes to a second round, and why.

Belgian local law for votes about persons (Walloon CDLD art. L1122-27 and its Brussels and
Flemish counterparts): blank and invalid ballots do not count toward the majority; whoever has
the absolute majority of the valid ballots is elected; otherwise a second round (ballottage)
between the best-placed, where the most votes win; a tie goes to the council's tie-break rule
(seniority or age) and, should that still leave candidates equal, to the alphabetical order of
their names.

Pure functions on plain values: the actions, the pages and the minutes share this one count,
and `steps` tells the public every rule applied with its figures.

In a second round, `seats` is the number of seats still to fill and `candidates` are those the
first round admitted to it.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

# The values of council.models.TieBreak (this module imports no models; a test keeps them equal).
SENIORITY = "seniority"
AGE = "age"
TIE_BREAKS = (SENIORITY, AGE)
YES, NO, ABSTAIN = "yes", "no", "abstain"


@dataclass(frozen=True)
class Candidate:
    key: str  # the candidacy's pk as a string
    name: str
    seniority: datetime.date  # start of the person's first mandate in the council
    birth_date: datetime.date | None


class Mode(StrEnum):
    SINGLE = "single"  # one seat, each ballot names one candidate
    YES_NO = "yes_no"  # one seat, one candidate, each ballot says yes or no
    LIST = "list"  # several seats, each ballot names up to `seats` candidates


@dataclass(frozen=True)
class ElectionCount:
    elected: tuple[str, ...]  # candidate keys, in order
    runoff: tuple[str, ...]  # the candidates admitted to a second round, if one is needed
    steps: tuple[str, ...]  # each rule applied, with its figures, for the public
    ballots: int
    valid: int
    blank: int
    invalid: int
    majority: int


def count_election(
    *,
    mode: str,
    seats: int,
    round_number: int,
    candidates: Sequence[Candidate],
    votes: Mapping[str, int],
    ballots: int,
    blank: int,
    invalid: int,
    tie_break: str,
) -> ElectionCount:
    """Apply the rules to one round's figures; raise ValueError on figures that cannot be."""
    kind = _validate(
        mode, seats, round_number, candidates, votes, ballots, blank, invalid, tie_break
    )
    valid = ballots - blank - invalid
    steps = [
        _(
            "Bulletins déposés : %(ballots)s ; blancs : %(blank)s ; nuls : %(invalid)s ; "
            "valables : %(valid)s."
        )
        % {"ballots": ballots, "blank": blank, "invalid": invalid, "valid": valid}
    ]
    if kind == Mode.YES_NO:
        chosen, majority = _yes_no(candidates[0], votes, steps)
        return ElectionCount(chosen, (), tuple(steps), ballots, valid, blank, invalid, majority)
    tally = {c.key: votes.get(c.key, 0) for c in candidates}
    ranked = sorted(candidates, key=lambda c: _rank(c, tally, tie_break))
    steps.append(
        _("Voix obtenues : %(list)s.") % {"list": _with_votes(ranked, tally)},
    )
    majority = valid // 2 + 1
    if round_number == 2:
        elected = _second_round(ranked, seats, tally, tie_break, steps)
        runoff: list[Candidate] = []
    else:
        elected, runoff = _first_round(
            kind, ranked, seats, tally, majority, valid, tie_break, steps
        )
    return ElectionCount(
        tuple(c.key for c in elected),
        tuple(c.key for c in runoff),
        tuple(steps),
        ballots,
        valid,
        blank,
        invalid,
        majority,
    )


def _first_round(
    kind: Mode,
    ranked: list[Candidate],
    seats: int,
    tally: dict[str, int],
    majority: int,
    valid: int,
    tie_break: str,
    steps: list[str],
) -> tuple[list[Candidate], list[Candidate]]:
    steps.append(
        _(
            "Les bulletins blancs et nuls ne comptent pas : la majorité absolue est de "
            "%(majority)s voix, plus de la moitié des bulletins valables (%(valid)s)."
        )
        % {"majority": majority, "valid": valid}
    )
    holders = [c for c in ranked if tally[c.key] >= majority]
    if len(holders) > seats:
        steps.append(
            _(
                "Plus de candidat·es que de sièges (%(seats)s) atteignent la majorité absolue : "
                "les sièges vont à celles et ceux qui ont le plus de voix."
            )
            % {"seats": seats}
        )
    elected = _take(holders, seats, tally, tie_break, steps)
    for c in elected:
        steps.append(
            _(
                "%(name)s obtient %(votes)s voix, au moins la majorité absolue, et est élu·e "
                "au premier tour."
            )
            % {"name": c.name, "votes": tally[c.key]}
        )
    remaining = seats - len(elected)
    if not remaining:
        return elected, []
    if not elected:
        steps.append(
            _("Personne n'atteint la majorité absolue (%(majority)s voix).")
            % {"majority": majority}
        )
    others = [c for c in ranked if c not in elected]
    if not others:
        steps.append(
            _(
                "Plus aucun·e candidat·e pour les sièges restants (%(remaining)s) : "
                "ils restent vacants."
            )
            % {"remaining": remaining}
        )
        return elected, []
    if kind == Mode.SINGLE and len(ranked) == 1:
        steps.append(
            _(
                "%(name)s, seul·e candidat·e, n'a pas la majorité absolue : un second tour a lieu, "
                "où elle ou il reste seul·e et où le plus grand nombre de voix suffit."
            )
            % {"name": ranked[0].name}
        )
    elif kind == Mode.SINGLE:
        steps.append(
            _("Un second tour (ballottage) a lieu entre les deux candidat·es les mieux placé·es.")
        )
    else:
        steps.append(
            _(
                "Sièges restant à pourvoir : %(remaining)s. Un second tour (ballottage) a lieu "
                "entre les candidat·es non élu·es les mieux placé·es, deux fois plus nombreux·ses "
                "que les sièges restants (%(limit)s au plus)."
            )
            % {"remaining": remaining, "limit": 2 * remaining}
        )
    runoff = _take(others, 2 * remaining, tally, tie_break, steps)
    steps.append(_("Admis·es au second tour : %(names)s.") % {"names": _names(runoff)})
    return elected, runoff


def _second_round(
    ranked: list[Candidate],
    seats: int,
    tally: dict[str, int],
    tie_break: str,
    steps: list[str],
) -> list[Candidate]:
    steps.append(
        _(
            "Second tour (ballottage) : le plus grand nombre de voix l'emporte, sans majorité "
            "absolue requise ; sièges à pourvoir : %(seats)s."
        )
        % {"seats": seats}
    )
    elected = _take(ranked, seats, tally, tie_break, steps)
    for c in elected:
        if len(ranked) == 1:
            said = _("%(name)s est seul·e au second tour et est donc élu·e (%(votes)s voix).")
        else:
            said = _("%(name)s est élu·e au second tour avec %(votes)s voix.")
        steps.append(said % {"name": c.name, "votes": tally[c.key]})
    if len(elected) < seats:
        steps.append(
            _("Faute de candidat·es, sièges restant vacants : %(vacant)s.")
            % {"vacant": seats - len(elected)}
        )
    return elected


def _yes_no(
    candidate: Candidate, votes: Mapping[str, int], steps: list[str]
) -> tuple[tuple[str, ...], int]:
    yes, no, abstain = votes.get(YES, 0), votes.get(NO, 0), votes.get(ABSTAIN, 0)
    majority = (yes + no) // 2 + 1
    figures = {"name": candidate.name, "yes": yes, "no": no, "abstain": abstain}
    steps.append(
        _(
            "Vote par oui ou non sur la candidature de %(name)s : oui %(yes)s, non %(no)s, "
            "abstentions %(abstain)s."
        )
        % figures
    )
    steps.append(
        _(
            "Les abstentions, les bulletins blancs et nuls ne comptent pas : il faut la majorité "
            "absolue des oui et des non (%(majority)s), soit plus de oui que de non."
        )
        % {"majority": majority}
    )
    if yes >= majority:
        steps.append(_("%(name)s obtient %(yes)s oui contre %(no)s non et est élu·e.") % figures)
        return (candidate.key,), majority
    steps.append(
        _(
            "%(name)s n'obtient pas plus de oui que de non (%(yes)s oui, %(no)s non) : elle ou il "
            "n'est pas élu·e ; il n'y a pas de second tour et le siège reste vacant."
        )
        % figures
    )
    return (), majority


def _take(
    ranked: list[Candidate], places: int, tally: dict[str, int], tie_break: str, steps: list[str]
) -> list[Candidate]:
    """The first `places` of `ranked` (in rank order), explaining a tie across the boundary."""
    if len(ranked) <= places:
        return list(ranked)
    level = tally[ranked[places - 1].key]
    if tally[ranked[places].key] != level:
        return ranked[:places]
    tied = [c for c in ranked if tally[c.key] == level]
    open_places = places - sum(1 for c in ranked if tally[c.key] > level)
    steps.append(
        _("Égalité à %(votes)s voix entre %(names)s ; places à départager : %(places)s.")
        % {"votes": level, "names": _names(tied), "places": open_places}
    )
    if tie_break == SENIORITY:
        rule = _(
            "Règle du conseil en cas d'égalité : le ou la plus ancien·ne au conseil l'emporte. "
            "Début du premier mandat : %(list)s."
        )
    else:
        rule = _(
            "Règle du conseil en cas d'égalité : le ou la plus âgé·e l'emporte, une date de "
            "naissance connue passant avant une date inconnue. Dates de naissance : %(list)s."
        )
    steps.append(rule % {"list": ", ".join(_with_criterion(c, tie_break) for c in tied)})
    last_in = _criterion(tied[open_places - 1], tie_break)
    if last_in == _criterion(tied[open_places], tie_break):
        still = [c for c in tied if _criterion(c, tie_break) == last_in]
        steps.append(
            _(
                "%(names)s restent à égalité selon cette règle : l'ordre alphabétique des noms "
                "les départage."
            )
            % {"names": _names(still)}
        )
    steps.append(
        _("L'égalité est tranchée en faveur de %(names)s.") % {"names": _names(tied[:open_places])}
    )
    return ranked[:places]


def _criterion(candidate: Candidate, tie_break: str) -> tuple[bool, datetime.date]:
    """Smaller wins: the earlier start in the council, or the earlier known birth date."""
    if tie_break == SENIORITY:
        return (False, candidate.seniority)
    return (candidate.birth_date is None, candidate.birth_date or datetime.date.max)


def _alphabetical(candidate: Candidate) -> tuple[str, str, str]:
    # Accents and case do not change the order ("Élodie" before "Fabrice"); the key makes
    # even two identical names come out the same way whatever the input order.
    decomposed = unicodedata.normalize("NFKD", candidate.name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return (plain, candidate.name, candidate.key)


def _rank(
    candidate: Candidate, tally: dict[str, int], tie_break: str
) -> tuple[int, tuple[bool, datetime.date], tuple[str, str, str]]:
    return (-tally[candidate.key], _criterion(candidate, tie_break), _alphabetical(candidate))


def _names(candidates: Sequence[Candidate]) -> str:
    return ", ".join(c.name for c in candidates)


def _with_votes(candidates: Sequence[Candidate], tally: dict[str, int]) -> str:
    return ", ".join(f"{c.name} ({tally[c.key]})" for c in candidates)


def _with_criterion(candidate: Candidate, tie_break: str) -> str:
    day = candidate.seniority if tie_break == SENIORITY else candidate.birth_date
    shown = day.strftime("%d/%m/%Y") if day else _("inconnue")
    return f"{candidate.name} ({shown})"


def _validate(
    mode: str,
    seats: int,
    round_number: int,
    candidates: Sequence[Candidate],
    votes: Mapping[str, int],
    ballots: int,
    blank: int,
    invalid: int,
    tie_break: str,
) -> Mode:
    if mode not in {m.value for m in Mode}:
        raise ValueError(_("Mode d'élection inconnu : %(mode)s.") % {"mode": mode})
    kind = Mode(mode)
    if tie_break not in TIE_BREAKS:
        raise ValueError(_("Règle de départage inconnue : %(rule)s.") % {"rule": tie_break})
    if round_number not in (1, 2):
        raise ValueError(_("Une élection a un premier et un second tour, pas d'autre."))
    if seats < 1:
        raise ValueError(_("Il faut au moins un siège à pourvoir."))
    if kind != Mode.LIST and seats != 1:
        raise ValueError(_("Ce mode d'élection pourvoit un seul siège."))
    if not candidates:
        raise ValueError(_("Il faut au moins une candidature."))
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError(_("Une candidature figure deux fois."))
    if kind == Mode.YES_NO and len(candidates) != 1:
        raise ValueError(_("Un vote par oui ou non porte sur une seule candidature."))
    if kind == Mode.YES_NO and round_number != 1:
        raise ValueError(_("Un vote par oui ou non n'a pas de second tour."))
    if min(ballots, blank, invalid, *votes.values(), 0) < 0:
        raise ValueError(_("Les nombres de bulletins et de voix ne peuvent pas être négatifs."))
    if blank + invalid > ballots:
        raise ValueError(
            _(
                "Plus de bulletins blancs et nuls (%(count)s) que de bulletins déposés "
                "(%(ballots)s)."
            )
            % {"count": blank + invalid, "ballots": ballots}
        )
    valid = ballots - blank - invalid
    known = {YES, NO, ABSTAIN} if kind == Mode.YES_NO else set(keys)
    unknown = sorted(set(votes) - known)
    if unknown:
        raise ValueError(
            _("Voix pour une candidature inconnue : %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    # A blank or invalid ballot names nobody: only valid ballots carry names, each at most
    # `seats` of them and each candidate at most once (for YES_NO: one answer per ballot).
    names_allowed = valid if kind == Mode.YES_NO else seats * valid
    if sum(votes.values()) > names_allowed or max(votes.values(), default=0) > valid:
        raise ValueError(
            _(
                "Plus de voix (%(votes)s) que n'en permettent les bulletins valables "
                "(%(valid)s) et les sièges (%(seats)s)."
            )
            % {"votes": sum(votes.values()), "valid": valid, "seats": seats}
        )
    return kind
