"""The four live pages of a meeting, and their forms.

Every control is a form posting to its own page with `?do=<action>`: the view validates the
form, calls the `check_*` action, and redirects (post/redirect/get). A refused action
re-renders the page with the French message and the values typed, status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deliberation import events, forms, live
from deliberation.models import (
    AgendaItem,
    Amendment,
    Ballot,
    Choice,
    Comment,
    Meeting,
    Proposal,
    Vote,
)

PUBLIC, MEMBERS, STAFF, SCREEN = events.PUBLIC, events.MEMBERS, events.STAFF, events.SCREEN


@dataclass(frozen=True)
class Page:
    name: str  # url name and ?do namespace
    audience: str
    template: str
    title: str
    permission: str | None


PAGES = {
    "live": Page("live", PUBLIC, "deliberation/meeting_live.html", "", None),
    "room": Page(
        "room", MEMBERS, "deliberation/meeting_room.html", "", "deliberation.view_members_room"
    ),
    "chair": Page(
        "chair", STAFF, "deliberation/meeting_chair.html", "", "deliberation.view_chair_console"
    ),
    "secretariat": Page(
        "secretariat",
        STAFF,
        "deliberation/meeting_secretariat.html",
        "",
        "deliberation.view_secretariat_console",
    ),
    # The room's projector: public like the live page, no controls.
    "screen": Page("screen", SCREEN, "deliberation/meeting_screen.html", "", None),
}


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("Séance introuvable."))
    return meeting


def _authorise(request: HttpRequest, page: Page, meeting: Meeting) -> HttpResponse | None:
    if page.permission is None:
        if meeting.state == Meeting.State.DRAFT and PUBLIC not in live.audiences_for_user(
            request.user, meeting
        ):
            raise Http404(_("Séance introuvable."))
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(page.permission, meeting):
        raise PermissionDenied(_("Cette page est réservée."))
    return None


def _render_page(
    request: HttpRequest,
    page: Page,
    meeting: Meeting,
    *,
    bound: dict[str, Any] | None = None,
    failed: Any = None,
    status: int = 200,
    closing: int | None = None,
) -> HttpResponse:
    room = live.RoomState(meeting, page.audience, user=request.user, forms=bound)
    context = {
        "closing": _closing(page, room, closing or request.GET.get("cloture", "")),
        "meeting": meeting,
        "room": room,
        "audience": page.audience,
        "page_name": page.name,
        "failed": failed,
        "room_links": {
            name: other.permission is not None
            and request.user.is_authenticated
            and request.user.has_perm(other.permission, meeting)
            for name, other in PAGES.items()
        },
        "my_vote_id": live.user_fragment_id("my-vote", meeting.pk),
        "my_amendments_id": live.user_fragment_id("my-amendments", meeting.pk),
        "my_participation_id": live.user_fragment_id("my-participation", meeting.pk),
        "ws_path": (
            f"/ws/meetings/{meeting.pk}/?audience={page.audience}"
            f"&lang={events.language_or_default(get_language())}"
        ),
    }
    return render(request, page.template, context, status=status)


def _closing(page: Page, room: live.RoomState, wanted: Any) -> Any:
    """The close confirmation the chair asked for (`?cloture=<ballot>`), while it is open."""
    from deliberation import guards

    ballot = room.open_ballot
    if page.name != "chair" or ballot is None or str(wanted) != str(ballot.pk):
        return None
    return guards.close_preview(ballot, room.presence)


# --- Actions -------------------------------------------------------------------------------


class _Refused(Exception):
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


def _actions() -> Any:
    # Imported on use: the domain module is the only writer.
    from deliberation import actions

    return actions


def _get(model: Any, _meeting: Meeting, pk: Any, **path: Any) -> Any:
    obj = model.objects.filter(pk=pk, **path).first()
    if obj is None:
        raise _Refused(_("Cet élément n’existe pas ou n’appartient pas à cette séance."))
    return obj


def _item(meeting: Meeting, pk: Any) -> AgendaItem:
    item: AgendaItem = _get(AgendaItem, meeting, pk, meeting=meeting)
    return item


def _ballot(meeting: Meeting, pk: Any) -> Ballot:
    ballot: Ballot = _get(Ballot, meeting, pk, agenda_item__meeting=meeting)
    return ballot


def _current_item(meeting: Meeting) -> Any:
    if meeting.current_item_id is None:
        raise _Refused(_("Aucun point n’est en cours."))
    return meeting.current_item


def _own_membership(request: HttpRequest, meeting: Meeting) -> Any:
    from deliberation import selectors

    membership = selectors.presence(meeting).membership_of(int(request.user.pk or 0))
    if membership is None:
        raise _Refused(_("Vous ne siégez pas dans ce conseil."))
    return membership


def _comment(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    kind, pk = data["target"][0], data["target"][1:]
    target: Proposal | Amendment
    if kind == "a":
        target = _get(Amendment, meeting, pk, proposal__agenda_item__meeting=meeting)
    else:
        target = _get(Proposal, meeting, pk, agenda_item__meeting=meeting)
    _actions().check_add_comment(
        target, data["body"], parent_id=data.get("parent") or None, acting_user=request.user
    )
    return _("Votre commentaire est publié.")


def _amend(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    proposal_id, version_id = forms.parse_pair(data["proposal"])
    proposal = _get(Proposal, meeting, proposal_id, agenda_item__meeting=meeting)
    operation = {"op": data["op"], "paragraph": data["paragraph"], "text": data.get("text", "")}
    _actions().check_propose_amendment(
        proposal,
        base_version_id=version_id,
        operations=[operation],
        justification=data.get("justification", ""),
        acting_user=request.user,
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
        raise _Refused(_("Ce commentaire n’existe pas ou n’appartient pas à cette séance."))
    target: Proposal | Amendment = parent.amendment or parent.proposal  # type: ignore[assignment]
    _actions().check_add_comment(
        target, data["body"], parent_id=parent.pk, acting_user=request.user
    )
    return _("Votre réponse est publiée.")


def _amendment_of(meeting: Meeting, pk: Any) -> Amendment:
    amendment: Amendment = _get(Amendment, meeting, pk, proposal__agenda_item__meeting=meeting)
    return amendment


def _withdraw(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_withdraw_amendment(
        _amendment_of(meeting, data["amendment"]), acting_user=request.user
    )
    return _("Votre amendement est retiré.")


def _rebase(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_rebase_amendment(
        _amendment_of(meeting, data["amendment"]),
        operations=data["operations"],
        justification=data.get("justification", ""),
        acting_user=request.user,
    )
    return _("Votre amendement est actualisé sur la dernière version du texte.")


def _request_floor(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_request_floor(
        _current_item(meeting), kind=data.get("kind", ""), acting_user=request.user
    )
    return _("Vous êtes inscrit·e sur la liste des orateurs.")


def _vote(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = _ballot(meeting, data["ballot"])
    _actions().check_cast_vote(
        ballot.pk, data["choice"], proxy_for_id=data.get("proxy_for"), acting_user=request.user
    )
    return _("Votre vote est enregistré.")


def _give_proxy(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    giver_id = data["giver"] if "giver" in data else _own_membership(request, meeting).pk
    _actions().check_give_proxy(meeting, giver_id, data["holder"], acting_user=request.user)
    return _("La procuration est enregistrée.")


def _on_meeting(name: str, message: str) -> Any:
    def run(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
        getattr(_actions(), name)(meeting, acting_user=request.user)
        return message

    return run


def _on_item(name: str, message: str) -> Any:
    def run(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
        getattr(_actions(), name)(_item(meeting, data["item"]), acting_user=request.user)
        return message

    return run


def _on_speaker(name: str, message: str) -> Any:
    def run(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
        check = getattr(_actions(), name)
        check(_current_item(meeting), data["request"], acting_user=request.user)
        return message

    return run


def _open_ballot(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    item = _current_item(meeting)
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
    _actions().check_open_ballot(item, **options, acting_user=request.user)
    return _("Le scrutin est ouvert.")


class _Reconfirm(_Refused):
    """The ballot changed since the chair read its confirmation: show it again, updated."""

    def __init__(self, message: str, ballot: Ballot) -> None:
        super().__init__(message)
        self.ballot = ballot


def _close_ballot(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    from deliberation import selectors

    ballot = _ballot(meeting, data["ballot"])
    if ballot.state == Ballot.State.OPEN:
        # The chair confirms what the confirmation stated: a vote that came in since (or
        # one taken back) changes the turnout, maybe the outcome, so they read it again.
        cast = selectors.votes_cast(ballot)
        if cast != data["seen"]:
            raise _Reconfirm(
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
    decision = _actions().check_close_ballot(ballot.pk, acting_user=request.user)
    return live.result_in_words(decision)


def _room_vote(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = _ballot(meeting, data["ballot"])
    voter_id, proxy_for_id = forms.parse_pair(data["seat"])
    _actions().check_record_room_vote(
        ballot.pk, voter_id, data["choice"], proxy_for_id=proxy_for_id, acting_user=request.user
    )
    seat = live.RoomState(meeting, STAFF).seat_label(voter_id, proxy_for_id)
    return _("Vote en salle enregistré : %(seat)s, %(choice)s.") % {
        "seat": seat,
        "choice": Choice(data["choice"]).label,
    }


def _undo_room_vote(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    vote = _get(Vote, meeting, data["vote"], ballot__agenda_item__meeting=meeting)
    _actions().check_undo_room_vote(vote.ballot_id, vote.pk, acting_user=request.user)
    return _("Vote annulé : %(name)s peut voter à nouveau.") % {"name": vote.voter.user}


def _room_totals(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    ballot = _ballot(meeting, data["ballot"])
    _actions().check_record_room_totals(
        ballot.pk, yes=data["yes"], no=data["no"], abstain=data["abstain"], acting_user=request.user
    )
    return _("Les totaux de la salle sont enregistrés.")


def _attendance(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_set_attendance(
        meeting,
        data["membership"],
        data["status"],
        replaces_id=data.get("replaces"),
        acting_user=request.user,
    )
    return _("La présence est enregistrée.")


def _hide_comment(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    from council.models import User
    from deliberation import consultation

    comment = (
        Comment.objects.filter(pk=data["comment"])
        .filter(
            Q(proposal__agenda_item__meeting=meeting)
            | Q(amendment__proposal__agenda_item__meeting=meeting)
        )
        .first()
    )
    if comment is None:
        raise _Refused(_("Ce commentaire n’existe pas ou n’appartient pas à cette séance."))
    # The console is for signed-in staff only; the action checks who may hide.
    moderator = cast(User, request.user)
    consultation.check_hide_comment(comment, data["reason"], acting_user=moderator)
    return _("Le commentaire est masqué ; son motif est affiché à sa place.")


def _add_speaker(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_add_speaker(
        _current_item(meeting),
        data["membership"],
        kind=data.get("kind", ""),
        acting_user=request.user,
    )
    return _("Le membre est inscrit sur la liste des orateurs.")


def _meeting_time(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_set_meeting_speaking_time(meeting, data["minutes"], acting_user=request.user)
    return _("Le temps de parole de la séance est enregistré.")


def _item_time(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_set_item_speaking_time(
        _item(meeting, data["item"]), data.get("minutes"), acting_user=request.user
    )
    return _("Le temps de parole du point est enregistré.")


def _speaker_time(request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> str:
    _actions().check_set_speaker_time(
        _current_item(meeting), data["request"], data.get("minutes"), acting_user=request.user
    )
    return _("Le temps de parole de l’intervenant·e est enregistré.")


STAFF_PAGES = ("chair", "secretariat")
ROLL_CALL = "console-roll-call"

ACTIONS: dict[str, Action] = {
    # Members' room.
    "commenter": Action(("room",), "comment", None, _comment),
    "amender": Action(("room",), "amendment", None, _amend),
    "repondre": Action(("room",), "reply", None, _reply),
    "retirer": Action(("room",), None, "amendment", _withdraw),
    "actualiser": Action(("room",), "rebase", None, _rebase),
    "parole": Action(("room",), "request_floor", None, _request_floor),
    "voter": Action(("room",), "vote", None, _vote),
    "procuration": Action(("room",), "proxy", None, _give_proxy),
    # Chair's console.
    "seance-ouvrir": Action(
        ("chair",), None, None, _on_meeting("check_open_meeting", _("La séance est ouverte."))
    ),
    "seance-clore": Action(
        ("chair",), None, None, _on_meeting("check_close_meeting", _("La séance est close."))
    ),
    "point-ouvrir": Action(
        ("chair",), None, "item", _on_item("check_open_item", _("Le point est ouvert."))
    ),
    "point-clore": Action(
        ("chair",), None, "item", _on_item("check_close_item", _("Le point est clos."))
    ),
    "scrutin-ouvrir": Action(("chair",), "open_ballot", None, _open_ballot),
    "scrutin-clore": Action(("chair",), "close_ballot", None, _close_ballot),
    "parole-donner": Action(
        STAFF_PAGES,
        None,
        "request",
        _on_speaker("check_give_floor", _("La parole est donnée.")),
    ),
    "parole-fin": Action(
        STAFF_PAGES,
        None,
        "request",
        _on_speaker("check_end_speaker", _("L’intervention est terminée.")),
    ),
    "parole-retirer": Action(
        STAFF_PAGES,
        None,
        "request",
        _on_speaker("check_remove_speaker", _("La demande de parole est retirée.")),
    ),
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
SECRETARIAT_PROXY = Action(("secretariat",), "staff_proxy", None, _give_proxy)


def _message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("Cette action ne vous est pas permise.")


def _form_errors(form: forms.forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _field_of(error: Exception) -> str | None:
    return getattr(error, "field", None)


def _handle_post(request: HttpRequest, page: Page, meeting: Meeting) -> HttpResponse:
    slug = request.GET.get("do", "")
    action = ACTIONS.get(slug)
    if slug == "procuration" and page.name == "secretariat":
        action = SECRETARIAT_PROXY
    if action is None or page.name not in action.pages:
        failed = forms.forms.Form({})
        failed.is_valid()
        failed.add_error(None, _("Action inconnue sur cette page."))
        return _render_page(request, page, meeting, failed=failed, status=400)
    room = live.RoomState(meeting, page.audience, user=request.user)
    form: forms.forms.Form
    if action.form is not None:
        form = forms.build_form(action.form, room, request.POST)
    else:
        form = (
            forms.IdForm(request.POST, field=action.id_field)
            if action.id_field
            else forms.forms.Form(request.POST)
        )
    bound = {action.form: form} if action.form else {}
    # The script posts some forms by fetch: it gets the message and fragments back as JSON.
    by_fetch = bool(action.fragments) and request.headers.get("X-Requested-With") == "fetch"
    if not form.is_valid():
        if by_fetch:
            return JsonResponse({"error": _form_errors(form)}, status=400)
        return _render_page(request, page, meeting, bound=bound, failed=form, status=400)
    data = dict(form.cleaned_data)
    try:
        message = action.run(request, meeting, data)
    except (_Refused, ValidationError, PermissionDenied) as error:
        field = _field_of(error)
        form.add_error(field if field in form.fields else None, _message_of(error))
        if by_fetch:
            return JsonResponse({"error": _message_of(error)}, status=400)
        closing = error.ballot.pk if isinstance(error, _Reconfirm) else None
        return _render_page(
            request, page, meeting, bound=bound, failed=form, status=400, closing=closing
        )
    if by_fetch:
        room = live.RoomState(meeting, page.audience, user=request.user)
        fragments = live.render_room(room, action.fragments, request)
        return JsonResponse({"message": message, "fragments": fragments})
    messages.success(request, message)
    return redirect(request.path + (f"#{action.anchor}" if action.anchor else ""))


def _page_view(page_name: str) -> Callable[..., HttpResponse]:
    page = PAGES[page_name]

    def view(request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = _meeting(meeting_id)
        refused = _authorise(request, page, meeting)
        if refused is not None:
            return refused
        if request.method == "POST":
            if page.permission is None:
                return HttpResponse(status=405)
            return _handle_post(request, page, meeting)
        return _render_page(request, page, meeting)

    view.__name__ = f"meeting_{page_name}"
    return view


meeting_live = _page_view("live")
meeting_room = _page_view("room")
meeting_chair = _page_view("chair")
meeting_secretariat = _page_view("secretariat")
meeting_screen = _page_view("screen")


@require_GET
def meeting_fragments(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The room's current fragments for an audience the user may watch as (resync)."""
    meeting = _meeting(meeting_id)
    audience = request.GET.get("audience", PUBLIC)
    if audience not in live.audiences_for_user(request.user, meeting):
        return JsonResponse({"error": _("Accès refusé.")}, status=403)
    room = live.RoomState(meeting, audience, user=request.user)
    fragments = live.render_room(room)
    if audience in (MEMBERS, STAFF) and request.user.is_authenticated:
        fragments.update(live.render_user(room))
    response = JsonResponse({"fragments": fragments})
    response["Cache-Control"] = "no-store"
    return response
