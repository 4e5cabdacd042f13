"""No form is offered that will be refused: the role × phase × room-method matrix.

For each phase of a meeting (scheduled, item open, a ballot open with each way the room
votes, a ballot closed, the meeting closed), each role (from the anonymous visitor to the
chair) and each page of the meeting, the test reads the page as that person, fills every
form it offers (POST) with valid input — the first choice of each radio and select, some
text in each text field — and submits it. Each must succeed (a redirect, no error) and
change the meeting's state; the state is put back (savepoint) before the next form.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
from django.db import transaction
from django.utils import timezone

from council.models import Role
from deliberation import actions, live, models
from tests.deliberation.conftest import People
from tests.deliberation.web.test_views import with_totp
from tests.factories import make_membership, make_user

PAGES = {
    "live": "direct",
    "room": "salle",
    "chair": "presidence",
    "secretariat": "secretariat",
}
# Forms that leave the meeting rather than act in it.
NOT_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")

# --- Reading forms -------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    textareas: dict[str, str] = field(default_factory=dict)
    label: str = ""
    required: set[str] = field(default_factory=set)
    # The first named submit button: what a click on it sends.
    button: tuple[str, str] | None = None


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form.fields.append(a)
        elif tag == "select":
            self._select = a.get("name", "")
            if "required" in a:
                self._form.required.add(self._select)
            self._form.options.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self._form.options[self._select].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self._form.textareas[self._textarea] = ""
        elif tag == "button":
            self._button = True
            if a.get("name") and self._form.button is None:
                self._form.button = (a["name"], a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._form is None:
            return
        if self._textarea is not None:
            self._form.textareas[self._textarea] += data
        elif self._button:
            self._form.label += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button":
            self._button = False


def post_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def valid_input(form: Form) -> dict[str, str]:
    """What a person in a hurry would send: defaults kept, first choices, some text."""
    data: dict[str, str] = dict([form.button]) if form.button else {}
    for a in form.fields:
        name, kind = a.get("name", ""), a.get("type", "text")
        if not name:
            continue
        if kind == "radio":
            if name not in data or "checked" in a:
                data[name] = a.get("value", "")
        elif kind == "checkbox":
            if "checked" in a:
                data[name] = a.get("value", "on")
        elif kind == "hidden":
            data[name] = a.get("value", "")
        elif kind == "number":
            data[name] = a.get("value") or a.get("min") or "1"
        elif a.get("inputmode") == "decimal":
            data[name] = a.get("value") or "3"
        else:
            data[name] = a.get("value") or "Texte saisi pour l’essai."
    for name, options in form.options.items():
        if not options:
            continue
        chosen = [v for v, selected in options if selected]
        filled = [v for v, _selected in options if v]
        # An optional select keeps its blank first choice; a required one takes the first.
        required = name in form.required
        data[name] = (chosen or (filled if required else [v for v, _s in options]) or [""])[0]
    for name, text in form.textareas.items():
        data[name] = text.strip() or "Texte saisi pour l’essai."
    return data


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """The meeting's state, to tell whether a form changed it."""
    tables: tuple[Any, ...] = (
        models.Meeting,
        models.AgendaItem,
        models.Attendance,
        models.Proxy,
        models.Proposal,
        models.ProposalVersion,
        models.Amendment,
        models.Comment,
        models.SpeakerRequest,
        models.Ballot,
        models.Vote,
        models.BallotParticipation,
        models.Decision,
    )
    return {t.__name__: list(t.objects.order_by("pk").values()) for t in tables}


# --- The cast and the phases ---------------------------------------------------------------


