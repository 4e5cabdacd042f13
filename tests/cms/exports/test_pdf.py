import subprocess

import pytest
from django.test import Client

from deliberation.models import AgendaItem
from tests.cms.conftest import add_meeting

ITEMS = [
    ("Approbation du procès-verbal", AgendaItem.Kind.MINUTES_APPROVAL, "Séance de février."),
    ("Garder des guichets physiques", AgendaItem.Kind.DEBATE, "Trois guichets ouverts."),
    ("Maisons multiservices dans les villages", AgendaItem.Kind.DECISION, "Un EPN par village."),
    ("Budget des aidants numériques", AgendaItem.Kind.INFORMATION, "Deux postes."),
]


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def pdf_info(data: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture
def meeting_page(council, meeting_index):
    return add_meeting(council, meeting_index, 1, items=ITEMS)


def test_agenda_pack_pdf_holds_every_item_title(meeting_page):
    _meeting, page = meeting_page
    response = Client().get(page.url + "dossier-de-seance/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(pdf_text(response.content).split())
    for title, _kind, description in ITEMS:
        assert title in text
        assert description in text
    # Tagged for accessibility (a structure tree), with a document title.
    info = pdf_info(response.content)
    assert "Tagged:          yes" in info
    assert "Title:           Ordre du jour — Séance 1" in info


def test_agenda_pack_is_cached_until_the_meeting_changes(meeting_page, monkeypatch):
    from cms.exports import pdf
    from deliberation.actions import do_save_meeting

    renders = []
    real_render = pdf.render_agenda_pack

    def counting_render(page, request):
        renders.append(page.pk)
        return real_render(page, request)

    monkeypatch.setattr(pdf, "render_agenda_pack", counting_render)
    meeting, page = meeting_page
    client = Client()
    url = page.url + "dossier-de-seance/"
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(renders) == 1

    items = list(meeting.agenda_items.all())
    items[1].title = "Garder des guichets physiques et téléphoniques"
    meeting.agenda_items = items
    do_save_meeting(meeting, acting_user=None)
    changed = pdf_text(client.get(url).content)
    assert len(renders) == 2
    assert "téléphoniques" in " ".join(changed.split())


def test_closed_item_is_a_title_only_in_the_pack(council, meeting_index):
    from deliberation.actions import do_save_meeting

    meeting, page = add_meeting(council, meeting_index, 1, items=ITEMS)
    items = list(meeting.agenda_items.all())
    items[3].is_public = False
    meeting.agenda_items = items
    do_save_meeting(meeting, acting_user=None)
    text = " ".join(pdf_text(Client().get(page.url + "dossier-de-seance/").content).split())
    assert "Budget des aidants numériques" in text
    assert "Deux postes." not in text
