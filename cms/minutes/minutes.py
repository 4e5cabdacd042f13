"""Minutes (procès-verbal): the draft written from a meeting's record, and its approval.

`check_generate_minutes` → `do_generate_minutes` write a draft MinutesPage under the
meeting's page: the secretariat edits it and submits it to the chair's workflow like any
page. When a ballot on an agenda item of kind "approval of minutes" closes adopted,
`approve_minutes_for_decision` (subscribed to deliberation's DecisionRecorded event, so
run once the ballot's transaction has committed) records which minutes the council approved.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.minutes.publishing import ensure_meeting_page
from cms.models.minutes import MinutesApproval, MinutesPage
from cms.translation import alias_in_other_trees
from deliberation import chain, election_record, timekeeping
from deliberation import selectors as deliberation_selectors
from deliberation.actions import ActionError
from deliberation.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Ballot,
    Decision,
    Meeting,
    Proposal,
    SpeakerRequest,
)
from deliberation.rules import is_meeting_staff


@rules.predicate
def meeting_is_over(user, meeting) -> bool:
    return isinstance(meeting, Meeting) and meeting.state == Meeting.State.CLOSED


rules.add_perm("cms.generate_minutes", is_meeting_staff & meeting_is_over)


def _heading(text: str, level: str = "h2") -> tuple[str, dict[str, str]]:
    return ("heading", {"text": text[:120], "level": level})


def _paragraph(html: str) -> tuple[str, str]:
    return ("paragraph", html)


def _names(people: list[str]) -> str:
    return ", ".join(people) if people else _("personne")


def _list(lines: list[str]) -> tuple[str, str]:
    return _paragraph(
        format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines)))
    )


def _attendance_blocks(meeting: Meeting, presence: deliberation_selectors.Presence) -> list[Any]:
    by_status: dict[str, list[str]] = defaultdict(list)
    substitutions: list[str] = []
    for membership in presence.memberships:
        attendance = presence.attendance.get(membership.pk)
        if attendance is None:
            if deliberation_selectors.is_full_voting(membership):
                by_status[Attendance.Status.ABSENT].append(str(membership.user))
            continue
        by_status[attendance.status].append(str(membership.user))
        if attendance.replaces_id and attendance.is_present and attendance.replaces is not None:
            substitutions.append(
                _("%(substitute)s remplace %(member)s")
                % {"substitute": membership.user, "member": attendance.replaces.user}
            )
    lines = [
        f"{label} : {_names(by_status[status])}"
        for status, label in (
            (Attendance.Status.ROOM, _("Présent·es en salle")),
            (Attendance.Status.REMOTE, _("Présent·es à distance")),
            (Attendance.Status.EXCUSED, _("Excusé·es")),
            (Attendance.Status.ABSENT, _("Absent·es")),
        )
    ]
    lines.append(_("Suppléances : %(list)s") % {"list": _names(substitutions)})
    proxies = [
        _("%(giver)s a donné procuration à %(holder)s")
        % {"giver": p.giver.user, "holder": p.holder.user}
        for p in presence.proxies
    ]
    lines.append(_("Procurations : %(list)s") % {"list": _names(proxies)})
    quorum = presence.quorum
    if quorum.second_convocation:
        quorum_text = _("Séance sur seconde convocation : le conseil délibère sans quorum.")
    else:
        quorum_text = _(
            "%(present)s membres présent·es sur %(total)s avec voix délibérative ; quorum de "
            "%(required)s : %(state)s."
        ) % {
            "present": quorum.present,
            "total": quorum.members_with_vote,
            "required": quorum.required,
            "state": _("atteint") if quorum.reached else _("non atteint"),
        }
    return [
        _heading(_("Présences")),
        _list(lines),
        _heading(_("Quorum")),
        _paragraph(format_html("<p>{}</p>", quorum_text)),
    ]


def _ballot_line(ballot: Ballot, decision: Decision | None) -> str:
    if decision is None:
        return _("%(question)s — scrutin non clos") % {"question": ballot.question}
    if election_record.is_election(decision):
        return _(
            "%(question)s (%(secrecy)s) : %(summary)s — %(outcome)s, décision n° %(reference)s"
        ) % {
            "question": decision.question,
            "secrecy": decision.get_secrecy_display(),
            "summary": election_record.election_summary(decision),
            "outcome": decision.get_outcome_display(),
            "reference": decision.reference,
        }
    totals = (decision.tally or {}).get("total", {})
    return _(
        "%(question)s (%(rule)s, %(secrecy)s) : %(yes)s pour, %(no)s contre, %(abstain)s "
        "abstentions — %(outcome)s, décision n° %(reference)s"
    ) % {
        "question": decision.question,
        "rule": decision.get_rule_display(),
        "secrecy": decision.get_secrecy_display(),
        "yes": totals.get("yes", 0),
        "no": totals.get("no", 0),
        "abstain": totals.get("abstain", 0),
        "outcome": decision.get_outcome_display(),
        "reference": decision.reference,
    }


def _speaker_line(turn: SpeakerRequest) -> str:
    """ "Alice Dupont (motion d'ordre, 1 min 05 s)": who spoke, how, and for how long."""
    details = []
    if turn.kind != SpeakerRequest.Kind.SPEECH:
        details.append(turn.get_kind_display())
    if turn.spoken_seconds is not None:
        details.append(timekeeping.duration(turn.spoken_seconds))
    name = str(turn.membership.user)
    return f"{name} ({', '.join(details)})" if details else name


def _item_blocks(meeting: Meeting) -> list[Any]:
    items = deliberation_selectors.agenda(meeting)
    speakers: dict[int, list[str]] = defaultdict(list)
    for turn in (
        SpeakerRequest.objects.filter(
            agenda_item__meeting=meeting,
            state__in=[SpeakerRequest.State.DONE, SpeakerRequest.State.SPEAKING],
        )
        .select_related("membership__user")
        .order_by("started_at", "requested_at", "pk")
    ):
        speakers[turn.agenda_item_id].append(_speaker_line(turn))
    proposals: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in Proposal.objects.filter(agenda_item__meeting=meeting).order_by("created", "pk"):
        proposals[proposal.agenda_item_id].append(proposal)
    amendments: dict[int, list[Amendment]] = defaultdict(list)
    for amendment in (
        Amendment.objects.filter(proposal__agenda_item__meeting=meeting)
        .select_related("author", "proposal")
        .order_by("proposal_id", "number")
    ):
        amendments[amendment.proposal.agenda_item_id].append(amendment)
    ballots: dict[int, list[Ballot]] = defaultdict(list)
    for ballot in (
        Ballot.objects.filter(agenda_item__meeting=meeting)
        .exclude(state=Ballot.State.DRAFT)
        .select_related("decision")
        .order_by("created_at", "pk")
    ):
        ballots[ballot.agenda_item_id].append(ballot)

    blocks: list[Any] = [_heading(_("Ordre du jour et débats"))]
    for item in items:
        blocks.append(_heading(f"{item.display_number}. {item.title}", "h3"))
        if not item.is_public:
            blocks.append(
                _paragraph(
                    format_html(
                        "<p>{}</p>", _("Point traité à huis clos : seul son titre est public.")
                    )
                )
            )
            continue
        lines = [
            _("Nature du point : %(kind)s") % {"kind": item.get_kind_display()},
            _("Intervenant·es : %(list)s") % {"list": _names(speakers[item.pk])},
        ]
        for proposal in proposals[item.pk]:
            lines.append(
                _("Proposition « %(title)s » : %(state)s")
                % {"title": proposal.title, "state": proposal.get_state_display()}
            )
        for amendment in amendments[item.pk]:
            lines.append(
                _("Amendement %(number)s à « %(proposal)s », déposé par %(author)s : %(state)s")
                % {
                    "number": amendment.number,
                    "proposal": amendment.proposal.title,
                    "author": amendment.author,
                    "state": amendment.get_state_display(),
                }
            )
        for ballot in ballots[item.pk]:
            decision = getattr(ballot, "decision", None)
            lines.append(_("Vote : %(line)s") % {"line": _ballot_line(ballot, decision)})
        blocks.append(_list(lines))
    return blocks


def minutes_body(meeting: Meeting, head: tuple[int, str]) -> list[Any]:
    """The draft's text, from the meeting's record, as the page's StreamField blocks."""
    presence = deliberation_selectors.presence(meeting)
    blocks = _attendance_blocks(meeting, presence)
    blocks += _item_blocks(meeting)
    decisions = list(
        deliberation_selectors.public_decisions().filter(meeting=meeting).order_by("position")
    )
    blocks.append(_heading(_("Décisions")))
    blocks.append(
        _list(
            [
                _("Décision n° %(reference)s : %(question)s — %(outcome)s")
                % {
                    "reference": d.reference,
                    "question": d.question,
                    "outcome": d.get_outcome_display(),
                }
                for d in decisions
            ]
            or [_("Aucune décision.")]
        )
    )
    blocks.append(_heading(_("Intégrité des décisions")))
    blocks.append(
        _paragraph(
            format_html(
                "<p>{}</p>",
                _(
                    "À la rédaction de ce procès-verbal, la chaîne des décisions en compte "
                    "%(count)s ; son empreinte de tête (SHA-256) est %(hash)s."
                )
                % {"count": head[0], "hash": head[1]},
            )
        )
    )
    return blocks


