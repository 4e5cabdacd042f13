"""An amendment's operations on a text's paragraphs.

An operation is `{"op": "replace" | "delete" | "insert_after", "paragraph": n, "text": …}`;
paragraphs are numbered from 1 in the version the amendment was filed against, and an
insertion after paragraph 0 goes before the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

REPLACE, DELETE, INSERT_AFTER = "replace", "delete", "insert_after"


def apply_operations(
    paragraphs: Sequence[str], operations: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The text that results from applying an amendment's operations to `paragraphs`."""
    result: list[str | None] = list(paragraphs)
    inserts: dict[int, list[str]] = {}
    for op in operations:
        n = int(op["paragraph"])
        if op["op"] == REPLACE:
            result[n - 1] = op["text"]
        elif op["op"] == DELETE:
            result[n - 1] = None
        else:
            inserts.setdefault(n, []).append(op["text"])
    out: list[str] = list(inserts.get(0, []))
    for i, p in enumerate(result, start=1):
        if p is not None:
            out.append(p)
        out.extend(inserts.get(i, []))
    return out


def paragraph_map(length: int, operations: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Where each paragraph of the base (1-based, and 0 for "before the first") lands after
    the operations are applied; deleted paragraphs have no entry."""
    deleted = {int(o["paragraph"]) for o in operations if o["op"] == DELETE}
    inserted: dict[int, int] = {}
    for o in operations:
        if o["op"] == INSERT_AFTER:
            inserted[int(o["paragraph"])] = inserted.get(int(o["paragraph"]), 0) + 1
    mapping = {0: inserted.get(0, 0)}
    position = inserted.get(0, 0)
    for n in range(1, length + 1):
        if n not in deleted:
            position += 1
            mapping[n] = position
        position += inserted.get(n, 0)
    return mapping


def carry_over(
    operations: Sequence[Mapping[str, Any]],
    merges: Sequence[tuple[int, Sequence[Mapping[str, Any]]]],
    length: int,
) -> list[dict[str, Any]]:
    """An amendment's operations with their paragraph numbers moved to the current version.

    `merges` are the amendments merged since the amendment's base, oldest first: for each,
    the length of the text it applied to and its operations; `length` is the current text's.
    A paragraph that was deleted keeps its old number, bounded by the current text's length:
    the author reviews every row before restating it.
    """
    numbers = {int(o["paragraph"]): int(o["paragraph"]) for o in operations}
    for before, merged in merges:
        mapping = paragraph_map(before, merged)
        numbers = {old: mapping.get(now, now) for old, now in numbers.items()}
    return [
        {
            **o,
            "paragraph": max(
                0 if o["op"] == INSERT_AFTER else 1,
                min(numbers[int(o["paragraph"])], length),
            ),
        }
        for o in operations
    ]
