"""Video of a meeting: the members' videoconference, the public livestream, and the recording
indexed by item.

Nothing from a video host loads before the visitor asks: pages show a link that says what
will load, and a small script turns the click into a frame (static/js/video.js). The
conference link points to this site (`conference_target`), which checks who asks and only
then answers with the host's address, signed for that member when Jitsi's token
authentication is on. After the meeting, the secretariat attaches the recording
(`check_attach_recording`); its chapters are read from the session record (items opened and
closed, speakers' turns) and served as WebVTT.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import jwt
import rules
import webvtt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions import ActionError
from deliberation.models import AgendaItem, AuditEntry, Meeting, SpeakerRequest

# A token lets its holder in from a little before the start to a little after the end; a
# meeting without an end is given a long evening.
EARLY = datetime.timedelta(minutes=30)
LATE = datetime.timedelta(minutes=30)
DEFAULT_LENGTH = datetime.timedelta(hours=6)
OVERTIME = datetime.timedelta(hours=1)
ROOM_SALT = "conseil-ouvert.video.room"


# --- The members' videoconference ----------------------------------------------------------


@dataclass(frozen=True)
class Conference:
    provider: str  # "jitsi": embeddable, signed per member; "link": another service's link
    host: str  # told to the member before the click

    @property
    def embeddable(self) -> bool:
        return self.provider == "jitsi"


def conference_of(meeting: Meeting) -> Conference | None:
    """The meeting's videoconference, if members may attend remotely and one is set up."""
    if not meeting.allows_remote:
        return None
    if meeting.conference_url:
        return Conference("link", urlsplit(meeting.conference_url).hostname or "")
    if settings.JITSI_DOMAIN:
        return Conference("jitsi", settings.JITSI_DOMAIN)
    return None


def room_name(meeting: Meeting) -> str:
    """Unguessable and stable: an HMAC of the meeting's id under the site's secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{ROOM_SALT}:{meeting.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"conseil{meeting.pk}-{digest[:24]}"


def token_window(meeting: Meeting, now: datetime.datetime) -> tuple[datetime.datetime, ...]:
    """(not before, expires): the meeting's time, and an hour more while it runs late."""
    start = meeting.start - EARLY
    end = (meeting.end or meeting.start + DEFAULT_LENGTH) + LATE
    if meeting.state == Meeting.State.IN_SESSION:
        end = max(end, now + OVERTIME)
    return start, end


def jitsi_claims(meeting: Meeting, user: Any, now: datetime.datetime) -> dict[str, Any]:
    """The claims of Jitsi's token authentication (prosody's token_verification), with the
    member's name and e-mail; the chair moderates (context.user.moderator, and the
    affiliation read by the token_affiliation plugin)."""
    not_before, expires = token_window(meeting, now)
    moderator = user.has_perm("deliberation.moderate_conference", meeting)
    person: dict[str, Any] = {
        "id": str(user.pk),
        "name": str(user),
        "moderator": moderator,
        "affiliation": "owner" if moderator else "member",
    }
    if user.email:
        person["email"] = user.email
    return {
        "aud": settings.JITSI_TOKEN_AUDIENCE,
        "iss": settings.JITSI_APP_ID,
        "sub": settings.JITSI_DOMAIN,
        "room": room_name(meeting),
        "iat": int(now.timestamp()),
        "nbf": int(not_before.timestamp()),
        "exp": int(expires.timestamp()),
        "moderator": moderator,
        "context": {"user": person},
    }


def jitsi_token(meeting: Meeting, user: Any, now: datetime.datetime) -> str:
    return jwt.encode(
        jitsi_claims(meeting, user, now), settings.JITSI_APP_SECRET, algorithm="HS256"
    )


def conference_target(meeting: Meeting, user: Any) -> str:
    """The address the member's browser goes to, asked for at the click."""
    if meeting.conference_url:
        return meeting.conference_url
    url = f"https://{settings.JITSI_DOMAIN}/{room_name(meeting)}"
    if settings.JITSI_APP_SECRET:
        return f"{url}?jwt={jitsi_token(meeting, user, timezone.now())}"
    # Without tokens, Jitsi reads the display name from the URL's fragment (never sent).
    return f"{url}#userInfo.displayName={quote(json.dumps(str(user)))}"


