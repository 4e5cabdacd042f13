"""The live rooms' forms. Their choices come from the room's state; the actions re-check all.

A form only shapes input (types, lengths, a choice among what the page offered); whether
the person may do it, now, is the `check_*` action's business, so a forged value that
passes here is still refused there with a French message.

- `fields`: shared fields (texts with a limit, minutes) and the one-id button form;
- `texts`: comments, amendments and their rebase;
- `session`: votes, proxies, attendance, speakers and times, ballots; seats as choices;
- `build`: forms built from the room's state, by name (`build_form`, `blank_form`).
"""

# Django's forms module stays reachable as `deliberation.forms.forms` (views name its Form).
from django import forms

from deliberation.forms.build import FORM_CLASSES, blank_form, build_form
from deliberation.forms.fields import (
    MAX_COMMENT,
    MAX_PARAGRAPH,
    IdForm,
    MinutesField,
    TextareaField,
    minutes_value,
)
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
    parse_pair,
    seat_label,
    seat_value,
)
from deliberation.forms.texts import (
    MAX_REBASE_ROWS,
    AmendmentForm,
    CommentForm,
    HideCommentForm,
    RebaseForm,
    ReplyForm,
)

__all__ = [
    "FORM_CLASSES",
    "MAX_COMMENT",
    "MAX_PARAGRAPH",
    "MAX_REBASE_ROWS",
    "AddSpeakerForm",
    "AmendmentForm",
    "AttendanceForm",
    "CloseBallotForm",
    "CommentForm",
    "HideCommentForm",
    "IdForm",
    "ItemTimeForm",
    "MeetingTimeForm",
    "MinutesField",
    "OpenBallotForm",
    "ProxyForm",
    "RebaseForm",
    "ReplyForm",
    "RequestFloorForm",
    "RoomTotalsForm",
    "RoomVoteForm",
    "SpeakerTimeForm",
    "StaffProxyForm",
    "TextareaField",
    "VoteForm",
    "blank_form",
    "build_form",
    "forms",
    "minutes_value",
    "parse_pair",
    "seat_label",
    "seat_value",
]
