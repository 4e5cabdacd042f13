"""Telling a member's followers that their mandates changed (after the commit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from council.models import User
from council.notifications.service import notify_member_activity
from council.selectors import member_name


def member_link(user_id: int) -> str:
    """The member's public page, through the publication layer's stable address by number
    (resolved by name: council/ does not import the publication layer)."""
    try:
        return reverse("cms:member", kwargs={"user_id": user_id})
    except NoReverseMatch:
        return ""


def _tell(user_ids: list[int]) -> None:
    for user in User.objects.filter(pk__in=user_ids):
        with translation.override(settings.LANGUAGE_CODE):
            title = _("%(name)s : un mandat commence ou prend fin") % {"name": member_name(user)}
        notify_member_activity([user.pk], url=member_link(user.pk), title=title)


def tell_followers(user_ids: Iterable[int], council_id: int) -> None:
    """Once committed, tell these people's followers of a change in their mandates."""
    ids = sorted(set(user_ids))
    transaction.on_commit(lambda: _tell(ids))
