"""The recording indexed by item on the public side: the meeting page and the minutes link
each item to its moment; OParl lists the recording and its chapters."""

from __future__ import annotations

import datetime
from html import escape

import pytest
from django.test import Client

from cms.minutes import minutes
from deliberation import video
from deliberation.models import AuditEntry
from tests.cms.minutes.test_minutes import demo, held  # noqa: F401  (fixtures)
from tests.cms.oparl.test_oparl import validate

RECORDING = "https://video.example.org/w/seance-du-conseil"


@pytest.fixture
def recorded(held):  # noqa: F811
    meeting, _chair, secretary, _approval, _speaker = held
    opened = AuditEntry.objects.get(meeting=meeting, action="meeting_opened").created_at
    video.check_attach_recording(
        meeting, RECORDING, opened - datetime.timedelta(seconds=90), acting_user=secretary
    )
    meeting.refresh_from_db()
    return meeting, secretary


def test_meeting_page_and_minutes_link_each_item_to_its_moment(recorded):
    meeting, secretary = recorded
    index = video.recording_index(meeting)
    assert index is not None
    # The two items the session opened, each at its moment (90 s and more into the video).
    assert len(index.items) == 2
    assert all(row["seconds"] >= 90 for row in index.items)
    assert index.items[0]["url"] == f"{RECORDING}?start={index.items[0]['seconds']}s"
    page = minutes.check_generate_minutes(meeting, acting_user=secretary)
    page.save_revision().publish()
    client = Client()
    for url in (page.get_parent().url, page.url):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Enregistrement de la séance" in html
        assert f'href="{RECORDING}"' in html
        assert f"/seances/{meeting.pk}/enregistrement/chapitres.vtt" in html
        for row in index.items:
            assert f'<a href="{escape(row["url"])}">{escape(row["title"])}</a>' in html
            assert f'datetime="PT{row["seconds"]}S"' in html


def test_pages_without_a_recording_say_nothing_of_it(held):  # noqa: F811
    meeting = held[0]
    page = minutes.check_generate_minutes(meeting, acting_user=held[2])
    page.save_revision().publish()
    for url in (page.get_parent().url, page.url):
        assert "Enregistrement de la séance" not in Client().get(url).content.decode()


def test_oparl_meeting_lists_the_recording_and_its_chapters(recorded):
    meeting, _secretary = recorded
    data = Client().get(f"/oparl/v1.1/meeting/{meeting.pk}").json()
    validate(data, "Meeting")
    files = {f["id"].rsplit("#", 1)[1]: f for f in data["auxiliaryFile"]}
    assert files["enregistrement"]["accessUrl"] == RECORDING
    chapters = files["chapitres"]
    assert chapters["mimeType"] == "text/vtt"
    assert chapters["accessUrl"].endswith(f"/seances/{meeting.pk}/enregistrement/chapitres.vtt")
    assert chapters["masterFile"] == files["enregistrement"]["id"]
    response = Client().get(chapters["accessUrl"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response.content.decode().startswith("WEBVTT")


def test_the_minutes_pdf_lists_the_moments_too(recorded):
    from tests.cms.exports.test_pdf import pdf_text

    meeting, secretary = recorded
    page = minutes.check_generate_minutes(meeting, acting_user=secretary)
    page.save_revision().publish()
    response = Client().get(page.url + "pdf/")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "Enregistrement de la séance" in text
    for row in video.recording_index(meeting).items:
        assert f"{row['title']} ({row['clock']})" in text
