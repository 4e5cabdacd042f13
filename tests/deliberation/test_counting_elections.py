"""Elections of persons: tables of cases from the rules, then properties (hypothesis)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from council.models import TieBreak
from deliberation.counting import (
    TIE_BREAKS,
    Candidate,
    ElectionCount,
    Mode,
    count_election,
)

D = datetime.date

# Alice is the newest in the council and the youngest; Bruno and Chloé came in together;
# Chloé and Denis were born the same day; Denis's birth date is known, Émile's is not.
PEOPLE = {
    "a": Candidate("a", "Alice", D(2024, 1, 7), D(1990, 5, 1)),
    "b": Candidate("b", "Bruno", D(2012, 12, 3), D(1961, 2, 2)),
    "c": Candidate("c", "Chloé", D(2012, 12, 3), D(1975, 8, 9)),
    "d": Candidate("d", "Denis", D(2018, 12, 3), D(1975, 8, 9)),
    "e": Candidate("e", "Émile", D(2006, 12, 4), None),
}


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def count(
    mode="single",
    *,
    seats=1,
    round_number=1,
    who="abc",
    votes,
    ballots,
    blank=0,
    invalid=0,
    tie_break="seniority",
) -> ElectionCount:
    return count_election(
        mode=mode,
        seats=seats,
        round_number=round_number,
        candidates=[PEOPLE[k] for k in who],
        votes=votes,
        ballots=ballots,
        blank=blank,
        invalid=invalid,
        tie_break=tie_break,
    )


def test_tie_break_values_are_the_councils():
    assert set(TIE_BREAKS) == set(TieBreak.values)


# --- One seat: SINGLE -----------------------------------------------------------------------

SINGLE_CASES = [
    # kwargs, elected, runoff, majority
    pytest.param(
        {"votes": {"a": 6, "b": 3, "c": 2}, "ballots": 11}, "a", "", 6, id="majority-in-round-1"
    ),
    pytest.param(
        {"votes": {"a": 5, "b": 4, "c": 2}, "ballots": 11}, "", "ab", 6, id="no-majority-runoff"
    ),
    pytest.param(
        # 5 of 11 ballots is not a majority, but blanks and invalids do not count: 5 of 9 is.
        {"votes": {"a": 5, "b": 3, "c": 1}, "ballots": 11, "blank": 1, "invalid": 1},
        "a",
        "",
        5,
        id="blanks-and-invalids-not-counted",
    ),
    pytest.param(
        # Bruno and Chloé came in the same day (a tie on seniority): alphabetical order.
        {"votes": {"a": 5, "b": 3, "c": 3}, "ballots": 11},
        "",
        "ab",
        6,
        id="tie-for-second-remains-after-seniority",
    ),
    pytest.param(
        {"votes": {"a": 3, "b": 3, "c": 3}, "ballots": 9, "tie_break": "age"},
        "",
        "bc",
        5,
        id="three-tied-first-age-decides",
    ),
    pytest.param(
        {"votes": {"a": 3, "b": 3, "c": 3}, "ballots": 9},
        "",
        "bc",
        5,
        id="three-tied-first-seniority",
    ),
    pytest.param(
        {"who": "ad", "votes": {"a": 2, "d": 2}, "ballots": 8, "blank": 4},
        "",
        "da",
        3,
        id="two-candidates-both-go-to-runoff",
    ),
    pytest.param({"who": "a", "votes": {"a": 4}, "ballots": 7}, "a", "", 4, id="alone-majority"),
    pytest.param(
        {"who": "a", "votes": {"a": 3}, "ballots": 7, "blank": 1},
        "",
        "a",
        4,
        id="alone-no-majority-goes-to-round-2",
    ),
    pytest.param({"votes": {}, "ballots": 3, "blank": 3}, "", "bc", 1, id="all-blank"),
    # Round 2: the most votes win; a tie goes to the rule.
    pytest.param(
        {"round_number": 2, "who": "ab", "votes": {"a": 5, "b": 4}, "ballots": 12, "blank": 3},
        "a",
        "",
        5,
        id="round-2-most-votes",
    ),
    pytest.param(
        {"round_number": 2, "who": "ab", "votes": {"a": 4, "b": 4}, "ballots": 8},
        "b",
        "",
        5,
        id="round-2-tie-seniority",
    ),
    pytest.param(
        {
            "round_number": 2,
            "who": "ad",
            "votes": {"a": 4, "d": 4},
            "ballots": 8,
            "tie_break": "age",
        },
        "d",
        "",
        5,
        id="round-2-tie-age",
    ),
    pytest.param(
        {
            "round_number": 2,
            "who": "de",
            "votes": {"d": 1, "e": 1},
            "ballots": 2,
            "tie_break": "age",
        },
        "d",
        "",
        2,
        id="round-2-tie-age-unknown-birth-date-loses",
    ),
    pytest.param(
        {
            "round_number": 2,
            "who": "dc",
            "votes": {"c": 2, "d": 2},
            "ballots": 4,
            "tie_break": "age",
        },
        "c",
        "",
        3,
        id="round-2-tie-remains-after-age-alphabet",
    ),
    pytest.param(
        {"round_number": 2, "who": "a", "votes": {"a": 1}, "ballots": 5, "blank": 3},
        "a",
        "",
        2,
        id="round-2-alone-elected",
    ),
]


@pytest.mark.parametrize(("kwargs", "elected", "runoff", "majority"), SINGLE_CASES)
def test_single_seat(kwargs, elected, runoff, majority):
    result = count("single", **kwargs)
    assert result.elected == tuple(elected)
    assert result.runoff == tuple(runoff)
    assert result.majority == majority
    assert result.valid == kwargs["ballots"] - kwargs.get("blank", 0) - kwargs.get("invalid", 0)


# --- Yes or no on one candidacy -------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "blank", "elected", "majority"),
    [
        pytest.param({"yes": 5, "no": 4, "abstain": 9}, 0, "a", 5, id="yes-beats-no"),
        pytest.param({"yes": 4, "no": 4}, 0, "", 5, id="tie-is-not-elected"),
        pytest.param({"yes": 2, "no": 1, "abstain": 6}, 5, "a", 2, id="abstentions-blanks-out"),
        pytest.param({"yes": 1, "no": 3}, 0, "", 3, id="more-no"),
        pytest.param({"abstain": 4}, 1, "", 1, id="nobody-says-yes"),
    ],
)
def test_yes_no(votes, blank, elected, majority):
    ballots = sum(votes.values()) + blank
    result = count("yes_no", who="a", votes=votes, ballots=ballots, blank=blank)
    assert result.elected == tuple(elected)
    assert result.runoff == ()
    assert result.majority == majority
    if not elected:
        assert "le siège reste vacant" in result.steps[-1]


# --- Several seats: LIST --------------------------------------------------------------------

LIST_CASES = [
    # 10 valid ballots, majority 6 unless said.
    pytest.param(
        {"seats": 2, "votes": {"a": 7, "b": 6, "c": 5}, "ballots": 10},
        "ab",
        "",
        id="all-seats-in-round-1",
    ),
    pytest.param(
        {"seats": 3, "votes": {"a": 7, "b": 6, "c": 5, "d": 4, "e": 3}, "ballots": 10},
        "ab",
        "cd",
        id="partial-seats-runoff-twice-remaining",
    ),
    pytest.param(
        {"seats": 2, "votes": {"a": 5, "b": 5, "c": 5, "d": 2}, "ballots": 10},
        "",
        "bcad",
        id="no-majority-four-in-runoff",
    ),
    pytest.param(
        {"seats": 2, "votes": {"a": 5, "b": 5, "c": 5, "d": 5, "e": 5}, "ballots": 13},
        "",
        "ebcd",
        id="runoff-boundary-tie-seniority",
    ),
    pytest.param(
        {
            "seats": 2,
            "votes": {"a": 5, "b": 5, "c": 5, "d": 5, "e": 5},
            "ballots": 13,
            "tie_break": "age",
        },
        "",
        "bcda",
        id="runoff-boundary-tie-age",
    ),
    pytest.param(
        # Three reach the majority for two seats; Bruno and Chloé tie for the last one.
        {"seats": 2, "votes": {"a": 7, "b": 6, "c": 6}, "ballots": 10, "tie_break": "age"},
        "ab",
        "",
        id="more-majorities-than-seats-tie-at-last-seat",
    ),
    pytest.param(
        {"seats": 3, "who": "ab", "votes": {"a": 7, "b": 6}, "ballots": 10},
        "ab",
        "",
        id="fewer-candidates-than-seats",
    ),
    pytest.param(
        {"seats": 3, "who": "ab", "votes": {"a": 7, "b": 2}, "ballots": 10},
        "a",
        "b",
        id="fewer-left-than-twice-remaining",
    ),
    pytest.param(
        {"seats": 2, "who": "abc", "votes": {"a": 6, "b": 6, "c": 6}, "ballots": 12},
        "",
        "bca",
        id="six-of-twelve-is-no-majority",
    ),
    pytest.param(
        # The same names with two blank ballots: six of ten valid ones is a majority.
        {"seats": 2, "votes": {"a": 6, "b": 6, "c": 6}, "ballots": 12, "blank": 2},
        "bc",
        "",
        id="blanks-not-counted-three-majorities-two-seats",
    ),
    # Round 2: the remaining seats go to the most votes.
    pytest.param(
        {
            "round_number": 2,
            "seats": 2,
            "who": "abcd",
            "votes": {"a": 3, "b": 5, "c": 4, "d": 4},
            "ballots": 8,
        },
        "bc",
        "",
        id="round-2-tie-for-last-seat-seniority",
    ),
    pytest.param(
        {"round_number": 2, "seats": 2, "who": "a", "votes": {"a": 1}, "ballots": 3},
        "a",
        "",
        id="round-2-alone-for-two-seats",
    ),
    pytest.param(
        {"round_number": 2, "seats": 3, "who": "ab", "votes": {"a": 1}, "ballots": 3},
        "ab",
        "",
        id="round-2-seat-left-vacant",
    ),
]


@pytest.mark.parametrize(("kwargs", "elected", "runoff"), LIST_CASES)
def test_list(kwargs, elected, runoff):
    kwargs.setdefault("who", "abcde")
    result = count("list", **kwargs)
    assert result.elected == tuple(elected)
    assert result.runoff == tuple(runoff)


# --- The steps say which rule applied, with the figures ------------------------------------


def test_steps_of_a_runoff_with_a_tie_say_the_figures():
    result = count(votes={"a": 5, "b": 3, "c": 3}, ballots=14, blank=2, invalid=1)
    assert result.steps == (
        "Bulletins déposés : 14 ; blancs : 2 ; nuls : 1 ; valables : 11.",
        "Voix obtenues : Alice (5), Bruno (3), Chloé (3).",
        "Les bulletins blancs et nuls ne comptent pas : la majorité absolue est de 6 voix, "
        "plus de la moitié des bulletins valables (11).",
        "Personne n'atteint la majorité absolue (6 voix).",
        "Un second tour (ballottage) a lieu entre les deux candidat·es les mieux placé·es.",
        "Égalité à 3 voix entre Bruno, Chloé ; places à départager : 1.",
        "Règle du conseil en cas d'égalité : le ou la plus ancien·ne au conseil l'emporte. "
        "Début du premier mandat : Bruno (03/12/2012), Chloé (03/12/2012).",
        "Bruno, Chloé restent à égalité selon cette règle : l'ordre alphabétique des noms les "
        "départage.",
        "L'égalité est tranchée en faveur de Bruno.",
        "Admis·es au second tour : Alice, Bruno.",
    )


def test_steps_of_an_age_tie_show_the_birth_dates():
    result = count(round_number=2, who="de", votes={"d": 1, "e": 1}, ballots=2, tie_break="age")
    text = "\n".join(result.steps)
    assert "Denis (09/08/1975), Émile (inconnue)" in text
    assert "restent à égalité" not in text
    assert result.steps[-1] == "Denis est élu·e au second tour avec 1 voix."


def test_steps_of_a_list_round_1():
    result = count(
        "list", seats=3, who="abcde", votes={"a": 7, "b": 6, "c": 5, "d": 4, "e": 3}, ballots=10
    )
    assert "Alice obtient 7 voix, au moins la majorité absolue, et est élu·e au premier tour." in (
        result.steps
    )
    assert any("Sièges restant à pourvoir : 1." in s and "(2 au plus)" in s for s in result.steps)
    assert result.steps[-1] == "Admis·es au second tour : Chloé, Denis."


def test_steps_of_a_lone_candidate_say_round_2_elects():
    first = count(who="a", votes={"a": 3}, ballots=7, blank=1)
    assert any("seul·e candidat·e" in s and "le plus grand nombre" in s for s in first.steps)
    second = count(round_number=2, who="a", votes={"a": 0}, ballots=2, blank=2)
    assert second.elected == ("a",)
    assert second.steps[-1] == "Alice est seul·e au second tour et est donc élu·e (0 voix)."
    pair = count("list", seats=2, round_number=2, who="a", votes={"a": 1}, ballots=3)
    assert pair.steps[-1] == "Faute de candidat·es, sièges restant vacants : 1."


def test_steps_are_translated():
    with translation.override("nl"):
        result = count(votes={"a": 6, "b": 3, "c": 2}, ballots=11)
    assert result.steps[0] == "Uitgebrachte stembiljetten: 11; blanco: 0; ongeldig: 0; geldig: 11."


# --- Bad input is refused with a clear message ----------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"mode": "ranked"}, "Mode d'élection inconnu", id="unknown-mode"),
        pytest.param({"tie_break": "coin"}, "Règle de départage inconnue", id="unknown-rule"),
        pytest.param({"round_number": 3}, "second tour", id="third-round"),
        pytest.param({"mode": "list", "seats": 0}, "au moins un siège", id="no-seat"),
        pytest.param({"seats": 2}, "un seul siège", id="single-with-two-seats"),
        pytest.param({"who": ""}, "au moins une candidature", id="no-candidate"),
        pytest.param({"who": "aa"}, "deux fois", id="same-candidate-twice"),
        pytest.param({"ballots": -1}, "négatifs", id="negative-ballots"),
        pytest.param({"votes": {"a": -1}}, "négatifs", id="negative-votes"),
        pytest.param({"blank": 3, "invalid": 3}, "Plus de bulletins blancs", id="blank-invalid"),
        pytest.param({"votes": {"z": 1}}, "candidature inconnue : z", id="unknown-key"),
        pytest.param({"votes": {"a": 3, "b": 3}}, "Plus de voix (6)", id="more-votes-than-ballots"),
        pytest.param({"blank": 2, "votes": {"a": 4}}, "Plus de voix", id="votes-on-blank-ballots"),
        pytest.param(
            {"mode": "list", "seats": 2, "votes": {"a": 6}}, "Plus de voix", id="name-twice"
        ),
        pytest.param(
            {"mode": "list", "seats": 2, "votes": {"a": 5, "b": 5, "c": 1}},
            "Plus de voix (11)",
            id="more-names-than-seats-times-ballots",
        ),
        pytest.param({"mode": "yes_no"}, "une seule candidature", id="yes-no-two-candidates"),
        pytest.param(
            {"mode": "yes_no", "who": "a", "votes": {"a": 1}}, "inconnue", id="yes-no-name"
        ),
        pytest.param(
            {"mode": "yes_no", "who": "a", "round_number": 2, "votes": {}},
            "pas de second tour",
            id="yes-no-round-2",
        ),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    arguments = {"who": "abc", "votes": {"a": 2}, "ballots": 5, **kwargs}
    mode = arguments.pop("mode", "single")
    with pytest.raises(ValueError, match=re.escape(message)):
        count(mode, **arguments)


# --- Properties -----------------------------------------------------------------------------


@st.composite
def elections(draw):
    mode = draw(st.sampled_from(list(Mode)))
    n = 1 if mode == Mode.YES_NO else draw(st.integers(1, 6))
    seats = draw(st.integers(1, 4)) if mode == Mode.LIST else 1
    starts = st.dates(D(2000, 1, 1), D(2000, 1, 5))  # few dates, so ties happen
    births = st.none() | st.dates(D(1960, 1, 1), D(1960, 1, 3))
    candidates = [
        Candidate(
            str(i), draw(st.sampled_from(["Ana", "Ben", "Éva", "eva"])), draw(starts), draw(births)
        )
        for i in range(n)
    ]
    keys = [c.key for c in candidates]
    choices = ["yes", "no", "abstain"] if mode == Mode.YES_NO else keys
    most = 1 if mode != Mode.LIST else seats
    papers = draw(
        st.lists(
            st.lists(st.sampled_from(choices), min_size=1, max_size=most, unique=True), max_size=30
        )
    )
    votes: dict[str, int] = {}
    for paper in papers:
        for name in paper:
            votes[name] = votes.get(name, 0) + 1
    blank, invalid = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    return {
        "mode": mode.value,
        "seats": seats,
        "round_number": 1 if mode == Mode.YES_NO else draw(st.sampled_from([1, 2])),
        "candidates": candidates,
        "votes": votes,
        "ballots": len(papers) + blank + invalid,
        "blank": blank,
        "invalid": invalid,
        "tie_break": draw(st.sampled_from(TIE_BREAKS)),
    }


@given(elections())
def test_invariants(election):
    result = count_election(**election)
    keys = {c.key for c in election["candidates"]}
    seats, votes = election["seats"], election["votes"]
    assert set(result.elected) <= keys and set(result.runoff) <= keys
    assert len(set(result.elected)) == len(result.elected) <= seats
    assert not set(result.elected) & set(result.runoff)
    assert result.valid == election["ballots"] - election["blank"] - election["invalid"]
    assert result.steps and all(isinstance(s, str) and s for s in result.steps)
    if election["mode"] == "yes_no":
        assert result.runoff == ()
        assert bool(result.elected) == (votes.get("yes", 0) > votes.get("no", 0))
    elif election["round_number"] == 2:
        # The ballottage always decides the seats still to fill.
        assert len(result.elected) == min(seats, len(keys))
        assert result.runoff == ()
    else:
        assert all(votes.get(k, 0) >= result.majority for k in result.elected)
        left = seats - len(result.elected)
        assert len(result.runoff) == min(2 * left, len(keys) - len(result.elected))
        out = keys - set(result.elected) - set(result.runoff)
        if result.runoff:
            assert min(votes.get(k, 0) for k in result.runoff) >= max(
                (votes.get(k, 0) for k in out), default=0
            )


@given(elections())
def test_the_order_of_the_candidates_does_not_matter(election):
    forward = count_election(**election)
    election["candidates"] = list(reversed(election["candidates"]))
    backward = count_election(**election)
    assert (forward.elected, forward.runoff, forward.steps) == (
        backward.elected,
        backward.runoff,
        backward.steps,
    )
