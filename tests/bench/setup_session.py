"""Prepare a benchmark database: the demo, plus a meeting in session with an open ballot.

Prints {"meeting": id, "ballot": id} as JSON. Run with the benchmark's environment.
`--session-only` skips the migration and the demo, for a database that has them already
(the production topology's).
"""

import argparse
import json
import os
import sys

import django


def open_session(
    title: str = "Séance de mesure de charge",
    question: str = "Diffuser les séances par téléphone ?",
) -> dict[str, int]:
    """A meeting of the demo council in session, every member attending, one ballot open."""
    from django.utils import timezone

    from council.models import Council, Membership, Role, User
    from deliberation import actions
    from deliberation.models import Attendance, Ballot

    council = Council.objects.get(slug="numerique")
    secretariat = User.objects.get(email="secretariat@example.org")
    meeting = actions.do_create_meeting(
        council,
        title=title,
        start=timezone.now(),
        place="Salle du conseil",
        items=[("Mesure de la diffusion en direct", "decision")],
        acting_user=secretariat,
    )
    for membership in Membership.objects.current().filter(
        council=council, role__in=[Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER]
    ):
        actions.do_set_attendance(
            meeting, membership, Attendance.Status.REMOTE, acting_user=secretariat
        )
    actions.do_open_meeting(meeting, acting_user=secretariat)
    item = meeting.agenda_items.get()
    actions.do_open_item(item, acting_user=secretariat)
    ballot = actions.do_open_ballot(
        item,
        subject=Ballot.Subject.PROCEDURAL,
        question=question,
        acting_user=secretariat,
    )
    return {"meeting": meeting.pk, "ballot": ballot.pk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--session-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    django.setup()
    if not args.session_only:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    json.dump(open_session(), sys.stdout)


if __name__ == "__main__":
    main()
