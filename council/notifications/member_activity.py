"""Telling a member's followers that their mandates changed (after the commit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from council.links import member_url
from council.models import User
from council.notifications.service import notify_member_activity
from council.selectors import member_name


def _tell(user_ids: list[int]) -> None:
    for user in User.objects.filter(pk__in=user_ids):
        with translation.override(settings.LANGUAGE_CODE):
            title = _("%(name)s : un mandat commence ou prend fin") % {"name": member_name(user)}
        notify_member_activity([user.pk], url=member_url(user.pk), title=title)


def tell_followers(user_ids: Iterable[int], council_id: int) -> None:
    """Once committed, tell these people's followers of a change in their mandates."""
    ids = sorted(set(user_ids))
    transaction.on_commit(lambda: _tell(ids), robust=True)
