"""Why an action would be refused right now: asked before a form is offered, and again by
the action before it writes.

Each `guard_*` is a pure read that answers None (the action may go ahead) or the refusal in
words. The `check_*`/`do_*` actions raise on that answer; the rooms ask the same guards to
decide which forms to offer, and print the answer where a form is missing. One home per
rule: a page cannot offer a form that a rule it did not ask would refuse.

Guards take the meeting's `Presence` (one reading of attendance, proxies and seats) where
they need it, so that a page asking about every member costs no query per member.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import rules
from django.utils.translation import gettext as _

from council.models import Membership
from deliberation import rules as deliberation_rules
from deliberation import selectors
from deliberation.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    Meeting,
    SpeakerRequest,
)

Refusal = str | None

# Whose vote a seat carries: a read (deliberation.selectors), named here too for the actions.
seat_owner = selectors.seat_owner


def guard_permission(user: Any, permission: str, obj: Any, message: str) -> Refusal:
    """A named permission of deliberation.rules (role and phase)."""
    return None if rules.has_perm(permission, user, obj) else message


def guard_comment(user: Any, target: Any) -> Refusal:
    """obj: the proposal or amendment commented on (or its item)."""
    return guard_permission(
        user,
        "deliberation.comment",
        target,
        _("Seuls les membres et le secrétariat commentent, tant que le point n'est pas clos."),
    )


def guard_comment_role(user: Any, meeting: Meeting) -> Refusal:
    """The part of guard_comment that depends on who one is, whatever the phase."""
    may = deliberation_rules.is_meeting_member | deliberation_rules.is_meeting_secretariat
    if may.test(user, meeting):
        return None
    return _("Seuls les membres et le secrétariat commentent, tant que le point n'est pas clos.")


def guard_may_request_floor(user: Any, item: Any) -> Refusal:
    return guard_permission(
        user,
        "deliberation.request_floor",
        item,
        _("Vous pouvez demander la parole sur le point en cours, en tant que membre."),
    )


def guard_may_give_proxy(user: Any, meeting: Meeting) -> Refusal:
    return guard_permission(
        user,
        "deliberation.give_proxy",
        meeting,
        _("Vous ne pouvez pas donner de procuration pour cette séance."),
    )


# --- Meeting and items ---------------------------------------------------------------------


def _open_ballot_in(meeting_id: int, known: bool | None, **lookup: Any) -> bool:
    """Whether a ballot is open (`known` when the page already read it)."""
    if known is not None:
        return known
    return Ballot.objects.filter(
        agenda_item__meeting_id=meeting_id, state=Ballot.State.OPEN, **lookup
    ).exists()


def guard_open_meeting(meeting: Meeting) -> Refusal:
    if meeting.state == Meeting.State.IN_SESSION:
        return _("La séance est déjà ouverte.")
    if meeting.state == Meeting.State.CLOSED:
        return _("Cette séance est close : elle ne peut pas être rouverte.")
    return None


def guard_close_meeting(meeting: Meeting, *, ballot_open: bool | None = None) -> Refusal:
    if meeting.state != Meeting.State.IN_SESSION:
        return _("La séance n'est pas en cours.")
    if _open_ballot_in(meeting.pk, ballot_open):
        return _("Un scrutin est encore ouvert : clôturez-le avant la séance.")
    return None


def guard_open_item(item: AgendaItem, *, ballot_open: bool | None = None) -> Refusal:
    if item.state == AgendaItem.State.OPEN:
        return _("Ce point est déjà en cours.")
    if _open_ballot_in(item.meeting_id, ballot_open):
        return _("Un scrutin est ouvert : clôturez-le avant de changer de point.")
    return None


def guard_close_item(item: AgendaItem, *, ballot_open: bool | None = None) -> Refusal:
    if _open_ballot_in(item.meeting_id, ballot_open, agenda_item=item):
        return _("Un scrutin est ouvert sur ce point : clôturez-le d'abord.")
    return None


# --- Attendance and proxies ----------------------------------------------------------------


def guard_attendance_status(meeting: Meeting, status: str) -> Refusal:
    if status == Attendance.Status.REMOTE and meeting.mode == Meeting.Mode.IN_PERSON:
        return _("Cette séance se tient en présentiel : pas de présence à distance.")
    if status == Attendance.Status.ROOM and meeting.mode == Meeting.Mode.ONLINE:
        return _("Cette séance se tient en ligne : pas de présence en salle.")
    return None


def guard_proxy_giver(giver: Membership, presence: selectors.Presence) -> Refusal:
    """May this member's vote be carried by another tonight?"""
    if not selectors.is_full_voting(giver):
        return _("Seul un membre ayant droit de vote peut donner procuration.")
    attendance = presence.attendance.get(giver.pk)
    if attendance is not None and attendance.is_present:
        return _("Un membre présent vote lui-même : pas de procuration.")
    if any(a.replaces_id == giver.pk for a in presence.attendance.values()):
        return _("Ce membre est remplacé par un·e suppléant·e.")
    if any(p.giver_id == giver.pk for p in presence.proxies):
        return _("Ce membre a déjà donné procuration pour cette séance.")
    return None


