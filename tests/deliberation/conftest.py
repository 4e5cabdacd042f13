"""Fixtures for the deliberation tests: a council with its people, a meeting, and an event spy."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from council.models import Role
from deliberation import events
from tests.factories import make_membership, make_user


@contextlib.contextmanager
def capture_events(django_capture_on_commit_callbacks) -> Iterator[list[tuple[str, events.Event]]]:
    """Record every live event `events.publish(group, event)` made inside the block (those
    the pages are pushed; the others go to notifications and cms only).

    Callbacks registered on commit run at the end of the block, as a real commit would run
    them; the list holds (group, event) pairs in the order the actions published them.
    """
    sent: list[tuple[str, events.Event]] = []
    original = events.publish

    def spy(group: str, event: events.Event) -> None:
        if event.live:
            sent.append((group, event))
        original(group, event)

    events.publish = spy  # type: ignore[assignment]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            yield sent
    finally:
        events.publish = original  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # A council's cast is a dozen accounts per test; the production hasher's cost is
    # for attackers, not for fixtures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """`with capture() as sent:` — see capture_events."""

    def _capture():
        return capture_events(django_capture_on_commit_callbacks)

    return _capture


class People:
    """A council's cast: chair, vice-chair, secretary, full members, substitutes, resident."""

    def __init__(self, council, members: int = 6, substitutes: int = 2) -> None:
        self.council = council
        self.chair = make_membership(Role.CHAIR, council, make_user(first_name="Claire"))
        self.vice_chair = make_membership(Role.VICE_CHAIR, council, make_user(first_name="Victor"))
        self.secretary = make_membership(Role.SECRETARY, council, make_user(first_name="Sam"))
        self.members = [make_membership(Role.MEMBER, council) for _ in range(members)]
        self.substitutes = [make_membership(Role.SUBSTITUTE, council) for _ in range(substitutes)]
        self.observer = make_membership(Role.OBSERVER, council)
        self.resident = make_user()

    @property
    def voting(self):
        """Every membership with a vote of its own (chair, vice-chair, full members)."""
        return [self.chair, self.vice_chair, *self.members]


@pytest.fixture
def people(council):
    return People(council)


@pytest.fixture
def meeting(people):
    """A convened hybrid meeting with three agenda items, not yet in session."""
    from deliberation.actions import do_create_meeting

    return do_create_meeting(
        people.council,
        title="Séance de test",
        start=timezone.now() + datetime.timedelta(hours=1),
        place="Salle du conseil",
        items=[
            ("Approbation du procès-verbal", "minutes_approval"),
            ("Guichets et lignes téléphoniques", "decision"),
            ("Divers", "information"),
        ],
        acting_user=people.secretary.user,
    )


class Session:
    """A meeting in session on its decision item, with attendance recorded.

    Voting members: chair, vice-chair and members[0..3] in the room, members[4] at home,
    members[5] absent with a proxy to members[0]. 8 members with a vote, 7 present.
    """

    def __init__(self, people: People, meeting) -> None:
        from deliberation import actions

        self.people = people
        self.meeting = meeting
        sec = people.secretary.user
        room = [people.chair, people.vice_chair, *people.members[:4]]
        for m in room:
            actions.check_set_attendance(meeting, m.pk, "room", acting_user=sec)
        actions.check_set_attendance(meeting, people.members[4].pk, "remote", acting_user=sec)
        actions.check_set_attendance(meeting, people.members[5].pk, "absent", acting_user=sec)
        actions.check_give_proxy(
            meeting, people.members[5].pk, people.members[0].pk, acting_user=sec
        )
        actions.check_open_meeting(meeting, acting_user=people.chair.user)
        self.item = meeting.agenda_items.get(number=2)
        actions.check_open_item(self.item, acting_user=people.chair.user)
        meeting.refresh_from_db()
        self.item.refresh_from_db()
        self.proposal = actions.check_create_proposal(
            self.item,
            title="Recommandation sur les guichets",
            paragraphs=[
                "Le conseil recommande de maintenir les guichets physiques.",
                "Les lignes téléphoniques restent ouvertes du lundi au vendredi.",
                "Un bilan est présenté chaque année.",
            ],
            acting_user=people.members[1].user,
        )

    @property
    def chair(self):
        return self.people.chair.user

    @property
    def secretary(self):
        return self.people.secretary.user

    def version(self):
        from deliberation import selectors

        return selectors.latest_version(self.proposal)

    def open_ballot(self, **options):
        from deliberation import actions

        options.setdefault("subject", "procedural")
        if options["subject"] == "procedural":
            options.setdefault("question", "Faut-il reporter le point ?")
        return actions.check_open_ballot(self.item, acting_user=self.chair, **options)


@pytest.fixture
def session(people, meeting):
    return Session(people, meeting)
