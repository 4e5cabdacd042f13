"""Video: the members' conference behind a click, its Jitsi token, the livestream, and the
recording indexed by item (WebVTT chapters read back with webvtt-py)."""

from __future__ import annotations

import datetime
import io
import re
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import webvtt
from allauth.mfa.models import Authenticator
from django.utils import timezone

from deliberation import actions, video
from deliberation.models import AuditEntry, Meeting

DOMAIN = "meet.example.org"
SECRET = "a-long-shared-secret-for-the-tests-0123456789"


def with_totp(user):
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user


@pytest.fixture
def jitsi(settings):
    settings.JITSI_DOMAIN = DOMAIN
    settings.JITSI_APP_ID = "conseil-ouvert"
    settings.JITSI_APP_SECRET = ""
    settings.VIDEO_EMBED_DOMAINS = []
    return settings


def room_html(client, meeting, user) -> str:
    client.force_login(user)
    response = client.get(f"/seances/{meeting.pk}/salle/")
    assert response.status_code == 200
    return response.content.decode()


def frame_sources(html: str) -> list[str]:
    return re.findall(
        r"<(?:iframe|script|img|video|audio|link)\b[^>]*\b(?:src|href)=\"([^\"]*)", html
    )


# --- The members' conference ----------------------------------------------------------------


def test_the_room_offers_the_conference_behind_a_link_to_this_site_only(
    client, jitsi, people, meeting
):
    html = room_html(client, meeting, people.members[0].user)
    assert "Visioconférence des membres" in html
    # The button says what will load, and where from.
    assert f"Rejoindre la visioconférence ({DOMAIN})" in html
    assert f'href="/seances/{meeting.pk}/visio/"' in html
    # Nothing from the video host before the click: no frame, no script, not even its address.
    assert "<iframe" not in html
    assert f"https://{DOMAIN}" not in html
    assert not [src for src in frame_sources(html) if DOMAIN in src]
    assert video.room_name(meeting) not in html


def test_no_conference_without_a_provider_or_in_person(client, settings, jitsi, people, meeting):
    settings.JITSI_DOMAIN = ""
    assert "Visioconférence des membres" not in room_html(client, meeting, people.members[0].user)
    assert client.get(f"/seances/{meeting.pk}/visio/").status_code == 404
    settings.JITSI_DOMAIN = DOMAIN
    Meeting.objects.filter(pk=meeting.pk).update(mode=Meeting.Mode.IN_PERSON)
    meeting.refresh_from_db()
    assert "Visioconférence des membres" not in room_html(client, meeting, people.members[0].user)


