"""The live rooms' forms. Their choices come from the room's state; the actions re-check all.

A form only shapes input (types, lengths, a choice among what the page offered); whether
the person may do it, now, is the `check_*` action's business, so a forged value that
passes here is still refused there with a French message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation import guards, timekeeping
from deliberation.models import Amendment, Attendance, Ballot, Choice, SpeakerRequest
from deliberation.text.sanitize import normalise_newlines

if TYPE_CHECKING:
    from deliberation.live.state import RoomState

MAX_COMMENT = 5000
MAX_PARAGRAPH = 5000


class TextareaField(forms.CharField):
    """A textarea's text, its length counted as the person sees it: the CRLF line breaks
    that browsers send become LF before `max_length` is checked (and before the action sees
    the text), so a text typed within the limit is never refused for its line breaks. Past
    the limit, the form's error says so in the page, with the text kept. Every textarea with
    a maximum length uses this field: the room's forms, consultations, the desk."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            value = normalise_newlines(value)
        return super().to_python(value)


def _ids(name: str) -> str:
    # Several forms share one page: ids stay unique, field names stay plain.
    return f"id_{name}_%s"


class IdForm(forms.Form):
    """A button: one object id."""

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[field] = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    target = forms.ChoiceField(label=_("Sur"))
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    body = TextareaField(
        label=_("Votre commentaire"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Liens permis ; pas d’images. %(max)s caractères au plus.")
        % {"max": MAX_COMMENT},
    )


class AmendmentForm(forms.Form):
    # "<proposal>-<version>": an amendment states which version it amends, so one written
    # while another was merged is refused as stale rather than misapplied.
    proposal = forms.ChoiceField(label=_("Proposition"))
    paragraph = forms.IntegerField(label=_("Paragraphe"), min_value=1, max_value=500)
    op = forms.ChoiceField(label=_("Modification"), choices=Amendment.Op.choices)
    text = TextareaField(
        label=_("Nouveau texte"),
        required=False,
        max_length=MAX_PARAGRAPH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Laissez vide pour une suppression."),
    )
    justification = TextareaField(
        label=_("Justification"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("op") in (Amendment.Op.REPLACE, Amendment.Op.INSERT_AFTER)
            and not (data.get("text") or "").strip()
        ):
            self.add_error("text", _("Indiquez le nouveau texte du paragraphe."))
        return data


class ReplyForm(forms.Form):
    """A reply under a comment: the thread it joins says what it is about."""

    parent = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    body = TextareaField(
        label=_("Votre réponse"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideCommentForm(forms.Form):
    """The chair or the secretariat hides a comment in the session's threads, with a reason
    that is shown in its place."""

    comment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motif"), max_length=255)


# The rebase form offers one row per operation of the stale amendment; a blank
# "modification" drops that row.
MAX_REBASE_ROWS = 50


class RebaseForm(forms.Form):
    """A stale amendment restated on the current version: its operations, pre-filled."""

    amendment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, rows: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = max(1, min(rows, MAX_REBASE_ROWS))
        for i in range(self.rows):
            n = i + 1
            self.fields[f"op_{i}"] = forms.ChoiceField(
                label=_("Modification %(n)s") % {"n": n},
                choices=[("", _("— ne pas reprendre —")), *Amendment.Op.choices],
                required=False,
            )
            self.fields[f"paragraph_{i}"] = forms.IntegerField(
                label=_("Paragraphe (modification %(n)s)") % {"n": n},
                min_value=0,
                max_value=500,
                required=False,
            )
            self.fields[f"text_{i}"] = TextareaField(
                label=_("Nouveau texte (modification %(n)s)") % {"n": n},
                required=False,
                max_length=MAX_PARAGRAPH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["justification"] = TextareaField(
            label=_("Justification"),
            required=False,
            max_length=MAX_COMMENT,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    @staticmethod
    def rows_in(data: Any) -> int:
        """How many operation rows a posted form carries."""
        return sum(1 for i in range(MAX_REBASE_ROWS) if f"op_{i}" in data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        operations = []
        for i in range(self.rows):
            op = data.get(f"op_{i}")
            if not op:
                continue
            if data.get(f"paragraph_{i}") is None:
                self.add_error(f"paragraph_{i}", _("Indiquez le numéro du paragraphe visé."))
                continue
            operations.append(
                {"op": op, "paragraph": data[f"paragraph_{i}"], "text": data.get(f"text_{i}", "")}
            )
        if not operations and not self.errors:
            raise forms.ValidationError(_("Indiquez au moins une modification du texte."))
        data["operations"] = operations
        return data


class VoteForm(forms.Form):
    ballot = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    proxy_for = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    choice = forms.ChoiceField(
        label=_("Votre choix"), choices=Choice.choices, widget=forms.RadioSelect
    )


class ProxyForm(forms.Form):
    holder = forms.TypedChoiceField(label=_("Membre présent qui portera votre voix"), coerce=int)


class StaffProxyForm(forms.Form):
    giver = forms.TypedChoiceField(label=_("Membre absent qui donne procuration"), coerce=int)
    holder = forms.TypedChoiceField(label=_("Membre présent qui la reçoit"), coerce=int)


class AttendanceForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("Membre"), coerce=int)
    status = forms.ChoiceField(label=_("Présence"), choices=Attendance.Status.choices)
    replaces = forms.TypedChoiceField(
        label=_("Remplace (suppléant·e)"), coerce=int, required=False, empty_value=None
    )


class MinutesField(forms.CharField):
    """A duration typed in minutes (“3”, “2,5”, “1:30”), cleaned to seconds."""

    def __init__(self, **kwargs: Any) -> None:
        # No max_length: its validator would run on the cleaned seconds.
        attrs = {"inputmode": "decimal", "size": 6, "maxlength": 8}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return timekeeping.parse_minutes(value)
        except ValueError:
            raise forms.ValidationError(
                _("Indiquez des minutes, par exemple 3, 2,5 ou 1:30 (120 au plus).")
            ) from None


def minutes_value(seconds: int | None) -> str:
    """Seconds as the minutes field shows them back (“3”, “2:30”)."""
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}" if rest else str(minutes)


class RequestFloorForm(forms.Form):
    kind = forms.ChoiceField(choices=SpeakerRequest.Kind.choices, required=False)


class AddSpeakerForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("Membre"), coerce=int)
    kind = forms.ChoiceField(
        label=_("Nature"), choices=SpeakerRequest.Kind.choices, initial=SpeakerRequest.Kind.SPEECH
    )


class MeetingTimeForm(forms.Form):
    minutes = MinutesField(
        label=_("Par intervenant·e, pour la séance (minutes)"),
        help_text=_("0 : sans limite. Par exemple 3, 2,5 ou 1:30."),
    )


class ItemTimeForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    minutes = MinutesField(
        label=_("Pour le point en cours (minutes)"),
        required=False,
        help_text=_("Vide : celui de la séance ; 0 : sans limite."),
    )


class SpeakerTimeForm(forms.Form):
    request = forms.TypedChoiceField(label=_("Intervenant·e"), coerce=int)
    minutes = MinutesField(
        label=_("Temps accordé (minutes)"),
        required=False,
        help_text=_("Vide : celui du point ; s’applique aussitôt à qui a la parole."),
    )


class OpenBallotForm(forms.Form):
    target = forms.ChoiceField(label=_("Objet du vote"))
    question = forms.CharField(
        label=_("Question posée"),
        max_length=500,
        required=False,
        help_text=_("Obligatoire pour une question de procédure ; sinon proposée d’office."),
    )
    secrecy = forms.ChoiceField(label=_("Publicité"), choices=Ballot.Secrecy.choices)
    rule = forms.ChoiceField(label=_("Majorité requise"), choices=Ballot.Rule.choices)
    room_method = forms.ChoiceField(
        label=_("Vote en salle"),
        choices=[
            ("", _("selon la publicité : appel nominal, ou bulletins papier si secret")),
            *Ballot.RoomMethod.choices,
        ],
        required=False,
    )
    show_running_tally = forms.BooleanField(
        label=_("Afficher les résultats pendant le vote"), required=False
    )
    duration = MinutesField(
        label=_("Durée annoncée du vote (minutes)"),
        required=False,
        help_text=_("Facultatif : un compte à rebours s’affiche ; vous clôturez le vote."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == "procedural" and not (data.get("question") or "").strip():
            self.add_error("question", _("Formulez la question de procédure mise aux voix."))
        return data


class RoomVoteForm(forms.Form):
    ballot = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    seat = forms.ChoiceField(label=_("Votant·e"))
    choice = forms.ChoiceField(label=_("Vote"), choices=Choice.choices, widget=forms.RadioSelect)


class CloseBallotForm(forms.Form):
    """The chair's confirmation: the ballot, and the number of votes its summary stated."""

    ballot = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    seen = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RoomTotalsForm(forms.Form):
    """The room's totals: a show of hands, or the tellers' count of the paper ballots."""

    ballot = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    yes = forms.IntegerField(label=_("Pour"), min_value=0, max_value=1000)
    no = forms.IntegerField(label=_("Contre"), min_value=0, max_value=1000)
    abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=1000)


def seat_value(voter_id: int, proxy_for_id: int | None) -> str:
    return f"{voter_id}-{proxy_for_id or 0}"


def seat_label(seat: Any) -> str:
    """A seat as the secretariat reads it: the voter, and whom they vote for by proxy."""
    if seat.proxy_for is None:
        return str(seat.voter.user)
    return str(
        _("%(voter)s pour %(giver)s (procuration)")
        % {"voter": seat.voter.user, "giver": seat.proxy_for.user}
    )


def parse_pair(value: str) -> tuple[int, int | None]:
    """ "12-3" → (12, 3); "12-0" → (12, None). The choice field already vetted the value."""
    first, _sep, second = value.partition("-")
    return int(first), (int(second) or None) if second.isdigit() else None


def _member_choices(memberships: Any) -> list[tuple[Any, str]]:
    return [(m.pk, str(m.user)) for m in memberships]


def _with_choices(form: forms.Form, room: RoomState) -> forms.Form:
    """Fill a form's choice fields from the room (blank or bound alike)."""
    fields = form.fields
    members = room.members
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
        fields["request"].choices = [(r.pk, str(r.membership.user)) for r in speakers]  # type: ignore[attr-defined]
    if isinstance(form, AttendanceForm):
        fields["membership"].choices = _member_choices(members)  # type: ignore[attr-defined]
    if isinstance(form, AddSpeakerForm):
        # Not those already on the list (waiting or speaking): the action would refuse them.
        listed = {r.membership_id for r in room.waiting_speakers}
        if room.current_speaker is not None:
            listed.add(room.current_speaker.membership_id)
        fields["membership"].choices = _member_choices(  # type: ignore[attr-defined]
            m for m in members if m.pk not in listed
        )
    if isinstance(form, AttendanceForm):
        fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in Attendance.Status.choices
            if guards.guard_attendance_status(room.meeting, value) is None
        ]
        fields["replaces"].choices = [("", _("—")), *_member_choices(members)]  # type: ignore[attr-defined]
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
