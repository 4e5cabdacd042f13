"""The video pages of a meeting: the conference's doorway, the recording form, the chapters."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from deliberation import video
from deliberation.actions import ActionError
from deliberation.models import Meeting


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("Séance introuvable."))
    return meeting


@require_GET
def conference(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Where the members' "join" link leads: checks who asks, then sends them to the
    conference (a redirect, or its address as JSON for the script that frames it)."""
    meeting = _meeting(meeting_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("deliberation.join_conference", meeting):
        raise PermissionDenied(_("La visioconférence est réservée aux membres du conseil."))
    if video.conference_of(meeting) is None:
        raise Http404(_("Cette séance n'a pas de visioconférence."))
    target = video.conference_target(meeting, request.user)
    response: HttpResponse
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"url": target})
    else:
        response = redirect(target)
    # The address may carry the member's own token.
    response["Cache-Control"] = "no-store"
    return response


class RecordingForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Adresse de l'enregistrement"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=gettext_lazy(
            "La page de la vidéo (PeerTube ou autre) ou le fichier. Laissée vide, "
            "l'enregistrement est retiré."
        ),
    )
    started_at = forms.DateTimeField(
        label=gettext_lazy("Début de l'enregistrement"),
        required=False,
        help_text=gettext_lazy(
            "Date et heure de la première image (par exemple 2026-03-12 19:58:30) : les "
            "chapitres se calent sur elle."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
        input_formats=[
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ],
    )


def recording(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The secretariat attaches the recording after the meeting (GET the form, POST it)."""
    meeting = _meeting(meeting_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("deliberation.view_secretariat_console", meeting):
        raise PermissionDenied(_("Cette page est réservée."))
    status = 200
    if request.method == "POST":
        form = RecordingForm(request.POST)
        if form.is_valid():
            try:
                video.check_attach_recording(
                    meeting,
                    form.cleaned_data["url"],
                    form.cleaned_data["started_at"],
                    acting_user=request.user,
                )
            except ActionError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, str(error))
            else:
                messages.success(
                    request,
                    _("L'enregistrement est indexé par point.")
                    if meeting.recording_url
                    else _("L'enregistrement est retiré."),
                )
                return redirect(request.path)
        status = 400
    else:
        started = meeting.recording_started_at
        form = RecordingForm(
            initial={
                "url": meeting.recording_url,
                "started_at": timezone.localtime(started).replace(tzinfo=None) if started else None,
            }
        )
    context = {
        "meeting": meeting,
        "form": form,
        "failed": form if form.errors else None,
        "may_attach": request.user.has_perm("deliberation.attach_recording", meeting),
        "index": video.recording_index(meeting),
    }
    return render(request, "deliberation/recording.html", context, status=status)


@require_GET
def chapters(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The recording's chapters as WebVTT, one cue per item and per speaker's turn."""
    meeting = _meeting(meeting_id)
    if meeting.state != Meeting.State.CLOSED or not meeting.recording_url:
        raise Http404(_("Cette séance n'a pas d'enregistrement."))
    response = HttpResponse(
        video.chapters_vtt(video.recording_chapters(meeting)),
        content_type="text/vtt; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="seance-{meeting.pk}-chapitres.vtt"'
    response["Access-Control-Allow-Origin"] = "*"  # players on the video host read it
    response["Last-Modified"] = _http_date(meeting.updated)
    return response


def _http_date(value: datetime.datetime) -> str:
    return http_date(value.timestamp())
