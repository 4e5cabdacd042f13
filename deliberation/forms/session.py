"""The session's forms: votes and room totals, proxies and attendance, the speakers' list
and speaking times, opening and closing a ballot; and seats as a form names them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.forms.fields import MinutesField
from deliberation.models import Attendance, Ballot, Choice, SpeakerRequest


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
    turn = forms.TypedChoiceField(label=_("Intervenant·e"), coerce=int)
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
