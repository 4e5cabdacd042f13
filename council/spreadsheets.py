"""CSV files the platform writes, safe to open in a spreadsheet.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula: a ballot question typed as
`=HYPERLINK("http://x","y")` would become a live link, `-2+3` a sum (OWASP, "CSV
Injection"). Every CSV writer goes through `writer()`, which prefixes such text cells with a
single quote and quotes every text field. Numbers are written as numbers: only `str` cells
are touched, so counts stay numeric and a question that merely starts with a minus sign
reads as typed, with the quote shown in front.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet will show it, never as a formula it would run."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_row(cells: Iterable[Any]) -> list[Any]:
    """Text cells neutralised; ints, floats and empty cells (None) kept as they are."""
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]


class SafeWriter:
    """`csv.writer` whose rows go through `safe_row`; text fields always quoted."""

    def __init__(self, stream: _Writable) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, cells: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(cells))


def writer(stream: _Writable) -> SafeWriter:
    return SafeWriter(stream)