class Cast:
    """Who is who in the meeting. In the room: chair, vice-chair, members 0–2 (member 0
    holds member 5's proxy); at home: member 4; excused: member 3; absent with a proxy:
    member 5. In an online meeting, everyone present is at home; in an in-person one,
    everyone present is in the room."""

    def __init__(self, people: People, meeting: models.Meeting, mode: str) -> None:
        self.people = people
        self.meeting = meeting
        self.mediator = make_membership(Role.MEDIATOR, people.council, make_user()).user
        for user in (people.chair.user, people.vice_chair.user, people.secretary.user):
            with_totp(user)
        sec = people.secretary.user
        here = "remote" if mode == "online" else "room"
        away = "room" if mode == "in_person" else "remote"
        for m in (people.chair, people.vice_chair, *people.members[:3]):
            actions.check_set_attendance(meeting, m.pk, here, acting_user=sec)
        actions.check_set_attendance(meeting, people.members[3].pk, "excused", acting_user=sec)
        actions.check_set_attendance(meeting, people.members[4].pk, away, acting_user=sec)
        actions.check_set_attendance(meeting, people.members[5].pk, "absent", acting_user=sec)
        actions.check_give_proxy(
            meeting, people.members[5].pk, people.members[0].pk, acting_user=sec
        )

    def roles(self) -> dict[str, Any]:
        p = self.people
        return {
            "anonymous": None,
            "resident": p.resident,
            "member_present": p.members[1].user,
            "member_remote": p.members[4].user,
            "proxy_holder": p.members[0].user,
            "proxy_giver": p.members[5].user,
            "member_excused": p.members[3].user,
            "substitute": p.substitutes[0].user,
            "observer": p.observer.user,
            "mediator": self.mediator,
            "chair": p.chair.user,
            "secretariat": p.secretary.user,
        }


def _in_session(cast: Cast) -> models.AgendaItem:
    people, meeting = cast.people, cast.meeting
    chair = people.chair.user
    actions.check_open_meeting(meeting, acting_user=chair)
    item = meeting.agenda_items.get(number=2)
    actions.check_open_item(item, acting_user=chair)
    item.refresh_from_db()
    proposal = actions.check_create_proposal(
        item,
        title="Recommandation sur les guichets",
        paragraphs=["Maintenir les guichets.", "Ouvrir les lignes.", "Un bilan chaque année."],
        acting_user=people.members[2].user,
    )
    version = proposal.versions.get()
    for author in (people.members[1].user, people.members[4].user, people.members[0].user):
        actions.check_propose_amendment(
            proposal,
            base_version_id=version.pk,
            operations=[{"op": "replace", "paragraph": 3, "text": f"Un bilan par {author.pk}."}],
            acting_user=author,
        )
    actions.check_add_comment(proposal, "Pourquoi pas ?", acting_user=people.members[2].user)
    actions.check_request_floor(item, acting_user=people.members[2].user)
    return item


def _ballot(cast: Cast, **options: Any) -> models.Ballot:
    item = _in_session(cast)
    options.setdefault("secrecy", "open")
    return actions.check_open_ballot(
        item,
        subject="procedural",
        question="Faut-il reporter le point ?",
        rule="simple",
        acting_user=cast.people.chair.user,
        **options,
    )


def phase_scheduled(cast: Cast) -> None:
    pass


def phase_item_open(cast: Cast) -> None:
    _in_session(cast)


def phase_ballot_online(cast: Cast) -> None:
    _ballot(cast)


def phase_ballot_roll_call(cast: Cast) -> None:
    _ballot(cast, room_method="roll_call")


def phase_ballot_show_of_hands(cast: Cast) -> None:
    _ballot(cast, room_method="show_of_hands")


def phase_ballot_secret_paper(cast: Cast) -> None:
    _ballot(cast, secrecy="secret", room_method="paper")


def phase_ballot_closed(cast: Cast) -> None:
    ballot = _ballot(cast, room_method="roll_call")
    actions.check_cast_vote(ballot.pk, "yes", acting_user=cast.people.members[4].user)
    actions.check_close_ballot(ballot.pk, acting_user=cast.people.chair.user)


def phase_meeting_closed(cast: Cast) -> None:
    _in_session(cast)
    actions.check_close_meeting(cast.meeting, acting_user=cast.people.chair.user)


