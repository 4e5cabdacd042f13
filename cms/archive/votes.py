"""Open data: every named choice in the council's open ballots, as CSV (one row per decision
and member), for all members or one; and a member's stable address by number."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cms.archive.links import decision_url
from cms.models.home import CouncilPage
from cms.translation import in_reader_language
from council import spreadsheets
from council.models import PUBLIC_RECORD_ROLES, Council, Membership
from council.selectors import member_name
from deliberation.selectors import open_votes

CSV_LIMIT = 100_000


class VoteFilters(forms.Form):
    conseil = forms.ModelChoiceField(
        queryset=Council.objects.all(), to_field_name="slug", required=False
    )
    membre = forms.IntegerField(min_value=1, max_value=2_000_000_000, required=False)


def votes_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """/decisions/votes.csv[?conseil=<slug>][&membre=<number>]: open ballots only."""
    form = VoteFilters(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Filtre invalide : indiquez un conseil existant et un numéro de membre."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    council, member = form.cleaned_data["conseil"], form.cleaned_data["membre"]
    votes = open_votes(council_id=council.pk if council else None, user_id=member)[:CSV_LIMIT]

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = spreadsheets.writer(Echo())
    header = [
        _("conseil"),
        _("décision"),
        _("date"),
        _("question"),
        _("membre"),
        _("choix"),
        _("canal"),
        _("adresse"),
    ]

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for vote in votes.iterator(chunk_size=500):
            decision = vote.ballot.decision
            yield writer.writerow(
                [
                    decision.council.slug,
                    decision.reference,
                    decision.closed_at.date().isoformat(),
                    decision.question,
                    member_name(vote.seat.user),
                    vote.get_choice_display(),
                    vote.get_channel_display(),
                    request.build_absolute_uri(decision_url(decision)),
                ]
            )

    name = f"votes-{member}.csv" if member else "votes.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def member(request: HttpRequest, user_id: int) -> HttpResponse:
    """A member's stable address (in notifications): to their page on the council's page."""
    mandate = (
        Membership.objects.filter(user_id=user_id, role__in=PUBLIC_RECORD_ROLES)
        .select_related("user")
        .order_by("-start")
        .first()
    )
    page = None
    if mandate is not None:
        page = in_reader_language(
            CouncilPage.objects.live().public().filter(council_id=mandate.council_id)
        )
    if mandate is None or not isinstance(page, CouncilPage):
        raise Http404(_("Cette personne n’a pas de page publique."))
    return redirect(page.url + page.member_path(mandate.user))