@pytest.mark.parametrize("who", ["member", "substitute", "chair", "secretary"])
def test_the_council_is_sent_to_the_conference(client, jitsi, people, meeting, who):
    user = {
        "member": people.members[0].user,
        "substitute": people.substitutes[0].user,
        "chair": with_totp(people.chair.user),
        "secretary": with_totp(people.secretary.user),
    }[who]
    client.force_login(user)
    response = client.get(f"/seances/{meeting.pk}/visio/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.hostname) == ("https", DOMAIN)
    assert target.path == f"/{video.room_name(meeting)}"
    assert response["Cache-Control"] == "no-store"
    as_json = client.get(f"/seances/{meeting.pk}/visio/", HTTP_ACCEPT="application/json")
    assert as_json.json()["url"].startswith(f"https://{DOMAIN}/{video.room_name(meeting)}")


def test_residents_and_strangers_get_no_conference(client, jitsi, people, meeting):
    response = client.get(f"/seances/{meeting.pk}/visio/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(people.observer.user)
    assert client.get(f"/seances/{meeting.pk}/visio/").status_code == 403
    client.force_login(people.resident)
    response = client.get(f"/seances/{meeting.pk}/visio/")
    assert response.status_code == 403
    assert DOMAIN not in response.content.decode()
    assert video.room_name(meeting) not in response.content.decode()
    # Nor does the public live page name the room.
    html = client.get(f"/seances/{meeting.pk}/direct/").content.decode()
    assert "/visio/" not in html and video.room_name(meeting) not in html


def test_the_room_name_is_unguessable_and_stable(settings, jitsi, people, meeting):
    name = video.room_name(meeting)
    assert name == video.room_name(meeting)
    assert re.fullmatch(rf"conseil{meeting.pk}-[0-9a-f]{{24}}", name)
    other = actions.do_create_meeting(
        people.council,
        title="Autre séance",
        start=meeting.start,
        items=[],
        acting_user=people.secretary.user,
    )
    assert video.room_name(other) != name
    settings.SECRET_KEY = "another-secret-key-for-another-site-0123456789"
    assert video.room_name(meeting) != name


def test_another_provider_is_a_plain_link(client, jitsi, people, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(conference_url="https://visio.example.net/r/abc")
    meeting.refresh_from_db()
    html = room_html(client, meeting, people.members[0].user)
    assert "Ouvrir la visioconférence (visio.example.net)" in html
    assert "data-video-conference" not in html
    assert "visio.example.net/r/abc" not in html
    response = client.get(f"/seances/{meeting.pk}/visio/")
    assert response["Location"] == "https://visio.example.net/r/abc"


def test_a_closed_meeting_has_no_conference(client, jitsi, people, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CLOSED)
    client.force_login(people.members[0].user)
    assert client.get(f"/seances/{meeting.pk}/visio/").status_code == 403


# --- The member's token -------------------------------------------------------------------


def token_of(client, meeting, user) -> str:
    client.force_login(user)
    url = client.get(f"/seances/{meeting.pk}/visio/", HTTP_ACCEPT="application/json").json()["url"]
    parts = urlsplit(url)
    assert parts.path == f"/{video.room_name(meeting)}"
    return parse_qs(parts.query)["jwt"][0]


def verified(token: str) -> dict:
    return jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="jitsi",
        issuer="conseil-ouvert",
        options={"require": ["exp", "nbf", "iat", "aud", "iss", "sub", "room"]},
        leeway=datetime.timedelta(days=1),  # the meeting is an hour ahead: nbf is in future
    )


def test_each_member_gets_a_token_signed_for_the_room(client, settings, jitsi, people, meeting):
    settings.JITSI_APP_SECRET = SECRET
    member = people.members[0].user
    member.first_name, member.last_name = "Léa", "Dumont"
    member.save()
    claims = verified(token_of(client, meeting, member))
    assert claims["sub"] == DOMAIN
    assert claims["room"] == video.room_name(meeting)
    assert claims["context"]["user"] == {
        "id": str(member.pk),
        "name": "Léa Dumont",
        "email": member.email,
        "moderator": False,
        "affiliation": "member",
    }
    assert claims["moderator"] is False
    # Valid for the meeting's time: from half an hour before to half an hour after.
    start = meeting.start
    end = start + video.DEFAULT_LENGTH
    assert claims["nbf"] == int((start - video.EARLY).timestamp())
    assert claims["exp"] == int((end + video.LATE).timestamp())
    assert claims["nbf"] <= start.timestamp() < end.timestamp() <= claims["exp"]
    assert claims["exp"] - claims["nbf"] <= (video.DEFAULT_LENGTH + 2 * video.LATE).total_seconds()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token_of(client, meeting, member),
            "not-the-secret-of-the-jitsi-server-0123456789",
            algorithms=["HS256"],
            audience="jitsi",
        )


def test_only_the_chair_moderates(client, settings, jitsi, people, meeting):
    settings.JITSI_APP_SECRET = SECRET
    chair = verified(token_of(client, meeting, with_totp(people.chair.user)))
    assert chair["moderator"] is True
    assert chair["context"]["user"]["moderator"] is True
    assert chair["context"]["user"]["affiliation"] == "owner"
    secretary = verified(token_of(client, meeting, with_totp(people.secretary.user)))
    assert secretary["context"]["user"]["moderator"] is False


def test_the_token_follows_the_meeting_end_and_a_late_session(settings, jitsi, people, meeting):
    settings.JITSI_APP_SECRET = SECRET
    user = people.members[0].user
    end = meeting.start + datetime.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(end=end)
    meeting.refresh_from_db()
    now = meeting.start
    claims = verified(video.jitsi_token(meeting, user, now))
    assert claims["exp"] == int((end + video.LATE).timestamp())
    # A session still running after its planned end keeps its conference for an hour more.
    meeting.state = Meeting.State.IN_SESSION
    late = end + datetime.timedelta(hours=1)
    claims = verified(video.jitsi_token(meeting, user, late))
    assert claims["exp"] == int((late + video.OVERTIME).timestamp())
    # Yesterday's meeting: its token has expired.
    meeting.state = Meeting.State.CLOSED
    meeting.start = timezone.now() - datetime.timedelta(days=1)
    meeting.end = meeting.start + datetime.timedelta(hours=2)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(
            video.jitsi_token(meeting, user, meeting.start),
            SECRET,
            algorithms=["HS256"],
            audience="jitsi",
        )


# --- CSP and the livestream ---------------------------------------------------------------


def test_the_csp_frames_only_the_configured_video_hosts(client, settings, jitsi, people, meeting):
    settings.VIDEO_EMBED_DOMAINS = ["video.example.org"]
    policy = client.get(f"/seances/{meeting.pk}/direct/")["Content-Security-Policy"]
    frames = re.search(r"frame-src ([^;]*)", policy)
    assert frames is not None
    assert frames.group(1).split() == [f"https://{DOMAIN}", "https://video.example.org"]
    settings.JITSI_DOMAIN = ""
    settings.VIDEO_EMBED_DOMAINS = []
    policy = client.get(f"/seances/{meeting.pk}/direct/")["Content-Security-Policy"]
    assert "frame-src" not in policy  # default-src 'self' then rules frames


def test_the_livestream_loads_on_the_public_page_only_at_the_click(
    client, settings, jitsi, meeting
):
    settings.VIDEO_EMBED_DOMAINS = ["video.example.org"]
    player = "https://video.example.org/videos/embed/1234"
    Meeting.objects.filter(pk=meeting.pk).update(livestream_url=player)
    html = client.get(f"/seances/{meeting.pk}/direct/").content.decode()
    assert "Retransmission vidéo" in html
    assert "Regarder la vidéo (video.example.org)" in html
    assert f'data-video-embed="{player}"' in html
    assert "<iframe" not in html
    assert not [src for src in frame_sources(html) if "video.example.org" in src]
    # A host the CSP does not frame: a plain link, no embedding.
    Meeting.objects.filter(pk=meeting.pk).update(livestream_url="https://tube.example.net/w/1")
    html = client.get(f"/seances/{meeting.pk}/direct/").content.decode()
    assert 'href="https://tube.example.net/w/1"' in html
    assert "data-video-embed" not in html


# --- The recording, indexed by item -------------------------------------------------------


class Clock:
    def __init__(self, start: datetime.datetime) -> None:
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    def tick(self, seconds: int) -> None:
        self.now += datetime.timedelta(seconds=seconds)


T0 = datetime.datetime(2026, 3, 12, 19, 0, tzinfo=datetime.UTC)


@pytest.fixture
def recorded(people, meeting):
    """A session run on a clock: item 1 (5 min), item 2 with two speakers' turns and a
    third still speaking at the close, then item 3 private (with a turn not published)."""
    Meeting.objects.filter(pk=meeting.pk).update(start=T0)
    meeting.refresh_from_db()
    items = list(meeting.agenda_items.order_by("sort_order"))
    items[2].is_public = False
    items[2].save()
    chair = people.chair.user
    clock = Clock(T0)
    with mock.patch("django.utils.timezone.now", clock):
        actions.check_open_meeting(meeting, acting_user=chair)
        clock.tick(60)  # 19:01
        actions.check_open_item(items[0], acting_user=chair)
        clock.tick(300)  # 19:06
        actions.check_close_item(items[0], acting_user=chair)
        clock.tick(30)  # 19:06:30
        actions.check_open_item(items[1], acting_user=chair)
        first = actions.check_request_floor(items[1], acting_user=people.members[0].user)
        second = actions.check_request_floor(items[1], acting_user=people.members[1].user)
        clock.tick(20)
        actions.check_give_floor(items[1], first.pk, acting_user=chair)  # 19:06:50
        clock.tick(120)
        actions.check_end_speaker(items[1], first.pk, acting_user=chair)  # 19:08:50
        clock.tick(10)
        actions.check_give_floor(items[1], second.pk, acting_user=chair)  # 19:09:00
        clock.tick(90)
        actions.check_end_speaker(items[1], second.pk, acting_user=chair)  # 19:10:30
        clock.tick(30)
        actions.check_open_item(items[2], acting_user=chair)  # 19:11:00, closes item 2
        secret = actions.check_request_floor(items[2], acting_user=people.members[2].user)
        actions.check_give_floor(items[2], secret.pk, acting_user=chair)
        clock.tick(240)
        actions.check_close_meeting(meeting, acting_user=chair)  # 19:15:00
    meeting.refresh_from_db()
    return meeting, items


def test_the_session_record_gives_one_chapter_per_item_and_turn(people, recorded):
    meeting, _items = recorded
    chapters = video.session_chapters(meeting)
    assert [(c.kind, c.start - T0, c.end - T0) for c in chapters] == [
        ("item", datetime.timedelta(seconds=60), datetime.timedelta(seconds=360)),
        ("item", datetime.timedelta(seconds=390), datetime.timedelta(seconds=660)),
        ("speaker", datetime.timedelta(seconds=410), datetime.timedelta(seconds=530)),
        ("speaker", datetime.timedelta(seconds=540), datetime.timedelta(seconds=630)),
        ("item", datetime.timedelta(seconds=660), datetime.timedelta(seconds=900)),
    ]
    assert chapters[2].title == f"2. Intervention de {people.members[0].user}"
    # The private item shows its title alone: no speaker's name.
    assert str(people.members[2].user) not in " ".join(c.title for c in chapters)


def attach(client, meeting, user, url, started):
    client.force_login(with_totp(user))
    return client.post(
        f"/seances/{meeting.pk}/enregistrement/", {"url": url, "started_at": started}
    )


def test_the_secretariat_attaches_the_recording_and_the_vtt_is_served(client, people, recorded):
    meeting, items = recorded
    # 19:00:30 local (Europe/Brussels is UTC+1 in March): 30 s after the meeting opened.
    local = timezone.localtime(T0 + datetime.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%S")
    response = attach(
        client, meeting, people.secretary.user, "https://video.example.org/w/rec1", local
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.recording_url == "https://video.example.org/w/rec1"
    assert meeting.recording_started_at == T0 + datetime.timedelta(seconds=30)
    assert AuditEntry.objects.filter(meeting=meeting, action="recording_attached").exists()

    client.logout()
    response = client.get(f"/seances/{meeting.pk}/enregistrement/chapitres.vtt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    cues = webvtt.from_buffer(io.StringIO(response.content.decode())).captions
    # Three items discussed and two public turns; times from the start of the recording.
    assert len(cues) == 3 + 2
    assert [(c.start, c.end) for c in cues] == [
        ("00:00:30.000", "00:05:30.000"),
        ("00:06:00.000", "00:10:30.000"),
        ("00:06:20.000", "00:08:20.000"),
        ("00:08:30.000", "00:10:00.000"),
        ("00:10:30.000", "00:14:30.000"),
    ]
    assert cues[0].text == f"1. {items[0].title}"
    assert cues[2].text == f"2. Intervention de {people.members[0].user}"
    assert cues[4].text == f"3. {items[2].title}"


def test_chapters_before_the_recording_start_at_zero_or_are_left_out(people, recorded):
    meeting, _items = recorded
    actions_time = T0 + datetime.timedelta(seconds=400)  # during item 2, before the 1st turn
    video.check_attach_recording(
        meeting, "https://example.org/seance.webm", actions_time, acting_user=people.secretary.user
    )
    chapters = video.recording_chapters(meeting)
    assert [(c.kind, c.offset, c.end_offset) for c in chapters] == [
        ("item", 0, 260),
        ("speaker", 10, 130),
        ("speaker", 140, 230),
        ("item", 260, 500),
    ]
    index = video.recording_index(meeting)
    assert index is not None
    assert [row["url"] for row in index.items] == [
        "https://example.org/seance.webm#t=0",
        "https://example.org/seance.webm#t=260",
    ]


@pytest.mark.parametrize(
    ("url", "seconds", "expected"),
    [
        ("https://example.org/v.mp4", 75, "https://example.org/v.mp4#t=75"),
        ("https://tube.example.org/w/abc", 75, "https://tube.example.org/w/abc?start=75s"),
        (
            "https://tube.example.org/videos/watch/abc?x=1",
            5,
            "https://tube.example.org/videos/watch/abc?x=1&start=5s",
        ),
        (
            "https://www.youtube.com/watch?v=abc&t=3",
            75,
            "https://www.youtube.com/watch?v=abc&t=75s",
        ),
    ],
)
def test_a_moment_in_the_recording_uses_the_players_convention(url, seconds, expected):
    assert video.moment_url(url, seconds) == expected


def test_bad_recording_input_is_refused_in_the_page(client, people, recorded):
    meeting, _items = recorded
    response = attach(client, meeting, people.secretary.user, "pas une adresse", "")
    assert response.status_code == 400
    assert "Saisissez une URL valide." in response.content.decode()
    response = attach(client, meeting, people.secretary.user, "https://example.org/v.mp4", "")
    assert response.status_code == 400
    assert "Indiquez l'heure à laquelle" in unescape(response.content.decode())
    late = timezone.localtime(meeting.end + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = attach(client, meeting, people.secretary.user, "https://example.org/v.mp4", late)
    assert response.status_code == 400
    assert "après la fin de la séance" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.recording_url == ""


def test_only_the_secretariat_attaches_and_only_after_the_meeting(
    client, people, meeting, recorded
):
    meeting, _items = recorded
    for user in (people.members[0].user, people.resident):
        client.force_login(user)
        assert client.get(f"/seances/{meeting.pk}/enregistrement/").status_code == 403
        assert (
            attach(client, meeting, user, "https://e.org/v.mp4", "2026-03-12T20:00").status_code
            == 403
        )
    chair = attach(client, meeting, people.chair.user, "https://e.org/v.mp4", "2026-03-12T20:00")
    assert chair.status_code == 403
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.IN_SESSION)
    response = attach(
        client, meeting, people.secretary.user, "https://e.org/v.mp4", "2026-03-12T20:00"
    )
    assert response.status_code == 400
    assert "une fois la séance close" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.recording_url == ""


def test_no_chapters_without_a_recording(client, recorded):
    meeting, _items = recorded
    assert client.get(f"/seances/{meeting.pk}/enregistrement/chapitres.vtt").status_code == 404


def test_the_secretariat_console_links_to_the_recording_form(client, people, recorded):
    meeting, _items = recorded
    client.force_login(with_totp(people.secretary.user))
    html = client.get(f"/seances/{meeting.pk}/secretariat/").content.decode()
    assert f'href="/seances/{meeting.pk}/enregistrement/"' in html
    html = client.get(f"/seances/{meeting.pk}/enregistrement/").content.decode()
    assert 'name="started_at"' in html and 'type="datetime-local"' in html
