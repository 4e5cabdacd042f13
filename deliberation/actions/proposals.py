"""Proposals: a text tabled on an agenda item, paragraph by paragraph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.models import User
from deliberation import events
from deliberation.actions.common import (
    PARAGRAPH_MAX,
    PARAGRAPHS_MAX,
    TITLE_MAX,
    ActionError,
    clean_text,
    meeting_event,
    require,
)
from deliberation.models import (
    AgendaItem,
    Proposal,
    ProposalVersion,
)


def _clean_paragraphs(paragraphs: Any) -> list[str]:
    if isinstance(paragraphs, str):
        paragraphs = paragraphs.replace("\r\n", "\n").split("\n\n")
    if not isinstance(paragraphs, list | tuple):
        raise ActionError(_("Le texte doit être une suite de paragraphes."), "paragraphs")
    cleaned = [
        clean_text(p, field="paragraphs", label=_("Paragraphe"), maximum=PARAGRAPH_MAX)
        for p in paragraphs
        if not (isinstance(p, str) and not p.strip())
    ]
    if not cleaned:
        raise ActionError(_("Le texte doit compter au moins un paragraphe."), "paragraphs")
    if len(cleaned) > PARAGRAPHS_MAX:
        raise ActionError(
            _("Le texte compte au plus %(n)s paragraphes.") % {"n": PARAGRAPHS_MAX}, "paragraphs"
        )
    return cleaned


@transaction.atomic
def do_create_proposal(
    item: AgendaItem,
    *,
    title: str,
    paragraphs: list[str],
    summary: str = "",
    authors: Sequence[User] = (),
    acting_user: User,
) -> Proposal:
    proposal = Proposal.objects.create(agenda_item=item, title=title, summary=summary)
    proposal.authors.set({acting_user, *authors})
    ProposalVersion.objects.create(
        proposal=proposal, number=1, paragraphs=paragraphs, created_by=acting_user
    )
    meeting_event(
        item.meeting_id,
        events.ProposalCreated(
            meeting_id=item.meeting_id, item_id=item.pk, proposal_id=proposal.pk
        ),
    )
    return proposal


def check_create_proposal(
    item: AgendaItem,
    *,
    title: Any,
    paragraphs: Any,
    summary: Any = "",
    authors: Sequence[User] = (),
    acting_user: User,
) -> Proposal:
    require(
        "deliberation.create_proposal",
        acting_user,
        item,
        _("Seuls les membres peuvent déposer une proposition, tant que le point n'est pas clos."),
    )
    return do_create_proposal(
        item,
        title=clean_text(title, field="title", label=_("Titre"), maximum=TITLE_MAX),
        paragraphs=_clean_paragraphs(paragraphs),
        summary=clean_text(
            summary, field="summary", label=_("En bref"), maximum=PARAGRAPH_MAX, required=False
        ),
        authors=authors,
        acting_user=acting_user,
    )
