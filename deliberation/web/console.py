"""The chair's and the secretariat's consoles: the actions of their forms.

The chair opens and closes the meeting, its items and ballots, gives the floor and sets
speaking times; the secretariat records attendance, paper proxies and the room's votes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation import actions, events, forms, live, selectors
from deliberation.models import Ballot, Choice, Comment, Meeting, Vote
from deliberation.web.controls import (
    Action,
    Refused,
    ballot_of,
    current_item,
    get_in_meeting,
    item_of,
    signed_in_user,
)
from deliberation.web.room import give_proxy

STAFF = events.STAFF


def _open_meeting(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_open_meeting(meeting, acting_user=signed_in_user(request))
    return _("La séance est ouverte.")


def _close_meeting(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_close_meeting(meeting, acting_user=signed_in_user(request))
    return _("La séance est close.")


def _open_item(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_open_item(item_of(meeting, data["item"]), acting_user=signed_in_user(request))
    return _("Le point est ouvert.")


def _close_item(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_close_item(item_of(meeting, data["item"]), acting_user=signed_in_user(request))
    return _("Le point est clos.")


def _give_floor(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_give_floor(
        current_item(meeting), data["turn"], acting_user=signed_in_user(request)
    )
    return _("La parole est donnée.")


def _end_speaker(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_end_speaker(
        current_item(meeting), data["turn"], acting_user=signed_in_user(request)
    )
    return _("L’intervention est terminée.")


def _remove_speaker(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_remove_speaker(
        current_item(meeting), data["turn"], acting_user=signed_in_user(request)
    )
    return _("La demande de parole est retirée.")


def _open_ballot(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    item = current_item(meeting)
    target = data["target"]
    options: dict[str, Any] = {
        "question": data.get("question", ""),
        "secrecy": data["secrecy"],
        "rule": data["rule"],
        "room_method": data["room_method"],
        "show_running_tally": data.get("show_running_tally", False),
        "duration": data.get("duration"),
    }
    if target == "procedural":
        options["subject"] = Ballot.Subject.PROCEDURAL
    elif target.startswith("a"):
        options["subject"] = Ballot.Subject.AMENDMENT
        options["amendment_id"] = target[1:]
    else:
        options["subject"] = Ballot.Subject.PROPOSAL
        options["proposal_id"] = target[1:]
    actions.check_open_ballot(item, **options, acting_user=signed_in_user(request))
    return _("Le scrutin est ouvert.")


class Reconfirm(Refused):
    """The ballot changed since the chair read its confirmation: show it again, updated."""

    def __init__(self, message: str, ballot: Ballot) -> None:
        super().__init__(message)
        self.ballot = ballot


def _close_ballot(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = ballot_of(meeting, data["ballot"])
    if ballot.state == Ballot.State.OPEN:
        # The chair confirms what the confirmation stated: a vote that came in since (or
        # one taken back) changes the turnout, maybe the outcome, so they read it again.
        cast = selectors.votes_cast(ballot)
        if cast != data["seen"]:
            raise Reconfirm(
                ngettext(
                    "Le nombre de votes a changé depuis la confirmation affichée "
                    "(%(count)s vote maintenant) : vérifiez-la avant de confirmer.",
                    "Le nombre de votes a changé depuis la confirmation affichée "
                    "(%(count)s votes maintenant) : vérifiez-la avant de confirmer.",
                    cast,
                )
                % {"count": cast},
                ballot,
            )
    decision = actions.check_close_ballot(ballot.pk, acting_user=signed_in_user(request))
    return live.result_in_words(decision)


def _room_vote(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = ballot_of(meeting, data["ballot"])
    voter_id, proxy_for_id = forms.parse_pair(data["seat"])
    actions.check_record_room_vote(
        ballot,
        voter_id,
        data["choice"],
        proxy_for_id=proxy_for_id,
        acting_user=signed_in_user(request),
    )
    seat = live.RoomState(meeting, STAFF).seat_label(voter_id, proxy_for_id)
    return _("Vote en salle enregistré : %(seat)s, %(choice)s.") % {
        "seat": seat,
        "choice": Choice(data["choice"]).label,
    }


def _undo_room_vote(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    vote = get_in_meeting(Vote, meeting, data["vote"], ballot__agenda_item__meeting=meeting)
    actions.check_undo_room_vote(vote.ballot_id, vote.pk, acting_user=signed_in_user(request))
    return _("Vote annulé : %(name)s peut voter à nouveau.") % {"name": vote.voter.user}


def _room_totals(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = ballot_of(meeting, data["ballot"])
    actions.check_record_room_totals(
        ballot,
        yes=data["yes"],
        no=data["no"],
        abstain=data["abstain"],
        acting_user=signed_in_user(request),
    )
    return _("Les totaux de la salle sont enregistrés.")


def _attendance(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_set_attendance(
        meeting,
        data["membership"],
        data["status"],
        replaces_id=data.get("replaces"),
        acting_user=signed_in_user(request),
    )
    return _("La présence est enregistrée.")


def _hide_comment(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    comment = (
        Comment.objects.filter(pk=data["comment"])
        .filter(
            Q(proposal__agenda_item__meeting=meeting)
            | Q(amendment__proposal__agenda_item__meeting=meeting)
        )
        .first()
    )
    if comment is None:
        raise Refused(_("Ce commentaire n’existe pas ou n’appartient pas à cette séance."))
    # The console is for signed-in staff only; the action checks who may hide.
    actions.check_hide_comment(comment, data["reason"], acting_user=signed_in_user(request))
    return _("Le commentaire est masqué ; son motif est affiché à sa place.")


def _add_speaker(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_add_speaker(
        current_item(meeting),
        data["membership"],
        kind=data.get("kind", ""),
        acting_user=signed_in_user(request),
    )
    return _("Le membre est inscrit sur la liste des orateurs.")


def _meeting_time(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_set_meeting_speaking_time(
        meeting, data["minutes"], acting_user=signed_in_user(request)
    )
    return _("Le temps de parole de la séance est enregistré.")


def _item_time(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_set_item_speaking_time(
        item_of(meeting, data["item"]), data.get("minutes"), acting_user=signed_in_user(request)
    )
    return _("Le temps de parole du point est enregistré.")


def _speaker_time(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_set_speaker_time(
        current_item(meeting),
        data["turn"],
        data.get("minutes"),
        acting_user=signed_in_user(request),
    )
    return _("Le temps de parole de l’intervenant·e est enregistré.")


STAFF_PAGES = ("chair", "secretariat")
ROLL_CALL = "console-roll-call"

ACTIONS: dict[str, Action] = {
    # Chair's console.
    "seance-ouvrir": Action(("chair",), None, None, _open_meeting),
    "seance-clore": Action(("chair",), None, None, _close_meeting),
    "point-ouvrir": Action(("chair",), None, "item", _open_item),
    "point-clore": Action(("chair",), None, "item", _close_item),
    "scrutin-ouvrir": Action(("chair",), "open_ballot", None, _open_ballot),
    "scrutin-clore": Action(("chair",), "close_ballot", None, _close_ballot),
    "parole-donner": Action(STAFF_PAGES, None, "turn", _give_floor),
    "parole-fin": Action(STAFF_PAGES, None, "turn", _end_speaker),
    "parole-retirer": Action(STAFF_PAGES, None, "turn", _remove_speaker),
    "orateur-ajouter": Action(STAFF_PAGES, "add_speaker", None, _add_speaker),
    "commentaire-masquer": Action(("chair",), "hide_comment", None, _hide_comment),
    "temps-seance": Action(("chair",), "meeting_time", None, _meeting_time),
    "temps-point": Action(("chair",), "item_time", None, _item_time),
    "temps-orateur": Action(("chair",), "speaker_time", None, _speaker_time),
    # Secretariat's console.
    "presence": Action(("secretariat",), "attendance", None, _attendance),
    "vote-salle": Action(
        ("secretariat",),
        "room_vote",
        None,
        _room_vote,
        anchor=ROLL_CALL,
        fragments=(ROLL_CALL,),
    ),
    "vote-salle-annuler": Action(
        ("secretariat",), None, "vote", _undo_room_vote, anchor=ROLL_CALL, fragments=(ROLL_CALL,)
    ),
    "totaux-salle": Action(("secretariat",), "room_totals", None, _room_totals),
}
# The secretariat records a proxy handed in on paper: giver and holder are both chosen.
SECRETARIAT_PROXY = Action(("secretariat",), "staff_proxy", None, give_proxy)