# (phase, meeting mode)
PHASES = {
    "scheduled": (phase_scheduled, "hybrid"),
    "item_open": (phase_item_open, "hybrid"),
    "ballot_online_meeting": (phase_ballot_online, "online"),
    "ballot_roll_call": (phase_ballot_roll_call, "hybrid"),
    "ballot_show_of_hands": (phase_ballot_show_of_hands, "hybrid"),
    "ballot_in_person_roll_call": (phase_ballot_roll_call, "in_person"),
    "ballot_secret_paper": (phase_ballot_secret_paper, "hybrid"),
    "ballot_closed": (phase_ballot_closed, "hybrid"),
    "meeting_closed": (phase_meeting_closed, "hybrid"),
}


# --- The walk ------------------------------------------------------------------------------

FIGURES: Counter[str] = Counter()


def _error_in(html: str) -> str:
    """The error summary's messages, or "" when the page shows none."""
    if "error-summary" not in html:
        return ""
    summary = html[html.index("error-summary") :]
    summary = summary[: summary.index("</ul>")]
    return (
        " / ".join(
            " ".join(re.sub(r"<[^>]+>", "", item).split()) for item in summary.split("<li>")[1:]
        )
        or "error"
    )


def walk(client: Any, cast: Cast, phase: str) -> list[str]:
    """Every offered form submitted, as every role on every page; the refusals found."""
    refused = []
    for role, user in cast.roles().items():
        for page, slug in PAGES.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            path = f"/seances/{cast.meeting.pk}/{slug}/"
            FIGURES["cells"] += 1
            response = client.get(path)
            if response.status_code != 200:
                continue
            for form in post_forms(response.content.decode()):
                target = urljoin(path, form.action or path)
                if target.split("?")[0].endswith(NOT_ACTIONS):
                    continue
                FIGURES["offered"] += 1
                data = valid_input(form)
                before = snapshot()
                savepoint = transaction.savepoint()
                try:
                    answer = client.post(target, data)
                    after = snapshot()
                finally:
                    transaction.savepoint_rollback(savepoint)
                html = answer.content.decode() if answer.status_code != 302 else ""
                problem = ""
                if answer.status_code not in (200, 302) or _error_in(html):
                    problem = f"{answer.status_code} {_error_in(html)}"
                elif after == before:
                    problem = "accepted but nothing changed"
                if problem:
                    refused.append(f"{phase} | {role} | {page} | {form.label} | {problem}")
    return refused


@pytest.mark.timeout(900)
@pytest.mark.parametrize("phase", list(PHASES))
def test_every_offered_form_is_accepted(client, council, phase):
    build, mode = PHASES[phase]
    people = People(council)
    meeting = actions.do_create_meeting(
        council,
        title="Séance de la matrice",
        start=timezone.now() + datetime.timedelta(hours=1),
        place="Salle du conseil",
        mode=mode,
        items=[
            ("Approbation du procès-verbal", "minutes_approval"),
            ("Guichets et lignes téléphoniques", "decision"),
            ("Divers", "information"),
        ],
        acting_user=people.secretary.user,
    )
    cast = Cast(people, meeting, mode)
    build(cast)
    refused = walk(client, cast, phase)
    report = os.environ.get("FORM_OFFERS_REPORT")
    if report:
        with open(report, "a") as out:
            out.write(f"# {phase}: cells {FIGURES['cells']} offered {FIGURES['offered']}\n")
            out.writelines(f"{line}\n" for line in refused)
    print(f"\n{phase}: {FIGURES['cells']} cells, {FIGURES['offered']} forms offered so far")
    assert not refused, "\n".join(refused)


# --- What the page says where it offers no form --------------------------------------------


def _page(client, user, meeting, slug: str) -> str:
    client.force_login(user)
    return client.get(f"/seances/{meeting.pk}/{slug}/").content.decode()


