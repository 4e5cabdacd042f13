"""Site search: input cleaning kept apart from the view so that it can be tested alone."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_QUERY_LENGTH = 200
# C0/C1 control characters, and the Unicode "format" ones used to hide text (bidi overrides).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


_WORD = re.compile(r"\w+")


@dataclass
class CleanQuery:
    text: str
    error: str = ""

    @property
    def terms(self) -> str:
        """Words only, for the search backend: quotes and operators typed by someone reach
        SQLite's FTS5 unescaped (a stray `"` is a syntax error there), and a resident's
        query needs no syntax anyway."""
        return " ".join(_WORD.findall(self.text.lower()))


def clean_query(raw: str) -> CleanQuery:
    """Normalise what someone typed; too long a query is refused with a message, not cut
    silently, so that nobody reads results for a question they did not ask."""
    text = unicodedata.normalize("NFC", raw or "")
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return CleanQuery(
            text[:MAX_QUERY_LENGTH],
            _(
                "Votre recherche compte plus de %(max)d caractères. "
                "Raccourcissez-la à quelques mots."
            )
            % {"max": MAX_QUERY_LENGTH},
        )
    return CleanQuery(text)
