"""What every action shares: the refusal it raises, the checks it runs, its audit entry,
the events it publishes, and the cleaners of what people type.

The actions (one module per topic beside this one) follow one pattern: `check_<verb>_<noun>`
validates permission (the named rules of deliberation.rules), phase and input, raising
ActionError with a French message, then calls `do_<verb>_<noun>`: one atomic change, its
audit entry where a ballot or the meeting's record is concerned, then its typed events,
published to `deliberation.events` and dispatched to their subscribers (pushes,
notifications, e-mails, the archive) only once the transaction has committed.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from council.models import Membership, User
from deliberation import events, timekeeping
from deliberation.models import AuditEntry, Ballot, Meeting
from deliberation.text import sanitize

TITLE_MAX = 255
QUESTION_MAX = 500
PARAGRAPH_MAX = 5000
PARAGRAPHS_MAX = 100
OPERATIONS_MAX = 50
COMMENT_MAX = 5000
JUSTIFICATION_MAX = 5000


class ActionError(ValidationError):
    """A refused action: `message` is French and meant for the page; `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def require(permission: str, user: User, obj: Any, message: str) -> None:
    if not rules.has_perm(permission, user, obj):
        raise ActionError(message)


def refuse_if(refusal: str | None, field: str | None = None) -> None:
    """Raise a guard's refusal (deliberation.guards): the rule the pages asked too."""
    if refusal is not None:
        raise ActionError(refusal, field)


def audit(
    action: str,
    *,
    actor: User | None,
    meeting: Meeting | None,
    ballot: Ballot | None = None,
    **data: Any,
) -> None:
    AuditEntry.objects.create(action=action, actor=actor, meeting=meeting, ballot=ballot, data=data)


def meeting_event(meeting_id: int, event: events.Event) -> None:
    """Publish `event` to the meeting's watchers once the transaction commits."""
    events.publish(events.meeting_group(meeting_id), event)


def user_event(user_id: int, event: events.Event) -> None:
    """Publish `event` to one user's own pages once the transaction commits."""
    events.publish(events.user_group(user_id), event)


def clean_text(value: Any, *, field: str, label: str, maximum: int, required: bool = True) -> str:
    text = sanitize.normalise_newlines(value).strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise ActionError(_("%(label)s : texte attendu.") % {"label": label}, field)
    if required and not text:
        raise ActionError(_("%(label)s : ce champ est obligatoire.") % {"label": label}, field)
    if len(text) > maximum:
        raise ActionError(
            _("%(label)s : %(maximum)s caractères au plus (%(length)s saisis).")
            % {"label": label, "maximum": maximum, "length": len(text)},
            field,
        )
    return text


def membership_in(meeting: Meeting, membership_id: Any, *, field: str) -> Membership:
    """A membership current in the meeting's council, or an error (forged ids end here)."""
    try:
        pk = int(membership_id)
    except (TypeError, ValueError):
        raise ActionError(_("Ce membre est inconnu."), field) from None
    membership = (
        Membership.objects.current(on=meeting.start.date())
        .filter(pk=pk, council_id=meeting.council_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ActionError(_("Ce membre ne siège pas dans ce conseil."), field)
    return membership


def clean_seconds(value: Any, *, blank: bool = False, field: str = "minutes") -> int | None:
    """A speaking time in seconds (0: no limit); None where blank is allowed (inherit)."""
    if value in (None, "") and blank:
        return None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise ActionError(_("Indiquez une durée en minutes."), field) from None
    if not 0 <= seconds <= timekeeping.MAX_SECONDS:
        raise ActionError(
            _("Une durée va de 0 (sans limite) à %(max)s minutes.")
            % {"max": timekeeping.MAX_SECONDS // 60},
            field,
        )
    return seconds
