from __future__ import annotations

from cms.demo import seed_people
from council.models import Membership, Role
from deliberation.demo import seed_deliberation
from deliberation.election_demo import INSTALLATION_TITLE, seed_elections
from deliberation.models import AuditEntry, Decision, Election, Meeting


def test_the_installation_meeting_elects_the_demo_chair_and_vice_chair(db):
    council = seed_people()
    seed_elections(council)
    seed_deliberation(council)
    meetings = list(Meeting.objects.filter(council=council).order_by("start"))
    assert meetings[0].title == INSTALLATION_TITLE and meetings[0].state == "closed"
    assert [m.title for m in meetings].count(INSTALLATION_TITLE) == 1

    decisions = list(
        Decision.objects.filter(meeting=meetings[0], subject="election").order_by("pk")
    )
    assert [d.outcome for d in decisions] == ["runoff", "elected", "elected"]
    first, runoff, vice = decisions
    assert first.tally["blank"] == 1 and first.tally["majority"] == 5
    assert first.text_voted["elected"] == [] and len(first.text_voted["runoff"]) == 2
    assert runoff.text_voted["elected_names"] == ["Marie Lambert"]
    assert vice.text_voted["elected_names"] == ["Jean Dubois"]
    assert vice.tally["invalid"] == 1
    # A proposed candidacy, accepted by the person proposed.
    chair_election = Election.objects.get(agenda_item=first.agenda_item)
    proposed = chair_election.candidacies.get(proposed_by__isnull=False)
    assert proposed.consented_at is not None
    assert set(Election.objects.values_list("state", flat=True)) == {"decided"}

    # The demo logins keep their roles; the seats name the decision that gave them.
    chair = Membership.objects.current().get(council=council, role=Role.CHAIR)
    vice_chair = Membership.objects.current().get(council=council, role=Role.VICE_CHAIR)
    assert chair.user.email == "president@example.org"
    assert chair.start_decision == runoff.reference
    assert vice_chair.user.email == "membre1@example.org"
    assert vice_chair.start_decision == vice.reference
    # The archive's chain starts with the installation's decisions.
    assert Decision.objects.order_by("pk").first() == first

    counts = (Meeting.objects.count(), Decision.objects.count(), AuditEntry.objects.count())
    seed_elections(council)
    assert (Meeting.objects.count(), Decision.objects.count(), AuditEntry.objects.count()) == counts
