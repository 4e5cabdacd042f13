"""The Ecoindex computation against values worked out by hand from the published quantiles."""

import pytest

from tests.browser.pageweight import (
    DOM_QUANTILES,
    REQUEST_QUANTILES,
    SIZE_KB_QUANTILES,
    ecoindex_grade,
    ecoindex_score,
    quantile_position,
)


def test_quantile_position_interpolates_between_consecutive_quantiles():
    assert quantile_position(0, DOM_QUANTILES) == 0
    assert quantile_position(47, DOM_QUANTILES) == 1
    assert quantile_position(61, DOM_QUANTILES) == pytest.approx(1.5)  # halfway 47 → 75
    assert quantile_position(370, DOM_QUANTILES) == pytest.approx(6 + 12 / 59)
    assert quantile_position(10, REQUEST_QUANTILES) == pytest.approx(1 + 8 / 13)
    assert quantile_position(60, SIZE_KB_QUANTILES) == pytest.approx(1 + 58.63 / 143.33)
    # Beyond the last quantile the position stops at 20.
    assert quantile_position(10**7, DOM_QUANTILES) == 20


def test_quantile_position_refuses_negative_values():
    with pytest.raises(ValueError):
        quantile_position(-1, REQUEST_QUANTILES)


@pytest.mark.parametrize(
    ("dom", "requests", "size_kb", "expected"),
    [
        (0, 0, 0, 100),
        # Each value on its first quantile: 100 − 5 × (3 + 2 + 1) / 6.
        (47, 2, 1.37, 95),
        # Each value halfway to the second: 100 − 5 × (4.5 + 3 + 1.5) / 6.
        (61, 8.5, 73.035, 92.5),
        # q_dom 6, q_req 2, q_size 2: 100 − 5 × (18 + 4 + 2) / 6.
        (358, 15, 144.7, 80),
        # QUALITY.md's budget: 370 nodes, 10 requests, 60 KB is just grade A.
        # 100 − 5 × (3 × (6 + 12/59) + 2 × (1 + 8/13) + (1 + 58.63/143.33)) / 6
        (370, 10, 60, 80.625),
        (10**6, 10**4, 10**6, 0),
    ],
)
def test_ecoindex_score(dom, requests, size_kb, expected):
    assert ecoindex_score(dom, requests, size_kb) == pytest.approx(expected, abs=1e-3)


def test_budgets_of_quality_md_give_grade_a():
    assert ecoindex_grade(ecoindex_score(370, 10, 60)) == "A"
    assert ecoindex_grade(ecoindex_score(390, 6, 40)) == "A"
    assert ecoindex_grade(ecoindex_score(420, 10, 60)) == "B"


def test_grades():
    assert [ecoindex_grade(s) for s in (100, 80.01, 80, 70.5, 56, 41, 26, 11, 0)] == list(
        "AABBCDEFG"
    )
