"""What the live pages' controls share: an action's description, and finding the meeting's
objects a form names (refused when they belong to another meeting).

Every control is a form posting to its own page with `?do=<action>`; `deliberation.web.room`
and `deliberation.web.console` hold the actions of each page, `deliberation.web.meetings`
serves the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from council.models import User
from deliberation import selectors
from deliberation.models import AgendaItem, Amendment, Ballot, Meeting


class Refused(Exception):
    """A form error found by the view before the action (unknown object of this meeting)."""


@dataclass(frozen=True)
class Action:
    pages: tuple[str, ...]
    form: str | None  # a named form of deliberation.forms, or None for an id button
    id_field: str | None
    run: Callable[[HttpRequest, Meeting, dict[str, Any]], str]
    # Where the page comes back after the post (an element id), and which fragments a
    # script that posted by fetch gets back at once (the push follows for everyone else).
    anchor: str = ""
    fragments: tuple[str, ...] = ()


def signed_in_user(request: HttpRequest) -> User:
    """Who posts a control: the pages with forms are for signed-in users only (a public
    page refuses a post, the others send an anonymous visitor to the login page)."""
    return cast(User, request.user)


def get_in_meeting(source: Any, _meeting: Meeting, pk: Any, **path: Any) -> Any:
    """Row `pk` of `source` (a model or a queryset) if `path` ties it to the meeting."""
    rows: QuerySet[Any] = source if isinstance(source, QuerySet) else source.objects.all()
    obj = rows.filter(pk=pk, **path).first()
    if obj is None:
        raise Refused(_("Cet élément n’existe pas ou n’appartient pas à cette séance."))
    return obj


def item_of(meeting: Meeting, pk: Any) -> AgendaItem:
    item: AgendaItem = get_in_meeting(AgendaItem, meeting, pk, meeting=meeting)
    return item


def ballot_of(meeting: Meeting, pk: Any) -> Ballot:
    """The meeting's ballot, with its item and meeting: the actions take it as it is."""
    rows = Ballot.objects.select_related("agenda_item__meeting")
    ballot: Ballot = get_in_meeting(rows, meeting, pk, agenda_item__meeting=meeting)
    return ballot


def current_item(meeting: Meeting) -> Any:
    if meeting.current_item_id is None:
        raise Refused(_("Aucun point n’est en cours."))
    return meeting.current_item


def own_membership(request: HttpRequest, meeting: Meeting) -> Any:
    membership = selectors.presence(meeting).membership_of(int(request.user.pk or 0))
    if membership is None:
        raise Refused(_("Vous ne siégez pas dans ce conseil."))
    return membership


def amendment_of(meeting: Meeting, pk: Any) -> Amendment:
    amendment: Amendment = get_in_meeting(
        Amendment, meeting, pk, proposal__agenda_item__meeting=meeting
    )
    return amendment
