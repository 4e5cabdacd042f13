"""The one CSV writer: text cells that a spreadsheet would run as formulas are defused."""

from __future__ import annotations

import csv
import io

import pytest

from council import spreadsheets


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+SUM(1,1)", "-2+3", "@SUM(1)", "\t=1", "\r=1"]
)
def test_a_text_cell_that_starts_a_formula_gets_a_quote(text):
    assert spreadsheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Maintenir les guichets ?", "2026", "", " =1", "a=b"])
def test_other_text_is_left_alone(text):
    assert spreadsheets.neutralise(text) == text


def test_numbers_stay_numbers_and_text_is_quoted():
    stream = io.StringIO()
    spreadsheets.writer(stream).writerow(["-2+3", -2, 3, 1.5, None, "guichet"])
    assert stream.getvalue() == '"\'-2+3",-2,3,1.5,"","guichet"\r\n'
    assert next(csv.reader(io.StringIO(stream.getvalue())))[0] == "'-2+3"
