"""The deliberative process: meetings, agendas, attendance, proposals, ballots, decisions.

Nothing outside `deliberation.actions` saves these models; read them through
`deliberation.selectors`.

One module per topic; this package re-exports every model so that
`from deliberation.models import Meeting` works everywhere. Modules of the package import
each other by their own dotted path (`from deliberation.models.meetings import Meeting`).
"""

from deliberation.models.attendance import Attendance, Proxy
from deliberation.models.audit import AuditEntry
from deliberation.models.ballots import (
    Ballot,
    BallotParticipation,
    Choice,
    SeatVote,
    Vote,
    VoteChannel,
)
from deliberation.models.comments import Comment, CommentFlag
from deliberation.models.elections import Candidacy, Election
from deliberation.models.meetings import AgendaItem, Meeting
from deliberation.models.record import Decision, DecisionQuerySet, ImmutableError
from deliberation.models.residents import Consultation, Contribution, ContributionChannel
from deliberation.models.speakers import SpeakerRequest
from deliberation.models.texts import Amendment, Proposal, ProposalVersion

__all__ = [
    "AgendaItem",
    "Amendment",
    "Attendance",
    "AuditEntry",
    "Ballot",
    "BallotParticipation",
    "Candidacy",
    "Choice",
    "Comment",
    "CommentFlag",
    "Consultation",
    "Contribution",
    "ContributionChannel",
    "Decision",
    "DecisionQuerySet",
    "Election",
    "ImmutableError",
    "Meeting",
    "Proposal",
    "ProposalVersion",
    "Proxy",
    "SeatVote",
    "SpeakerRequest",
    "Vote",
    "VoteChannel",
]