# --- The public livestream ------------------------------------------------------------------


@dataclass(frozen=True)
class Livestream:
    url: str
    host: str
    embeddable: bool  # on https, from a host the CSP lets pages frame


def livestream_of(meeting: Meeting) -> Livestream | None:
    if not meeting.livestream_url:
        return None
    parts = urlsplit(meeting.livestream_url)
    host = parts.hostname or ""
    embeddable = parts.scheme == "https" and host in settings.VIDEO_EMBED_DOMAINS
    return Livestream(meeting.livestream_url, host, embeddable)


# --- The recording, indexed by item ---------------------------------------------------------


@dataclass
class Chapter:
    kind: str  # "item" or "speaker"
    item: AgendaItem
    title: str
    start: datetime.datetime
    end: datetime.datetime
    offset: int = 0  # seconds from the start of the recording
    end_offset: int = 0


def _item_periods(
    meeting: Meeting, items: dict[int, AgendaItem]
) -> list[tuple[AgendaItem, datetime.datetime, datetime.datetime]]:
    """When each item was under discussion, from the audit trail: an item runs from its
    opening to its closing, the opening of another item, or the meeting's close."""
    entries = AuditEntry.objects.filter(
        meeting=meeting, action__in=("item_opened", "item_closed", "meeting_closed")
    ).order_by("created_at", "pk")
    periods = []
    current: tuple[AgendaItem, datetime.datetime] | None = None
    last = meeting.end
    for entry in entries:
        item = items.get(int(entry.data.get("item") or 0))
        if current is not None and (
            entry.action != "item_closed" or (item is not None and item.pk == current[0].pk)
        ):
            periods.append((current[0], current[1], entry.created_at))
            current = None
        if entry.action == "item_opened" and item is not None:
            current = (item, entry.created_at)
        if entry.action == "meeting_closed":
            break
        last = entry.created_at
    if current is not None:
        periods.append((current[0], current[1], max(meeting.end or last or current[1], current[1])))
    return periods


def session_chapters(meeting: Meeting) -> list[Chapter]:
    """One chapter per item discussed and, in public items, one per speaker's turn, in order."""
    items = {item.pk: item for item in meeting.agenda_items.all()}
    turns = list(
        SpeakerRequest.objects.filter(agenda_item__meeting=meeting, started_at__isnull=False)
        .select_related("membership__user")
        .order_by("started_at", "pk")
    )
    chapters: list[Chapter] = []
    for item, start, end in _item_periods(meeting, items):
        chapters.append(Chapter("item", item, f"{item.display_number}. {item.title}", start, end))
        if not item.is_public:
            continue  # a closed-session item shows its title alone
        for turn in turns:
            began = turn.started_at
            if turn.agenda_item_id != item.pk or began is None or not start <= began < end:
                continue
            turn_end = min(turn.ended_at or end, end)
            chapters.append(
                Chapter(
                    "speaker",
                    item,
                    _("%(number)s. Intervention de %(name)s")
                    % {"number": item.display_number, "name": turn.membership.user},
                    began,
                    turn_end,
                )
            )
    return chapters


def recording_chapters(meeting: Meeting) -> list[Chapter]:
    """The session's chapters placed on the recording's timeline (what it did not film is
    left out; a chapter it caught the end of starts at 0)."""
    origin = meeting.recording_started_at
    if not meeting.recording_url or origin is None:
        return []
    placed = []
    for chapter in session_chapters(meeting):
        end = int((chapter.end - origin).total_seconds())
        if end <= 0:
            continue
        chapter.offset = max(0, int((chapter.start - origin).total_seconds()))
        chapter.end_offset = max(end, chapter.offset + 1)
        placed.append(chapter)
    return placed


def _timestamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.000"


