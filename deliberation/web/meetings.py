"""The live pages of a meeting (public, members' room, chair, secretariat, screen), and how
their forms are handled.

Every control is a form posting to its own page with `?do=<action>`: the view validates the
form, calls the action's runner (`deliberation.web.room`, `deliberation.web.console`), and
redirects (post/redirect/get). A refused action re-renders the page with the French message
and the values typed, status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deliberation import events, forms, guards, live
from deliberation.models import Meeting
from deliberation.web import console, room
from deliberation.web.controls import Refused

PUBLIC, MEMBERS, STAFF, SCREEN = events.PUBLIC, events.MEMBERS, events.STAFF, events.SCREEN


@dataclass(frozen=True)
class Screen:
    """One of a meeting's live screens: public page, members' room, a console, room screen."""

    name: str  # url name and ?do namespace
    audience: str
    template: str
    title: str
    permission: str | None


PAGES = {
    "live": Screen("live", PUBLIC, "deliberation/meeting_live.html", "", None),
    "room": Screen(
        "room", MEMBERS, "deliberation/meeting_room.html", "", "deliberation.view_members_room"
    ),
    "chair": Screen(
        "chair", STAFF, "deliberation/meeting_chair.html", "", "deliberation.view_chair_console"
    ),
    "secretariat": Screen(
        "secretariat",
        STAFF,
        "deliberation/meeting_secretariat.html",
        "",
        "deliberation.view_secretariat_console",
    ),
    # The room's projector: public like the live page, no controls.
    "screen": Screen("screen", SCREEN, "deliberation/meeting_screen.html", "", None),
}


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("Séance introuvable."))
    return meeting


def _authorise(request: HttpRequest, page: Screen, meeting: Meeting) -> HttpResponse | None:
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
    page: Screen,
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


def _closing(page: Screen, room: live.RoomState, wanted: Any) -> Any:
    """The close confirmation the chair asked for (`?cloture=<ballot>`), while it is open."""
    ballot = room.open_ballot
    if page.name != "chair" or ballot is None or str(wanted) != str(ballot.pk):
        return None
    if ballot.election_id is not None:  # an election's round closes on its own page
        return None
    return guards.close_preview(ballot, room.presence)


# --- Actions -------------------------------------------------------------------------------

# Each page's forms, by their `?do=` slug.
ACTIONS = {**room.ACTIONS, **console.ACTIONS}


def _message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("Cette action ne vous est pas permise.")


def _form_errors(form: forms.forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _field_of(error: Exception) -> str | None:
    return getattr(error, "field", None)


def _handle_post(request: HttpRequest, page: Screen, meeting: Meeting) -> HttpResponse:
    slug = request.GET.get("do", "")
    action = ACTIONS.get(slug)
    if slug == "procuration" and page.name == "secretariat":
        action = console.SECRETARIAT_PROXY
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
    except (Refused, ValidationError, PermissionDenied) as error:
        field = _field_of(error)
        form.add_error(field if field in form.fields else None, _message_of(error))
        if by_fetch:
            return JsonResponse({"error": _message_of(error)}, status=400)
        closing = error.ballot.pk if isinstance(error, console.Reconfirm) else None
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
