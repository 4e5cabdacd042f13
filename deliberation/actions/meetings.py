"""Meetings and their agenda: create, save (convene), open and close a meeting and its items."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import Council, User
from deliberation import events, guards, selectors
from deliberation.actions.common import (
    ActionError,
    audit,
    meeting_event,
    refuse_if,
    require,
)
from deliberation.models import (
    AgendaItem,
    Meeting,
)


@transaction.atomic
def do_create_meeting(
    council: Council,
    *,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime | None = None,
    place: str = "",
    mode: str = Meeting.Mode.HYBRID,
    second_convocation: bool = False,
    state: str = Meeting.State.CONVENED,
    items: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
    acting_user: User | None,
) -> Meeting:
    """A meeting with its agenda ((title, kind[, description]) per item, in order)."""
    meeting = Meeting(
        council=council,
        title=title,
        start=start,
        end=end,
        place=place,
        mode=mode,
        second_convocation=second_convocation,
        state=state,
    )
    meeting.agenda_items = [  # type: ignore[assignment]
        AgendaItem(
            title=entry[0],
            kind=entry[1],
            description=entry[2] if len(entry) > 2 else "",  # type: ignore[misc]
            number=n,
            sort_order=n - 1,
        )
        for n, entry in enumerate(items, start=1)
    ]
    return do_save_meeting(meeting, acting_user=acting_user)


@transaction.atomic
def do_save_meeting(meeting: Meeting, *, acting_user: User | None) -> Meeting:
    """Save a meeting and its agenda (as edited in the Wagtail admin); rooms redraw the agenda."""
    was = Meeting.objects.filter(pk=meeting.pk).values_list("state", flat=True).first()
    meeting.save()
    meeting_event(meeting.pk, events.MeetingSaved(meeting_id=meeting.pk, previous_state=was))
    audit("meeting_saved", actor=acting_user, meeting=meeting)
    meeting_event(meeting.pk, events.AgendaChanged(meeting_id=meeting.pk))
    return meeting


@transaction.atomic
def do_open_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    meeting.state = Meeting.State.IN_SESSION
    meeting.save(update_fields=["state", "updated"])
    audit("meeting_opened", actor=acting_user, meeting=meeting)
    meeting_event(meeting.pk, events.MeetingOpened(meeting_id=meeting.pk))
    return meeting


def check_open_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    refuse_if(guards.guard_open_meeting(meeting))
    require(
        "deliberation.open_meeting",
        acting_user,
        meeting,
        _("Seuls la présidence et le secrétariat peuvent ouvrir la séance."),
    )
    return do_open_meeting(meeting, acting_user=acting_user)


@transaction.atomic
def do_close_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    now = timezone.now()
    open_items = list(meeting.agenda_items.filter(state=AgendaItem.State.OPEN))
    for item in open_items:
        item.state = AgendaItem.State.CLOSED
        item.save(update_fields=["state"])
    meeting.state = Meeting.State.CLOSED
    meeting.current_item = None
    if meeting.end is None:
        meeting.end = now
    meeting.save(update_fields=["state", "current_item", "end", "updated"])
    audit("meeting_closed", actor=acting_user, meeting=meeting)
    for item in open_items:
        meeting_event(meeting.pk, events.ItemClosed(meeting_id=meeting.pk, item_id=item.pk))
    meeting_event(meeting.pk, events.MeetingClosed(meeting_id=meeting.pk))
    return meeting


def check_close_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    if meeting.state != Meeting.State.IN_SESSION:
        raise ActionError(_("La séance n'est pas en cours."))
    require(
        "deliberation.close_meeting",
        acting_user,
        meeting,
        _("Seuls la présidence et le secrétariat peuvent clore la séance."),
    )
    refuse_if(guards.guard_close_meeting(meeting))
    return do_close_meeting(meeting, acting_user=acting_user)


@transaction.atomic
def do_open_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    meeting = selectors.meeting_for_update(item.meeting_id)
    previous = list(
        AgendaItem.objects.filter(meeting=meeting, state=AgendaItem.State.OPEN).exclude(pk=item.pk)
    )
    for other in previous:
        other.state = AgendaItem.State.CLOSED
        other.save(update_fields=["state"])
    item.state = AgendaItem.State.OPEN
    item.save(update_fields=["state"])
    meeting.current_item = item
    meeting.save(update_fields=["current_item", "updated"])
    audit("item_opened", actor=acting_user, meeting=meeting, item=item.pk)
    for other in previous:
        meeting_event(meeting.pk, events.ItemClosed(meeting_id=meeting.pk, item_id=other.pk))
    meeting_event(meeting.pk, events.ItemOpened(meeting_id=meeting.pk, item_id=item.pk))
    return item


def check_open_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    require(
        "deliberation.open_item",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat peuvent ouvrir un point, et en séance."),
    )
    refuse_if(guards.guard_open_item(item))
    return do_open_item(item, acting_user=acting_user)


@transaction.atomic
def do_close_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    meeting = selectors.meeting_for_update(item.meeting_id)
    item.state = AgendaItem.State.CLOSED
    item.save(update_fields=["state"])
    if meeting.current_item_id == item.pk:
        meeting.current_item = None
        meeting.save(update_fields=["current_item", "updated"])
    audit("item_closed", actor=acting_user, meeting=meeting, item=item.pk)
    meeting_event(meeting.pk, events.ItemClosed(meeting_id=meeting.pk, item_id=item.pk))
    return item


def check_close_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    require(
        "deliberation.close_item",
        acting_user,
        item,
        _("Ce point n'est pas en cours, ou vous ne pouvez pas le clore."),
    )
    refuse_if(guards.guard_close_item(item))
    return do_close_item(item, acting_user=acting_user)
