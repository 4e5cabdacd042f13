from __future__ import annotations

import datetime

from cms.demo import seed_people
from deliberation import selectors
from deliberation.demo import UPCOMING_TITLE, seed_deliberation
from deliberation.models import Amendment, AuditEntry, Decision, Meeting, Proxy


def test_seed_deliberation_builds_a_history_and_a_meeting_ready_to_run(db):
    council = seed_people()
    seed_deliberation(council)
    meetings = list(Meeting.objects.filter(council=council))
    assert [m.state for m in meetings] == ["closed", "closed", "closed", "convened"]
    # A past meeting ended on its evening, not when the demo was loaded.
    assert all(m.end - m.start == datetime.timedelta(hours=2, minutes=30) for m in meetings[:3])
    decisions = Decision.objects.filter(meeting__council=council)
    assert decisions.count() == 9
    assert set(decisions.values_list("outcome", flat=True)) == {"adopted", "rejected"}
    assert decisions.filter(secrecy="secret").count() == 1
    assert decisions.filter(subject="amendment", outcome="adopted").count() == 1

    upcoming = Meeting.objects.get(council=council, title=UPCOMING_TITLE)
    assert upcoming.mode == "hybrid"
    presence = selectors.presence(upcoming)
    statuses = [a.status for a in presence.attendance.values()]
    assert statuses.count("room") == 8 and presence.quorum.reached
    assert Proxy.objects.filter(meeting=upcoming).count() == 1
    item = selectors.agenda(upcoming)[2]
    (proposal,) = selectors.proposals_for(item)
    version = selectors.latest_version(proposal)
    assert len(version.paragraphs) == 5
    pending = Amendment.objects.filter(proposal=proposal, state="pending")
    assert pending.count() == 2
    assert all(a.paragraph_numbers == {2} for a in pending)

    # Idempotent: a second run adds nothing.
    counts = (Meeting.objects.count(), Decision.objects.count(), AuditEntry.objects.count())
    seed_deliberation(council)
    assert counts == (
        Meeting.objects.count(),
        Decision.objects.count(),
        AuditEntry.objects.count(),
    )
