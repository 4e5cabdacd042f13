"""Who may watch a meeting as what: the audiences a user may join (the server decides).

A socket's connection reads no table for an anonymous watcher: what the meeting says
about its audiences (its council, whether it is still a draft) is kept in Django's cache
(Redis in production, shared by the processes) and forgotten by the events that change
it (`forget_meeting`, subscribed in DeliberationConfig.ready). A member's roles are read
with their session, once per connection, so an ended mandate counts at once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from council import rules as council_rules
from council.mfa import mfa_state_for
from deliberation import events
from deliberation.live.fragments import MEMBERS, PUBLIC, SCREEN, STAFF
from deliberation.models import (
    Meeting,
)

# A backstop only: the events that change a meeting's state forget it at once.
MEETING_CACHE_SECONDS = 300


def audiences_for_user(user: Any, meeting: Meeting) -> set[str]:
    """The audiences this user may watch the meeting as (the server decides, never the URL)."""
    return _audiences(user, meeting.council_id, meeting.state)


def _audiences(user: Any, council: int, state: str) -> set[str]:
    staff = council_rules.is_secretariat(user, council) or council_rules.can_preside(user, council)
    allowed: set[str] = set()
    if state != Meeting.State.DRAFT or staff:
        allowed.add(PUBLIC)
    if staff or council_rules.is_member(user, council) or council_rules.is_observer(user, council):
        allowed.add(MEMBERS)
    if staff:
        allowed.add(STAFF)
    if PUBLIC in allowed:
        # The screen shows what the public live page shows, laid out for a projector.
        allowed.add(SCREEN)
    return allowed


def socket_user(scope: Any) -> Any:
    """The socket's user, as the pages would see them: a chair or secretariat session that
    did not pass its second factor is nobody in particular (the pages log it out)."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return AnonymousUser()
    if not mfa_state_for(user, scope.get("session")).allows_staff:
        return AnonymousUser()
    return user


def _meeting_key(meeting_id: int) -> str:
    return f"live-meeting-audiences-{meeting_id}"


def meeting_audience_facts(meeting_id: int) -> tuple[int, str] | None:
    """(council id, state) of the meeting, from the cache when a socket read it before;
    None when it does not exist (not kept: a wrong id costs its asker a query)."""
    key = _meeting_key(meeting_id)
    facts = cache.get(key)
    if facts is None:
        facts = Meeting.objects.filter(pk=meeting_id).values_list("council_id", "state").first()
        if facts is None:
            return None
        cache.set(key, tuple(facts), MEETING_CACHE_SECONDS)
    council_id, state = facts
    return council_id, state


def forget_meeting(group: str | None, event: events.Event) -> None:
    """Subscriber: a meeting's state changed; the next socket reads it again."""
    meeting_id = getattr(event, "meeting_id", None)
    if meeting_id is not None:
        cache.delete(_meeting_key(meeting_id))


# The events after which a meeting's state may differ.
STATE_EVENTS: tuple[type[events.Event], ...] = (
    events.MeetingSaved,
    events.MeetingOpened,
    events.MeetingClosed,
)


def allowed_audiences(user: Any, meeting_id: int) -> set[str] | None:
    """None when the meeting does not exist."""
    facts = meeting_audience_facts(meeting_id)
    if facts is None:
        return None
    return _audiences(user, *facts)


# Which languages a meeting is watched in: the site's own always; another once a page in it
# has connected (kept for the cache's lifetime, so a push is rendered only in languages
# someone reads, and a language nobody watches costs nothing).
def _language_key(meeting_id: int, language: str) -> str:
    return f"live-language:{meeting_id}:{language}"


def note_language(meeting_id: int, language: str) -> None:
    if language != settings.LANGUAGE_CODE:
        cache.add(_language_key(meeting_id, language), True, timeout=None)


def watched_languages(meeting_id: int) -> list[str]:
    others = [code for code in events.languages() if code != settings.LANGUAGE_CODE]
    seen = cache.get_many([_language_key(meeting_id, code) for code in others])
    return [settings.LANGUAGE_CODE] + [c for c in others if _language_key(meeting_id, c) in seen]
