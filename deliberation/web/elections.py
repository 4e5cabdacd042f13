"""An item's elections, one page for everyone: the call and candidacies (public), the
member's forms (stand, propose, consent, withdraw, vote), the chair's and the
secretariat's controls (call for candidacies, open a round, the tellers' count, close).

HTML first: every control is a form posting `?do=<slug>` to the page; the view calls the
action and redirects (post/redirect/get), or shows the action's French refusal in the page
with status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from council.models import User
from deliberation import actions, selectors
from deliberation.actions.common import ActionError
from deliberation.models import AgendaItem, Ballot, Election, Meeting
from deliberation.models.elections import BLANK, INVALID

Runner = Callable[[HttpRequest, AgendaItem], str]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _call(request: HttpRequest, item: AgendaItem) -> str:
    data = request.POST
    actions.check_open_candidacies(
        item,
        office=data.get("office", ""),
        seats=data.get("seats", ""),
        mode=data.get("mode", ""),
        body=data.get("body", ""),
        opens_at=data.get("opens_at", ""),
        closes_at=data.get("closes_at", ""),
        acting_user=_user(request),
    )
    return _("L'appel aux candidatures est ouvert.")


def _stand(request: HttpRequest, item: AgendaItem) -> str:
    candidacy = actions.check_file_candidacy(
        _election_id(request, item),
        candidate_id=request.POST.get("candidate") or None,
        acting_user=_user(request),
    )
    if candidacy.consented_at is None:
        return _("La candidature est proposée : elle comptera quand %(name)s l'aura acceptée.") % {
            "name": candidacy.candidate.user
        }
    return _("Votre candidature est enregistrée.")


def _consent(request: HttpRequest, item: AgendaItem) -> str:
    actions.check_consent_candidacy(request.POST.get("candidacy"), acting_user=_user(request))
    return _("Vous avez accepté votre candidature.")


def _withdraw(request: HttpRequest, item: AgendaItem) -> str:
    actions.check_withdraw_candidacy(request.POST.get("candidacy"), acting_user=_user(request))
    return _("La candidature est retirée.")


def _open_round(request: HttpRequest, item: AgendaItem) -> str:
    ballot = actions.check_open_round(_election_id(request, item), acting_user=_user(request))
    return _("Le tour n° %(n)s est ouvert.") % {"n": ballot.round_number}


def _vote(request: HttpRequest, item: AgendaItem) -> str:
    ballot = _round(request, item)
    choice: Any = request.POST.getlist("choice")
    if ballot.election is not None and ballot.election.mode != Election.Mode.LIST:
        choice = request.POST.get("choice", "")
    actions.check_cast_election_vote(
        ballot.pk,
        choice,
        proxy_for_id=request.POST.get("proxy_for") or None,
        acting_user=_user(request),
    )
    return _("Votre vote est enregistré.")


def _paper(request: HttpRequest, item: AgendaItem) -> str:
    ballot = _round(request, item)
    counts = {o: request.POST.get(f"count_{o}", "") for o in selectors.urn_options(ballot)}
    actions.check_record_paper_count(
        ballot.pk,
        ballots=request.POST.get("ballots", ""),
        counts=counts,
        acting_user=_user(request),
    )
    return _("Le compte des scrutateurs est enregistré.")


def _close(request: HttpRequest, item: AgendaItem) -> str:
    decision = actions.check_close_round(_round(request, item).pk, acting_user=_user(request))
    return _("Le tour est clos : décision n° %(ref)s, %(outcome)s.") % {
        "ref": decision.reference,
        "outcome": decision.get_outcome_display(),
    }


ACTIONS: dict[str, Runner] = {
    "appel": _call,
    "candidature": _stand,
    "accepter": _consent,
    "retirer": _withdraw,
    "ouvrir-tour": _open_round,
    "voter": _vote,
    "depouillement": _paper,
    "clore-tour": _close,
}


def _election_id(request: HttpRequest, item: AgendaItem) -> int:
    election = Election.objects.filter(
        pk=_int(request.POST.get("election")), agenda_item=item
    ).first()
    if election is None:
        raise ActionError(_("Cette élection n'existe pas sur ce point."))
    return election.pk


def _round(request: HttpRequest, item: AgendaItem) -> Ballot:
    ballot = (
        Ballot.objects.filter(
            pk=_int(request.POST.get("ballot")), agenda_item=item, election__isnull=False
        )
        .select_related("election")
        .first()
    )
    if ballot is None:
        raise ActionError(_("Ce tour de scrutin n'existe pas sur ce point."))
    return ballot


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _item(item_id: int, request: HttpRequest) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__council").filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Point introuvable."))
    staff = request.user.has_perm("deliberation.view_staff_console", item.meeting)
    if item.meeting.state == Meeting.State.DRAFT and not staff:
        raise Http404(_("Point introuvable."))
    # An item in closed session: its elections are the council's, not the public's.
    if not item.is_public and not (
        staff or request.user.has_perm("deliberation.view_members_room", item.meeting)
    ):
        raise Http404(_("Point introuvable."))
    return item


def _papers(item: AgendaItem, ballot: Ballot | None, user: Any) -> list[dict[str, Any]]:
    """The viewer's ballot papers for the open round: one per seat (own, proxy held)."""
    if ballot is None or not getattr(user, "is_authenticated", False):
        return []
    presence = selectors.presence(item.meeting)
    voted = selectors.voted_seat_ids(ballot)
    papers = []
    for seat in presence.seats_of(user.pk):
        owner = selectors.seat_owner(seat, presence)
        papers.append(
            {
                "proxy_for": seat.proxy_for,
                "recorded": owner.pk in voted,
                "in_room": selectors.online_vote_refusal(ballot, seat),
            }
        )
    return papers


