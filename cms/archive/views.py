"""The public archive of the council's decisions: search, filters, a permanent page per
decision, CSV export of a filtered list. Read-only; works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.archive.links import decision_url
from cms.models.meetings import MeetingPage
from cms.models.minutes import MinutesPage
from cms.models.recommendations import RecommendationPage
from cms.translation import in_reader_language
from council import spreadsheets
from council.models import Council
from deliberation import chain, election_record, selectors
from deliberation.models import Decision, Meeting
from deliberation.selectors import public_decisions
from deliberation.text import diff
from deliberation.text.paragraphs import apply_operations

PAGE_SIZE = 20
MAX_QUERY = 200
MAX_WORDS = 12
CSV_LIMIT = 10_000

SORTS = {
    "recent": ("-closed_at", "-position"),
    "oldest": ("closed_at", "position"),
    "number": ("council__name", "year", "number"),
}


class ArchiveFilters(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Mots recherchés"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={
            "max_length": gettext_lazy(
                "La recherche est trop longue : %(limit_value)d caractères au plus."
            )
        },
    )
    council = forms.ModelChoiceField(
        label=gettext_lazy("Conseil"),
        queryset=Council.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("Tous les conseils"),
        error_messages={"invalid_choice": gettext_lazy("Ce conseil n'existe pas.")},
    )
    year = forms.IntegerField(
        label=gettext_lazy("Année"),
        required=False,
        min_value=1990,
        max_value=2200,
        error_messages={
            "invalid": gettext_lazy("Indiquez une année en chiffres, par exemple 2026.")
        },
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Résultat"),
        required=False,
        choices=[("", gettext_lazy("Tous les résultats")), *Decision.Outcome.choices],
        error_messages={"invalid_choice": gettext_lazy("Ce résultat n'existe pas.")},
    )
    meeting = forms.IntegerField(
        label=gettext_lazy("Numéro de séance"),
        required=False,
        min_value=1,
        max_value=2_000_000_000,
        error_messages={"invalid": gettext_lazy("Le numéro de séance est un nombre.")},
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Trier par"),
        required=False,
        choices=[
            ("recent", gettext_lazy("les plus récentes d'abord")),
            ("oldest", gettext_lazy("les plus anciennes d'abord")),
            ("number", gettext_lazy("conseil, année et numéro")),
        ],
        error_messages={"invalid_choice": gettext_lazy("Cet ordre de tri n'existe pas.")},
    )

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if len(text.split()) > MAX_WORDS:
            raise forms.ValidationError(
                _("Trop de mots : %(limit)d au plus.") % {"limit": MAX_WORDS}
            )
        return text

    def clean_meeting(self) -> int | None:
        meeting = self.cleaned_data["meeting"]
        if meeting is not None and not Meeting.objects.filter(pk=meeting).exists():
            raise forms.ValidationError(_("Cette séance n'existe pas."))
        return meeting


def _search(decisions: QuerySet[Decision], text: str) -> QuerySet[Decision]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        # The stored, GIN-indexed vector (cms.search_index): question, item and meeting titles.
        query = SearchQuery(text, config="french", search_type="websearch")
        return decisions.filter(search_entry__document=query)
    for word in text.split():
        decisions = decisions.filter(
            Q(question__icontains=word)
            | Q(agenda_item__title__icontains=word)
            | Q(meeting__title__icontains=word)
        )
    return decisions


def filtered(data: dict[str, Any]) -> QuerySet[Decision]:
    decisions = public_decisions().select_related("council", "meeting", "agenda_item")
    if data.get("q"):
        decisions = _search(decisions, data["q"])
    if data.get("council"):
        decisions = decisions.filter(council=data["council"])
    if data.get("year"):
        decisions = decisions.filter(year=data["year"])
    if data.get("outcome"):
        decisions = decisions.filter(outcome=data["outcome"])
    if data.get("meeting"):
        decisions = decisions.filter(meeting_id=data["meeting"])
    return decisions.order_by(*SORTS[data.get("sort") or "recent"])


def _query_string(data: dict[str, Any]) -> str:
    values = {
        "q": data.get("q") or "",
        "council": data["council"].slug if data.get("council") else "",
        "year": data.get("year") or "",
        "outcome": data.get("outcome") or "",
        "meeting": data.get("meeting") or "",
        "sort": data.get("sort") or "",
    }
    return urlencode({k: v for k, v in values.items() if v})


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        return None
    return int(raw)


def index(request: HttpRequest) -> HttpResponse:
    form = ArchiveFilters(request.GET or None)
    count, head_hash, updated = chain.head_dated()
    context: dict[str, Any] = {
        "form": form,
        "chain_count": count,
        "head_hash": head_hash,
        "updated": updated,
        "items": None,
        "page_error": "",
    }
    if request.GET and not form.is_valid():
        return render(request, "cms/archive.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    paginator = Paginator(filtered(data), PAGE_SIZE)
    number = _page_number(request)
    if number is None or number > max(paginator.num_pages, 1):
        context["page_error"] = _(
            "Cette page de résultats n'existe pas. Il y a %(count)d page(s)."
        ) % {"count": paginator.num_pages}
        return render(request, "cms/archive.html", context, status=404)
    context["items"] = paginator.page(number)
    context["query_string"] = _query_string(data)
    return render(request, "cms/archive.html", context)


def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = ArchiveFilters(request.GET or None)
    if request.GET and not form.is_valid():
        count, head_hash = chain.head()
        context = {"form": form, "chain_count": count, "head_hash": head_hash, "items": None}
        return render(request, "cms/archive.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    rows = filtered(data)[:CSV_LIMIT]

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = spreadsheets.writer(Echo())
    header = [
        _("conseil"),
        _("année"),
        _("numéro"),
        _("date"),
        _("séance"),
        _("point"),
        _("question"),
        _("résultat"),
        _("règle"),
        _("pour"),
        _("contre"),
        _("abstentions"),
        _("empreinte"),
        _("adresse"),
        _("élection : voix, blancs, nuls, élu·e·s"),
    ]

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for d in rows.iterator(chunk_size=500):
            total = d.tally.get("total", {})
            election = election_record.is_election(d)
            if election and d.text_voted.get("mode") != "yes_no":
                total = dict.fromkeys(("yes", "no", "abstain"), "")
            yield writer.writerow(
                [
                    d.council.slug,
                    d.year,
                    d.number,
                    d.closed_at.date().isoformat(),
                    d.meeting.title,
                    d.agenda_item.title,
                    d.question,
                    d.get_outcome_display(),
                    d.get_rule_display(),
                    total.get("yes", 0),
                    total.get("no", 0),
                    total.get("abstain", 0),
                    d.hash,
                    request.build_absolute_uri(decision_url(d)),
                    election_record.election_summary(d) if election else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    return response


CHANNEL_LABELS = {
    "room_roll_call": gettext_lazy("en salle (appel nominal)"),
    "show_of_hands": gettext_lazy("en salle (à main levée)"),
    "online": gettext_lazy("en ligne"),
    "proxy": gettext_lazy("par procuration"),
    "total": gettext_lazy("total"),
}
CHOICE_LABELS = {
    "yes": gettext_lazy("pour"),
    "no": gettext_lazy("contre"),
    "abstain": gettext_lazy("abstention"),
}


def tally_rows(decision: Decision) -> list[dict[str, Any]]:
    """The decision's counts by channel (open ballots only), then the total."""
    shown = {**selectors.public_channels(decision), "total": decision.tally.get("total", {})}
    rows = []
    for key, label in CHANNEL_LABELS.items():
        counts = shown.get(key)
        if not isinstance(counts, dict):
            continue
        if key != "total" and not any(counts.get(c) for c in CHOICE_LABELS):
            continue
        rows.append(
            {
                "label": label,
                "yes": counts.get("yes", 0),
                "no": counts.get("no", 0),
                "abstain": counts.get("abstain", 0),
                "is_total": key == "total",
            }
        )
    return rows


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "cms/decision_not_found.html", {"message": message}, status=404)


