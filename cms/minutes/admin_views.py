"""Admin screens of the publication that are not Wagtail's own: writing the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.minutes import minutes
from deliberation.actions import ActionError
from deliberation.models import Meeting


def generate_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: what will be written, and a plain form; POST: write the draft, then edit it."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    existing = minutes.minutes_for(meeting)
    error = None
    if request.method == "POST":
        try:
            page = minutes.check_generate_minutes(meeting, acting_user=request.user)
        except ActionError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Le projet de procès-verbal est rédigé : relisez-le, puis soumettez-le."),
            )
            return redirect(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    elif not request.user.has_perm("cms.generate_minutes", meeting):
        error = (
            _("Le procès-verbal se rédige une fois la séance close.")
            if meeting.state != Meeting.State.CLOSED
            else _("Seuls la présidence et le secrétariat de ce conseil rédigent le procès-verbal.")
        )
    return render(
        request,
        "cms/admin/generate_minutes.html",
        {"meeting": meeting, "existing": existing, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )
