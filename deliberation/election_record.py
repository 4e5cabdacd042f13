"""An election round's Decision as the records read it (decision page, minutes, OParl, CSV):
the votes per candidate (or yes / no / abstain), blank and invalid ballots, who was elected
or admitted to the runoff. Counts only: a round is secret, nothing is ever given per voter."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YES_NO_LABELS = {
    "yes": gettext_lazy("oui"),
    "no": gettext_lazy("non"),
    "abstain": gettext_lazy("abstention"),
}


def is_election(decision: Any) -> bool:
    text = decision.text_voted if isinstance(decision.text_voted, dict) else {}
    return text.get("kind") == "election"


def _text(decision: Any) -> dict[str, Any]:
    return decision.text_voted if isinstance(decision.text_voted, dict) else {}


def _tally(decision: Any) -> dict[str, Any]:
    return decision.tally if isinstance(decision.tally, dict) else {}


def election_rows(decision: Any) -> list[dict[str, Any]]:
    """One row per candidate (or yes / no / abstain): votes, elected, admitted to the runoff."""
    text, tally = _text(decision), _tally(decision)
    total = tally.get("total", {})
    elected, runoff = set(text.get("elected", [])), set(text.get("runoff", []))
    if text.get("mode") == "yes_no":
        return [
            {
                "key": key,
                "name": str(label),
                "votes": int(total.get(key, 0)),
                "elected": False,
                "runoff": False,
            }
            for key, label in YES_NO_LABELS.items()
        ]
    return [
        {
            "key": c.get("key"),
            "name": c.get("name", ""),
            "votes": int(total.get(c.get("key"), 0)),
            "elected": c.get("key") in elected,
            "runoff": c.get("key") in runoff,
        }
        for c in text.get("candidates", [])
    ]


def election_summary(decision: Any) -> str:
    """One line: "Marie Lambert : 6 ; Luc Peeters : 3 ; blancs : 1 ; nuls : 0 — élu·e·s :
    Marie Lambert" (or the candidates admitted to the runoff)."""
    text, tally = _text(decision), _tally(decision)
    counts = [f"{row['name']} : {row['votes']}" for row in election_rows(decision)]
    counts.append(_("blancs : %(n)s") % {"n": int(tally.get("blank", 0))})
    counts.append(_("nuls : %(n)s") % {"n": int(tally.get("invalid", 0))})
    line = " ; ".join(counts)
    names = {c.get("key"): c.get("name", "") for c in text.get("candidates", [])}
    if text.get("elected_names"):
        return _("%(counts)s — élu·e·s : %(names)s") % {
            "counts": line,
            "names": ", ".join(text["elected_names"]),
        }
    if text.get("runoff"):
        return _("%(counts)s — ballottage entre : %(names)s") % {
            "counts": line,
            "names": ", ".join(names.get(k, k) for k in text["runoff"]),
        }
    return _("%(counts)s — personne n'est élu·e") % {"counts": line}
