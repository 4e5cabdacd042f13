"""Forms built from the room's state: their choices come from what the room offers, and a
page asks for a blank form by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation import guards
from deliberation.forms.fields import _ids, minutes_value
from deliberation.forms.session import (
    AddSpeakerForm,
    AttendanceForm,
    CloseBallotForm,
    ItemTimeForm,
    MeetingTimeForm,
    OpenBallotForm,
    ProxyForm,
    RequestFloorForm,
    RoomTotalsForm,
    RoomVoteForm,
    SpeakerTimeForm,
    StaffProxyForm,
    VoteForm,
    seat_label,
    seat_value,
)
from deliberation.forms.texts import (
    AmendmentForm,
    CommentForm,
    HideCommentForm,
    RebaseForm,
    ReplyForm,
)
from deliberation.models import Amendment, Attendance

if TYPE_CHECKING:
    from deliberation.live.state import RoomState


def _member_choices(memberships: Any) -> list[tuple[Any, str]]:
    return [(m.pk, str(m.user)) for m in memberships]


def _with_choices(form: forms.Form, room: RoomState) -> forms.Form:
    """Fill a form's choice fields from the room (blank or bound alike)."""
    fields = form.fields
    if "target" in fields and isinstance(form, CommentForm):
        choices: list[tuple[str, str]] = []
        for proposal in room.proposals:
            choices.append((f"p{proposal.pk}", str(proposal.title)))
            choices.extend(
                (f"a{a.pk}", f"{proposal.title} — {a}") for a in proposal.amendments.all()
            )
        fields["target"].choices = choices  # type: ignore[attr-defined]
    if isinstance(form, AmendmentForm):
        versions = [(p, getattr(p, "current_version", None)) for p in room.proposals]
        fields["proposal"].choices = [  # type: ignore[attr-defined]
            (
                f"{p.pk}-{v.pk}",
                _("%(title)s (version %(number)s)") % {"title": p.title, "number": v.number},
            )
            for p, v in versions
            if v is not None
        ]
    if isinstance(form, OpenBallotForm):
        targets: list[tuple[str, str]] = []
        for proposal in room.proposals:
            targets.extend(
                (f"a{a.pk}", f"{a} — {proposal.title}")
                for a in proposal.amendments.all()
                if a.state == Amendment.State.PENDING
            )
            targets.append((f"p{proposal.pk}", f"{_('Proposition')} : {proposal.title}"))
        targets.append(("procedural", str(_("Question de procédure"))))
        fields["target"].choices = targets  # type: ignore[attr-defined]
    # Only the people the action would accept (deliberation.guards): absent members who may
    # still give their vote, present ones who may still carry one.
    if isinstance(form, ProxyForm):
        holders = guards.proxy_holders(room.presence, giver=room.viewer)
        fields["holder"].choices = _member_choices(holders)  # type: ignore[attr-defined]
    if isinstance(form, StaffProxyForm):
        givers = guards.proxy_givers(room.presence)
        fields["giver"].choices = _member_choices(givers)  # type: ignore[attr-defined]
        holders = guards.proxy_holders(room.presence)
        fields["holder"].choices = _member_choices(holders)  # type: ignore[attr-defined]
    if isinstance(form, SpeakerTimeForm):
        speakers = ([room.current_speaker] if room.current_speaker else []) + room.waiting_speakers
        fields["turn"].choices = [(r.pk, str(r.membership.user)) for r in speakers]  # type: ignore[attr-defined]
    if isinstance(form, AttendanceForm):
        fields["membership"].choices = _member_choices(room.members)  # type: ignore[attr-defined]
    if isinstance(form, AddSpeakerForm):
        # Not those already on the list (waiting or speaking): the action would refuse them.
        listed = {r.membership_id for r in room.waiting_speakers}
        if room.current_speaker is not None:
            listed.add(room.current_speaker.membership_id)
        fields["membership"].choices = _member_choices(  # type: ignore[attr-defined]
            m for m in room.members if m.pk not in listed
        )
    if isinstance(form, AttendanceForm):
        fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in Attendance.Status.choices
            if guards.guard_attendance_status(room.meeting, value) is None
        ]
        fields["replaces"].choices = [("", _("—")), *_member_choices(room.members)]  # type: ignore[attr-defined]
    if isinstance(form, RoomVoteForm):
        seats = room.roll_call_seats
        fields["seat"].choices = [  # type: ignore[attr-defined]
            (seat_value(*s.key), seat_label(s)) for s in seats
        ]
    return form


FORM_CLASSES: dict[str, type[forms.Form]] = {
    "comment": CommentForm,
    "amendment": AmendmentForm,
    "reply": ReplyForm,
    "hide_comment": HideCommentForm,
    "vote": VoteForm,
    "proxy": ProxyForm,
    "staff_proxy": StaffProxyForm,
    "attendance": AttendanceForm,
    "add_speaker": AddSpeakerForm,
    "request_floor": RequestFloorForm,
    "meeting_time": MeetingTimeForm,
    "item_time": ItemTimeForm,
    "speaker_time": SpeakerTimeForm,
    "open_ballot": OpenBallotForm,
    "room_vote": RoomVoteForm,
    "room_totals": RoomTotalsForm,
    "close_ballot": CloseBallotForm,
}


def build_form(name: str, room: RoomState, data: Any = None, **kwargs: Any) -> forms.Form:
    kwargs.setdefault("auto_id", _ids(name))
    if name == "rebase":
        return RebaseForm(data, rows=RebaseForm.rows_in(data or {}), **kwargs)
    form = FORM_CLASSES[name](data, **kwargs)
    return _with_choices(form, room)


def blank_form(name: str, room: RoomState) -> forms.Form:
    initial: dict[str, Any] = {}
    ballot = room.open_ballot
    if name in ("room_vote", "room_totals") and ballot is not None:
        initial["ballot"] = ballot.pk
    # A show of hands is public: its totals come back to be corrected. The paper totals of a
    # secret ballot stay sealed in its urn.
    if name == "room_totals" and ballot is not None and ballot.has_show_of_hands:
        initial.update(yes=ballot.room_yes, no=ballot.room_no, abstain=ballot.room_abstain)
    if name == "meeting_time":
        initial["minutes"] = minutes_value(room.meeting.speaking_time)
    if name == "item_time" and room.current_item is not None:
        initial.update(
            item=room.current_item.pk, minutes=minutes_value(room.current_item.speaking_time)
        )
    return build_form(name, room, initial=initial)