def minutes_for(meeting: Meeting):

    return MinutesPage.objects.filter(meeting=meeting, locale=Locale.get_default()).first()


@transaction.atomic
def do_generate_minutes(meeting: Meeting, *, acting_user):
    """Write the draft minutes of a meeting under its page (a draft, never published here)."""

    meeting_page = ensure_meeting_page(meeting, user=acting_user)
    if meeting_page is None:
        raise ActionError(_("Créez d'abord la liste des séances du site."))
    head = chain.head()
    page = MinutesPage(
        title=_("Procès-verbal — %(title)s") % {"title": meeting.title},
        slug=slugify(_("proces-verbal")) or "proces-verbal",
        meeting=meeting,
        intro=_("Procès-verbal de la séance du %(date)s.")
        % {"date": timezone.localtime(meeting.start).strftime("%d/%m/%Y")},
        body=minutes_body(meeting, head),
        head_position=head[0],
        head_hash=head[1],
        generated_at=timezone.now(),
        live=False,
    )
    meeting_page.add_child(instance=page)
    page.save_revision(user=acting_user, log_action=True)
    alias_in_other_trees(page)
    return page


def check_generate_minutes(meeting: Meeting, *, acting_user):
    if not rules.has_perm("cms.generate_minutes", acting_user, meeting):
        if meeting.state != Meeting.State.CLOSED:
            raise ActionError(_("Le procès-verbal se rédige une fois la séance close."))
        raise ActionError(
            _("Seuls la présidence et le secrétariat de ce conseil rédigent le procès-verbal.")
        )
    if minutes_for(meeting) is not None:
        raise ActionError(
            _("Le procès-verbal de cette séance existe déjà : modifiez-le dans ses pages.")
        )
    return do_generate_minutes(meeting, acting_user=acting_user)