def chapters_vtt(chapters: list[Chapter]) -> str:
    """WebVTT chapters (one cue per chapter; a turn's cue nests in its item's)."""
    document = webvtt.WebVTT()
    for number, chapter in enumerate(chapters, start=1):
        document.captions.append(
            webvtt.Caption(
                start=_timestamp(chapter.offset),
                end=_timestamp(chapter.end_offset),
                text=chapter.title,
                identifier=f"{chapter.kind}-{number}",
            )
        )
    return str(document.content)


def moment_url(url: str, seconds: int) -> str:
    """The recording at a moment: PeerTube's and YouTube's own parameter, else a media
    fragment (`#t=`), which browsers' players read."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("start", "t")]
    if "/w/" in parts.path or "/videos/watch/" in parts.path or "/videos/embed/" in parts.path:
        return urlunsplit(parts._replace(query=urlencode([*query, ("start", f"{seconds}s")])))
    if parts.hostname in ("youtu.be", "www.youtube.com", "youtube.com"):
        return urlunsplit(parts._replace(query=urlencode([*query, ("t", f"{seconds}s")])))
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))


def clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class RecordingIndex:
    url: str
    started_at: datetime.datetime
    items: list[dict[str, Any]]  # one row per item discussed: item, seconds, clock, url


def recording_index(meeting: Meeting) -> RecordingIndex | None:
    """What the meeting page and the minutes list: each item's moment in the recording."""
    if not meeting.recording_url or meeting.recording_started_at is None:
        return None
    rows = [
        {
            "item": chapter.item,
            "title": chapter.title,
            "seconds": chapter.offset,
            "clock": clock(chapter.offset),
            "url": moment_url(meeting.recording_url, chapter.offset),
        }
        for chapter in recording_chapters(meeting)
        if chapter.kind == "item"
    ]
    return RecordingIndex(meeting.recording_url, meeting.recording_started_at, rows)


# --- Attaching the recording (an action) ----------------------------------------------------


@transaction.atomic
def do_attach_recording(
    meeting: Meeting, url: str, started_at: datetime.datetime | None, *, acting_user: Any
) -> Meeting:
    meeting.recording_url = url
    meeting.recording_started_at = started_at if url else None
    meeting.save(update_fields=["recording_url", "recording_started_at", "updated"])
    AuditEntry.objects.create(
        action="recording_attached" if url else "recording_removed",
        actor=acting_user,
        meeting=meeting,
        data={"url": url, "started_at": started_at.isoformat() if started_at and url else None},
    )
    # No live event: the meeting is closed and no room shows the recording.
    return meeting


def check_attach_recording(
    meeting: Meeting, url: str, started_at: datetime.datetime | None, *, acting_user: Any
) -> Meeting:
    if not rules.has_perm("deliberation.attach_recording", acting_user, meeting):
        if meeting.state != Meeting.State.CLOSED:
            raise ActionError(_("L'enregistrement s'ajoute une fois la séance close."))
        raise ActionError(_("Seul le secrétariat de ce conseil ajoute l'enregistrement."))
    url = (url or "").strip()
    if url:
        if urlsplit(url).scheme not in ("https", "http"):
            raise ActionError(_("Donnez une adresse web (https://…)."), field="url")
        if started_at is None:
            raise ActionError(
                _("Indiquez l'heure à laquelle l'enregistrement a commencé."), field="started_at"
            )
        if meeting.end is not None and started_at > meeting.end:
            raise ActionError(
                _("L'enregistrement ne peut pas commencer après la fin de la séance (%(end)s).")
                % {"end": timezone.localtime(meeting.end).strftime("%d/%m/%Y %H:%M")},
                field="started_at",
            )
        opened = (
            AuditEntry.objects.filter(meeting=meeting, action="meeting_opened")
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        earliest = min(meeting.start, opened or meeting.start)
        if started_at < earliest - datetime.timedelta(hours=12):
            raise ActionError(
                _("Cette heure précède de loin la séance : vérifiez la date."),
                field="started_at",
            )
    return do_attach_recording(meeting, url, started_at, acting_user=acting_user)
