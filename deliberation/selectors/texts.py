"""Proposals, their versions and amendments, with comment threads and word diffs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString

from deliberation.models import (
    AgendaItem,
    Amendment,
    Comment,
    Proposal,
    ProposalVersion,
)
from deliberation.text import diff


def latest_version(proposal: Proposal) -> ProposalVersion:
    return proposal.versions.order_by("-number").first()  # type: ignore[return-value]


def _comments_prefetch(prefix: str = "") -> list[Prefetch[Any]]:
    visible = Comment.objects.filter(parent__isnull=True).select_related("author")
    replies = Comment.objects.select_related("author").order_by("created", "pk")
    return [
        Prefetch(
            f"{prefix}comments",
            queryset=visible.prefetch_related(Prefetch("replies", queryset=replies)),
            to_attr="top_comments",
        )
    ]


def proposals_for(item: AgendaItem) -> QuerySet[Proposal]:
    """An item's proposals with authors, versions, amendments and comment threads."""
    return (
        Proposal.objects.filter(agenda_item=item)
        .prefetch_related(
            "authors",
            Prefetch("versions", queryset=ProposalVersion.objects.order_by("number")),
            Prefetch(
                "amendments",
                queryset=Amendment.objects.select_related("author", "base_version").order_by(
                    "number"
                ),
            ),
            *_comments_prefetch(),
            *_comments_prefetch("amendments__"),
        )
        .order_by("created", "pk")
    )


@dataclasses.dataclass(frozen=True)
class ParagraphChange:
    """One operation of an amendment, for display."""

    op: str
    paragraph: int  # 1-based number in the base version
    html: SafeString  # the word diff, with <ins>/<del>


def amendment_changes(amendment: Amendment) -> list[ParagraphChange]:
    """The amendment's operations as word diffs against its base version (no query)."""
    base: Sequence[str] = amendment.base_version.paragraphs
    out = []
    for op in amendment.operations:
        n = int(op["paragraph"])
        old = base[n - 1] if 0 < n <= len(base) else ""
        if op["op"] == Amendment.Op.REPLACE:
            html = diff.word_diff(old, op.get("text", ""))
        elif op["op"] == Amendment.Op.DELETE:
            html = diff.deleted(old)
        else:
            html = diff.inserted(op.get("text", ""))
        out.append(ParagraphChange(op["op"], n, html))
    return out


def amendments_for(version: ProposalVersion) -> list[tuple[Amendment, list[ParagraphChange]]]:
    """Amendments filed against a version, each with its word diffs."""
    amendments = (
        Amendment.objects.filter(base_version=version)
        .select_related("author", "base_version", "rebased_from")
        .order_by("number")
    )
    return [(a, amendment_changes(a)) for a in amendments]
