"""The moderation queue of residents' consultation comments, in the Wagtail admin.

Its buttons call `check_publish_comment` / `check_hide_comment`: the admin never saves a
comment itself. Shown to council staff only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from council.staff_policy import is_council_staff
from deliberation import actions
from deliberation.actions import ActionError
from deliberation.models import Comment
from deliberation.selectors import consultations as consultation_reads


def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_council_staff(user):
        raise PermissionDenied(_("La modération est réservée au secrétariat et à la présidence."))
    if request.method == "POST":
        comment = (
            Comment.objects.filter(
                pk=_int(request.POST.get("comment")) or 0, consultation__isnull=False
            )
            .select_related("consultation__agenda_item__meeting", "author")
            .first()
        )
        decision = request.POST.get("decision")
        try:
            if comment is None:
                raise ActionError(_("Commentaire introuvable."))
            if decision == "publish":
                actions.check_publish_comment(comment, acting_user=user)  # type: ignore[arg-type]
                messages.success(request, _("Le commentaire est publié."))
            elif decision == "hide":
                actions.check_hide_comment(
                    comment,
                    request.POST.get("reason"),
                    acting_user=user,  # type: ignore[arg-type]
                )
                messages.success(
                    request, _("Le commentaire est masqué ; son auteur·rice est prévenu·e.")
                )
            else:
                raise ActionError(_("Choisissez de publier ou de masquer le commentaire."))
        except ActionError as error:
            messages.error(request, str(error))
        return redirect("deliberation_moderation")
    pending, flagged = consultation_reads.moderation_queue(user)  # type: ignore[arg-type]
    return render(
        request,
        "deliberation/consultation_moderation.html",
        {
            "pending": pending,
            "flagged": flagged,
            "header_title": _("Modération des consultations"),
            "page_title": _("Modération des consultations"),
            "header_icon": "comment",
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@hooks.register("register_admin_urls")
def register_moderation_url():
    return [path("moderation/", moderation_queue, name="deliberation_moderation")]


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_council_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return _StaffMenuItem(
        gettext_lazy("Modération"),
        reverse("deliberation_moderation"),
        icon_name="warning",
        order=170,
    )