def detail(request: HttpRequest, council: str, year: int, number: int) -> HttpResponse:
    if year > 32767 or number > 2_000_000_000:
        return _not_found(request, _("Ce numéro de décision n'existe pas."))
    decision = (
        public_decisions()
        .select_related("council", "meeting", "agenda_item", "resulting_version")
        .filter(council__slug=council, year=year, number=number)
        .first()
    )
    if decision is None:
        return _not_found(
            request,
            _("Aucune décision publique n° %(number)s/%(year)s pour ce conseil.")
            % {"number": number, "year": year},
        )
    text = decision.text_voted
    amendment_diff = None
    if text.get("kind") == "amendment":
        base = list(text.get("base_paragraphs", []))
        amendment_diff = diff.paragraphs_diff(
            base, apply_operations(base, list(text.get("operations", [])))
        )
    meeting_page = in_reader_language(
        MeetingPage.objects.live().public().filter(meeting_id=decision.meeting_id)
    )
    recommendation = in_reader_language(
        RecommendationPage.objects.live().public().filter(decision=decision)
    )
    minutes = in_reader_language(
        MinutesPage.objects.live().public().filter(meeting_id=decision.meeting_id)
    )
    named = [
        {**vote, "choice_label": CHOICE_LABELS.get(vote.get("choice"), vote.get("choice"))}
        for vote in decision.named_votes
    ]
    return render(
        request,
        "cms/decision_detail.html",
        {
            "decision": decision,
            "updated": decision.closed_at,
            "amendment_diff": amendment_diff,
            "tally_rows": tally_rows(decision),
            "named_votes": named,
            "meeting_page": meeting_page,
            "recommendation": recommendation,
            "minutes": minutes,
        },
    )