def guard_proxy_holder(holder: Membership, presence: selectors.Presence) -> Refusal:
    """May this member carry one more vote tonight?"""
    if not selectors.is_full_voting(holder):
        return _("La procuration se donne à un membre effectif ayant droit de vote.")
    attendance = presence.attendance.get(holder.pk)
    if attendance is not None and not attendance.is_present:
        return _("La procuration se donne à un membre présent.")
    if any(p.holder_id == holder.pk for p in presence.proxies):
        return _("Ce ou cette mandataire détient déjà une procuration.")
    return None


def proxy_givers(presence: selectors.Presence) -> list[Membership]:
    return [m for m in presence.memberships if guard_proxy_giver(m, presence) is None]


def proxy_holders(
    presence: selectors.Presence, *, giver: Membership | None = None
) -> list[Membership]:
    return [
        m
        for m in presence.memberships
        if guard_proxy_holder(m, presence) is None and (giver is None or m.pk != giver.pk)
    ]


def guard_own_proxy(giver: Membership | None, presence: selectors.Presence) -> Refusal:
    """Whether the members' room offers this member the form to give their own proxy."""
    if giver is None:
        return _("Seul un membre ayant droit de vote peut donner procuration.")
    refusal = guard_proxy_giver(giver, presence)
    if refusal is not None:
        return refusal
    if not proxy_holders(presence, giver=giver):
        return _("Aucun membre présent ne peut recevoir de procuration pour l'instant.")
    return None


# --- Speakers ------------------------------------------------------------------------------


def _on_the_list(item: AgendaItem, membership: Membership) -> bool:
    return SpeakerRequest.objects.filter(
        agenda_item=item,
        membership=membership,
        state__in=(SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING),
    ).exists()


def guard_request_floor(item: AgendaItem, membership: Membership) -> Refusal:
    if _on_the_list(item, membership):
        return _("Vous êtes déjà inscrit·e sur la liste des orateurs.")
    return None


def guard_add_speaker(item: AgendaItem, membership: Membership) -> Refusal:
    if _on_the_list(item, membership):
        return _("Ce membre est déjà inscrit sur la liste des orateurs.")
    return None


# --- Ballots -------------------------------------------------------------------------------


def guard_online_vote(ballot: Ballot, seat: selectors.Seat) -> Refusal:
    """Why this seat cannot vote online in this ballot (the room votes there)."""
    refusal = selectors.online_vote_refusal(ballot, seat)
    if refusal:
        return refusal
    if seat.in_room and not ballot.agenda_item.meeting.allows_remote:
        return _("Cette séance se tient en présentiel : votez en salle.")
    return None


def guard_already_voted(ballot: Ballot, owner: Membership) -> Refusal:
    if owner.pk in selectors.voted_seat_ids(ballot):
        return _("Ce vote a déjà été enregistré.")
    return None


def guard_room_vote_seat(ballot: Ballot, seat: selectors.Seat) -> Refusal:
    """Whether the secretariat may record this seat's vote as expressed in the room."""
    if ballot.is_secret or ballot.room_method != Ballot.RoomMethod.ROLL_CALL:
        return _("Ce scrutin ne se vote pas par appel nominal en salle.")
    if not seat.in_room:
        return _("Ce membre n'est pas présent en salle.")
    return None


def guard_close_ballot(ballot: Ballot, presence: selectors.Presence) -> Refusal:
    if ballot.state == Ballot.State.CLOSED:
        return _("Ce scrutin est déjà clos.")
    if (
        ballot.room_counts_totals
        and not ballot.room_totals_entered
        and any(s.in_room for s in presence.seats)
    ):
        if ballot.is_secret:
            return _("Saisissez d'abord les totaux des bulletins papier de la salle.")
        return _("Saisissez d'abord les totaux du vote à main levée de la salle.")
    return None


# --- Closing a ballot, previewed -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ClosePreview:
    """What closing an open ballot would record, stated to the chair before they confirm."""

    ballot: Ballot
    votes_cast: int
    voters: int  # votes that may be cast now (seats)
    quorum: selectors.Quorum
    totals: dict[str, int]
    outcome: str
    blocked: str  # why the close would be refused now, or ""

    @property
    def quorum_sentence(self) -> str:
        return selectors.quorum_sentence(self.quorum)

    @property
    def not_voted(self) -> int:
        return max(self.voters - self.votes_cast, 0)

    @property
    def outcome_label(self) -> str:
        return str(Decision.Outcome(self.outcome).label) if self.outcome else ""


def close_preview(ballot: Ballot, presence: selectors.Presence) -> ClosePreview:
    """The turnout, quorum and outcome a close would record (the same rules as the close)."""
    # A secret ballot's urn is opened by its close alone: counts watched while votes come in
    # would tell the chair each new vote. The preview states turnout and quorum only.
    totals = {} if ballot.is_secret else selectors.tally(ballot).totals
    return ClosePreview(
        ballot=ballot,
        votes_cast=selectors.votes_cast(ballot),
        voters=len(presence.seats),
        quorum=presence.quorum,
        totals=totals,
        outcome=selectors.outcome(ballot.rule, presence.quorum, totals) if totals else "",
        blocked=guard_close_ballot(ballot, presence) or "",
    )