# --- Approval by the council ---------------------------------------------------------------


def minutes_approved_by(decision: Decision):
    """The minutes an adopted decision on an "approval of minutes" item approves: those of
    the council's latest earlier meeting, if they exist and are not yet approved."""

    item = decision.agenda_item
    if (
        item.kind != AgendaItem.Kind.MINUTES_APPROVAL
        or decision.outcome != Decision.Outcome.ADOPTED
    ):
        return None
    meeting = decision.meeting
    previous = (
        Meeting.objects.filter(
            council_id=meeting.council_id, start__lt=meeting.start, state=Meeting.State.CLOSED
        )
        .order_by("-start", "-pk")
        .first()
    )
    if previous is None:
        return None
    return MinutesPage.objects.filter(
        meeting=previous, locale=Locale.get_default(), approval__isnull=True
    ).first()


def do_approve_minutes(minutes, decision: Decision):

    return MinutesApproval.objects.create(
        minutes=minutes,
        decision=decision,
        approved_on=timezone.localdate(decision.closed_at),
    )


def approve_minutes_for_decision(group: str | None, event: Any) -> None:
    """Subscriber of deliberation's DecisionRecorded event (CmsConfig.ready)."""
    approve_minutes_of(Decision.objects.get(pk=event.decision_id))


def approve_minutes_of(decision: Decision) -> None:
    minutes = minutes_approved_by(decision)
    if minutes is not None:
        do_approve_minutes(minutes, decision)