def _cast(council, mode: str = "hybrid") -> Cast:
    people = People(council)
    meeting = actions.do_create_meeting(
        council,
        title="Séance",
        start=timezone.now() + datetime.timedelta(hours=1),
        mode=mode,
        items=[("Premier point", "decision"), ("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    return Cast(people, meeting, mode)


def test_a_member_in_the_room_of_an_in_person_meeting_is_told_to_vote_there(client, council):
    cast = _cast(council, "in_person")
    phase_ballot_roll_call(cast)
    page = _page(client, cast.people.members[1].user, cast.meeting, "salle")
    assert 'action="?do=voter"' not in page
    assert "Cette séance se tient en présentiel : votez en salle." in page


def test_a_member_in_the_room_under_a_show_of_hands_is_told_how_they_vote(client, council):
    cast = _cast(council)
    phase_ballot_show_of_hands(cast)
    page = _page(client, cast.people.members[1].user, cast.meeting, "salle")
    assert 'action="?do=voter"' not in page
    assert "Vous êtes en salle : ce scrutin s&#x27;y vote à main levée." in page
    # At home, the same ballot is voted online.
    page = _page(client, cast.people.members[4].user, cast.meeting, "salle")
    assert 'action="?do=voter"' in page


def test_an_observer_follows_without_comment_forms_and_is_told_why(client, council):
    cast = _cast(council)
    phase_item_open(cast)
    page = _page(client, cast.people.observer.user, cast.meeting, "salle")
    for action in ("commenter", "amender", "repondre", "parole", "procuration"):
        assert f'action="?do={action}"' not in page
    reason = (
        "Seuls les membres et le secrétariat commentent, tant que le point n&#x27;est pas clos."
    )
    assert reason in page
    # The script replaces the comment forms of pushed fragments with the same reason.
    assert f'data-comment-refusal="{reason}"' in page
    member = _page(client, cast.people.members[1].user, cast.meeting, "salle")
    assert 'action="?do=repondre"' in member
    assert "data-comment-refusal" not in member


def test_a_member_waiting_for_the_floor_is_not_offered_to_ask_again(client, council):
    cast = _cast(council)
    phase_item_open(cast)  # member 2 has asked for the floor
    page = _page(client, cast.people.members[2].user, cast.meeting, "salle")
    assert 'action="?do=parole"' not in page
    assert "Vous êtes déjà inscrit·e sur la liste des orateurs." in page
    other = _page(client, cast.people.members[1].user, cast.meeting, "salle")
    assert 'action="?do=parole"' in other


def test_the_proxy_form_offers_only_members_who_may_carry_one(client, council):
    cast = _cast(council)
    people = cast.people
    page = _page(client, people.members[3].user, cast.meeting, "salle")  # excused
    start = page.index('name="holder"')
    holders = page[start : page.index("</select>", start)]
    # Member 0 carries member 5's vote already; member 4 and the chair are present.
    assert str(people.members[0].user) not in holders
    assert str(people.members[4].user) in holders
    present = _page(client, people.members[1].user, cast.meeting, "salle")
    assert 'action="?do=procuration"' not in present
    assert "Un membre présent vote lui-même : pas de procuration." in present


def test_the_chair_is_told_to_wait_for_the_room_totals_before_closing(client, council):
    cast = _cast(council)
    phase_ballot_show_of_hands(cast)
    page = _page(client, cast.people.chair.user, cast.meeting, "presidence")
    assert 'action="?do=scrutin-clore"' not in page
    assert "Saisissez d&#x27;abord les totaux du vote à main levée de la salle." in page
    assert 'action="?do=seance-clore"' not in page
    assert "Un scrutin est encore ouvert : clôturez-le avant la séance." in page


def test_the_floor_queue_changing_refreshes_each_members_own_participation(council, capture):
    cast = _cast(council)
    phase_item_open(cast)
    item = cast.meeting.agenda_items.get(number=2)
    member = cast.people.members[1]
    with capture() as sent:
        actions.check_request_floor(item, acting_user=member.user)
    event = next(e for _group, e in sent if e.type == "deliberation.speakers_changed")
    rendered = live.render_users_affected(cast.meeting.pk, event)
    fragment_id = live.user_fragment_id("my-participation", cast.meeting.pk)
    mine = rendered[member.user_id][fragment_id]
    assert "Vous êtes déjà inscrit·e sur la liste des orateurs." in mine
    assert 'action="?do=parole"' not in mine
    assert 'action="?do=parole"' in rendered[cast.people.members[4].user_id][fragment_id]
    # Only that fragment: the ballot papers and amendments did not change.
    assert list(rendered[member.user_id]) == [fragment_id]
