"""Comments on a proposal or an amendment in the members' room."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.models import User
from deliberation import events, guards
from deliberation.actions.common import (
    COMMENT_MAX,
    ActionError,
    clean_text,
    meeting_event,
    refuse_if,
)
from deliberation.models import (
    Amendment,
    Comment,
    Proposal,
)
from deliberation.text import sanitize


@transaction.atomic
def do_add_comment(
    target: Proposal | Amendment,
    body: str,
    *,
    parent: Comment | None = None,
    acting_user: User,
) -> Comment:
    comment = Comment.objects.create(
        proposal=target if isinstance(target, Proposal) else None,
        amendment=target if isinstance(target, Amendment) else None,
        parent=parent,
        author=acting_user,
        body=body,
    )
    proposal = target if isinstance(target, Proposal) else target.proposal
    item = proposal.agenda_item
    meeting_event(
        item.meeting_id,
        events.CommentAdded(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=proposal.pk,
            amendment_id=target.pk if isinstance(target, Amendment) else None,
            comment_id=comment.pk,
        ),
    )
    return comment


def clean_comment_body(body: Any) -> str:
    text = clean_text(body, field="body", label=_("Commentaire"), maximum=COMMENT_MAX)
    html = sanitize.clean(text, "comment")
    if "<p>" not in html:
        # Typed as plain text: blank lines make paragraphs, line breaks stay.
        html = "".join(
            "<p>" + part.strip().replace("\n", "<br>") + "</p>"
            for part in html.replace("\r\n", "\n").split("\n\n")
            if part.strip()
        )
    if not sanitize.clean(html, "text").strip():
        raise ActionError(_("Commentaire : ce champ est obligatoire."), "body")
    return html


def check_add_comment(
    target: Proposal | Amendment,
    body: Any,
    *,
    parent_id: Any = None,
    acting_user: User,
) -> Comment:
    refuse_if(guards.guard_comment(acting_user, target))
    parent = None
    if parent_id not in (None, ""):
        try:
            pk = int(parent_id)
        except (TypeError, ValueError):
            raise ActionError(_("Commentaire introuvable."), "parent") from None
        lookup = {"proposal": target} if isinstance(target, Proposal) else {"amendment": target}
        parent = Comment.objects.filter(pk=pk, **lookup).first()  # type: ignore[misc]
        if parent is None:
            raise ActionError(_("Commentaire introuvable."), "parent")
        if parent.parent_id is not None:
            # Threads are one level deep: a reply to a reply joins the same thread.
            parent = parent.parent
    return do_add_comment(target, clean_comment_body(body), parent=parent, acting_user=acting_user)
