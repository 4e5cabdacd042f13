"""Word-level differences between two texts, as accessible HTML.

Changes are marked with <ins>/<del> (underline and strike-through, never colour alone) and
each carries visually hidden text so screen readers announce "inséré" / "supprimé".
Everything from the texts is escaped: the result is safe to render as is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Words and the spaces between them are both tokens, so spacing survives the diff.
_TOKEN = re.compile(r"\s+|[^\s]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _inserted(words: str) -> str:
    return format_html(
        '<ins><span class="visually-hidden">{} </span>{}</ins>', _("inséré :"), words
    )


def _deleted(words: str) -> str:
    return format_html(
        '<del><span class="visually-hidden">{} </span>{}</del>', _("supprimé :"), words
    )


def _changes(a: list[str], b: list[str]) -> list[tuple[bool, str, str]]:
    """(changed, old, new) runs. Changes separated only by a space merge into one, so a
    rewritten phrase reads as the old words struck out, then the new ones."""
    runs: list[tuple[bool, str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        changed = tag != "equal"
        if changed and runs and runs[-1][0]:
            runs[-1] = (True, runs[-1][1] + old, runs[-1][2] + new)
        elif changed and len(runs) >= 2 and runs[-1][1].isspace() and runs[-2][0]:
            space = runs.pop()[1]
            _, removed, added = runs.pop()
            runs.append((True, removed + space + old, added + space + new))
        else:
            runs.append((changed, old, new))
    return runs


def word_diff(old: str, new: str) -> SafeString:
    """`old` turned into `new`, with deleted words in <del> and inserted ones in <ins>."""
    parts: list[str] = []
    for changed, removed, added in _changes(tokens(old), tokens(new)):
        if not changed:
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(_deleted(removed))
        if added:
            parts.append(_inserted(added))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


def inserted(text: str) -> SafeString:
    """A whole new paragraph."""
    return mark_safe(_inserted(text))  # noqa: S308 - format_html escaped it


def deleted(text: str) -> SafeString:
    """A whole removed paragraph."""
    return mark_safe(_deleted(text))  # noqa: S308 - format_html escaped it


def paragraphs_diff(old: Sequence[str], new: Sequence[str]) -> list[SafeString]:
    """Paragraph-aligned diff of two versions: one HTML string per paragraph of either."""
    out: list[SafeString] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(mark_safe(escape(p)) for p in old[i1:i2])  # noqa: S308
        elif tag == "delete":
            out.extend(deleted(p) for p in old[i1:i2])
        elif tag == "insert":
            out.extend(inserted(p) for p in new[j1:j2])
        else:
            olds, news = list(old[i1:i2]), list(new[j1:j2])
            for k in range(max(len(olds), len(news))):
                if k < len(olds) and k < len(news):
                    out.append(word_diff(olds[k], news[k]))
                elif k < len(olds):
                    out.append(deleted(olds[k]))
                else:
                    out.append(inserted(news[k]))
    return out
