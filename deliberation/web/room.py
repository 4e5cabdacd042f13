"""The members' room: the actions of its forms (comment, amend, ask for the floor, vote…).

Each action validates what the form named against the meeting, calls the `check_*` action
and returns the message shown after the redirect.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from deliberation import actions, forms
from deliberation.models import Amendment, Comment, Meeting, Proposal
from deliberation.web.controls import (
    Action,
    Refused,
    amendment_of,
    ballot_of,
    current_item,
    get_in_meeting,
    own_membership,
    signed_in_user,
)


def _comment(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    kind, pk = data["target"][0], data["target"][1:]
    target: Proposal | Amendment
    if kind == "a":
        target = get_in_meeting(Amendment, meeting, pk, proposal__agenda_item__meeting=meeting)
    else:
        target = get_in_meeting(Proposal, meeting, pk, agenda_item__meeting=meeting)
    actions.check_add_comment(
        target,
        data["body"],
        parent_id=data.get("parent") or None,
        acting_user=signed_in_user(request),
    )
    return _("Votre commentaire est publié.")


def _amend(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    proposal_id, version_id = forms.parse_pair(data["proposal"])
    proposal = get_in_meeting(Proposal, meeting, proposal_id, agenda_item__meeting=meeting)
    operation = {"op": data["op"], "paragraph": data["paragraph"], "text": data.get("text", "")}
    actions.check_propose_amendment(
        proposal,
        base_version_id=version_id,
        operations=[operation],
        justification=data.get("justification", ""),
        acting_user=signed_in_user(request),
    )
    return _("Votre amendement est déposé.")


def _reply(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    parent = (
        Comment.objects.filter(pk=data["parent"])
        .filter(
            Q(proposal__agenda_item__meeting=meeting)
            | Q(amendment__proposal__agenda_item__meeting=meeting)
        )
        .select_related("proposal", "amendment")
        .first()
    )
    if parent is None:
        raise Refused(_("Ce commentaire n’existe pas ou n’appartient pas à cette séance."))
    target: Proposal | Amendment = parent.amendment or parent.proposal  # type: ignore[assignment]
    actions.check_add_comment(
        target, data["body"], parent_id=parent.pk, acting_user=signed_in_user(request)
    )
    return _("Votre réponse est publiée.")


def _withdraw(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_withdraw_amendment(
        amendment_of(meeting, data["amendment"]), acting_user=signed_in_user(request)
    )
    return _("Votre amendement est retiré.")


def _rebase(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_rebase_amendment(
        amendment_of(meeting, data["amendment"]),
        operations=data["operations"],
        justification=data.get("justification", ""),
        acting_user=signed_in_user(request),
    )
    return _("Votre amendement est actualisé sur la dernière version du texte.")


def _request_floor(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    actions.check_request_floor(
        current_item(meeting), kind=data.get("kind", ""), acting_user=signed_in_user(request)
    )
    return _("Vous êtes inscrit·e sur la liste des orateurs.")


def _vote(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = ballot_of(meeting, data["ballot"])
    actions.check_cast_vote(
        ballot,
        data["choice"],
        proxy_for_id=data.get("proxy_for"),
        acting_user=signed_in_user(request),
    )
    return _("Votre vote est enregistré.")


def give_proxy(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    giver_id = data["giver"] if "giver" in data else own_membership(request, meeting).pk
    actions.check_give_proxy(meeting, giver_id, data["holder"], acting_user=signed_in_user(request))
    return _("La procuration est enregistrée.")


ACTIONS: dict[str, Action] = {
    # Members' room.
    "commenter": Action(("room",), "comment", None, _comment),
    "amender": Action(("room",), "amendment", None, _amend),
    "repondre": Action(("room",), "reply", None, _reply),
    "retirer": Action(("room",), None, "amendment", _withdraw),
    "actualiser": Action(("room",), "rebase", None, _rebase),
    "parole": Action(("room",), "request_floor", None, _request_floor),
    "voter": Action(("room",), "vote", None, _vote),
    "procuration": Action(("room",), "proxy", None, give_proxy),
}