def _context(request: HttpRequest, item: AgendaItem, error: str = "") -> dict[str, Any]:
    user = request.user
    meeting = item.meeting
    views = selectors.elections_for(item)
    seat = (
        selectors.council_seat(int(user.pk or 0), meeting.council_id)
        if user.is_authenticated
        else None
    )
    rounds = []
    for view in views:
        ballot = view.open_round
        if ballot is not None:
            ballot.election = view.election
        names = {c.key: c for c in view.candidacies}
        rounds.append(
            {
                "view": view,
                "ballot": ballot,
                "candidates": [names[k] for k in selectors.round_candidates(ballot) if k in names]
                if ballot
                else [],
                "paper_options": [
                    (o, names[o].candidate.user if o in names else o)
                    for o in (selectors.urn_options(ballot) if ballot else ())
                    if o not in (BLANK, INVALID)
                ],
                "papers": _papers(item, ballot, user),
            }
        )
    return {
        "item": item,
        "meeting": meeting,
        "elections": rounds,
        "error": error,
        "posted": request.POST if request.method == "POST" else {},
        "seat": seat,
        "members": selectors.members_with_vote(meeting.council_id) if seat else [],
        "can_call": user.has_perm("deliberation.open_candidacies", item),
        "can_stand": user.has_perm("deliberation.file_candidacy", item),
        "can_preside": user.has_perm("deliberation.open_election_round", item),
        "can_count": user.has_perm("deliberation.view_staff_console", meeting),
        "offices": Election.Office.choices,
        "modes": Election.Mode.choices,
    }


def item_elections(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(item_id, request)
    if request.method == "POST":
        runner = ACTIONS.get(request.GET.get("do", ""))
        if not request.user.is_authenticated:
            return HttpResponse(status=403)
        if runner is None:
            return render(
                request,
                "deliberation/elections.html",
                _context(request, item, _("Action inconnue sur cette page.")),
                status=400,
            )
        try:
            message = runner(request, item)
        except ValidationError as error:
            text = " ".join(str(m) for m in error.messages)
            return render(
                request, "deliberation/elections.html", _context(request, item, text), status=400
            )
        messages.success(request, message)
        return redirect(request.path)
    return render(request, "deliberation/elections.html", _context(request, item))
