"""What the actions tell people once committed: notifications and e-mails.

Subscribers of deliberation.events (registered in DeliberationConfig.ready): each reads what
it needs afresh after the commit, so that nothing here runs inside an action's transaction
and a failure here (a mail server away, a gateway down) cannot undo what was recorded.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from council.models import User
from council.notifications.models import Notice
from council.notifications.service import notify, notify_member_activity
from council.selectors import member_name
from deliberation import events
from deliberation.actions.common import audit
from deliberation.models import (
    Amendment,
    AuditEntry,
    Ballot,
    Choice,
    Consultation,
    Decision,
    Meeting,
    Proposal,
)
from deliberation.selectors import open_votes


def notify_meeting(group: str | None, event: events.MeetingSaved) -> None:
    """Tell subscribers (council.notifications) a meeting was convened or its agenda changed."""
    meeting = Meeting.objects.filter(pk=event.meeting_id).first()
    if meeting is not None and meeting.state == Meeting.State.CONVENED:
        convened = event.previous_state == Meeting.State.CONVENED
        when = timezone.localtime(meeting.start).strftime("%d/%m/%Y %H:%M")
        notify(
            Notice.AGENDA_CHANGED if convened else Notice.MEETING_CONVENED,
            meeting,
            url=reverse("deliberation:live", kwargs={"meeting_id": meeting.pk}),
            title=f"{meeting.title}, {when}",
        )


def notify_decision(group: str | None, event: events.DecisionRecorded) -> None:
    """Tell subscribers of the decision, and of the follow-up when residents spoke on it."""
    decision = Decision.objects.select_related("council", "agenda_item").get(pk=event.decision_id)
    url = decision.get_absolute_url()
    notify(Notice.DECISION_RECORDED, decision, url=url)
    if decision.agenda_item.contributions.exists():
        notify(Notice.FOLLOWUP_CHANGED, decision, url=reverse("deliberation:followup"))
    notify_voters_followers(decision, url)


def notify_voters_followers(decision: Decision, url: str) -> None:
    """Tell each voter's followers of their open vote; a secret ballot (an election is one)
    and a closed-session item tell nobody anything."""
    if decision.secrecy != Ballot.Secrecy.OPEN or not decision.agenda_item.is_public:
        return
    choices = dict(
        open_votes()
        .filter(ballot_id=decision.ballot_id, seat__user__followers__isnull=False)
        .values_list("seat__user_id", "choice")
    )
    for user in User.objects.filter(pk__in=choices):
        notify_member_activity(
            [user.pk],
            decision,
            url=url,
            title=f"{member_name(user)} ({Choice(choices[user.pk]).label}) — {decision.question}",
        )


def notify_authors_followers(group: str | None, event: events.Event) -> None:
    """Tell an author's followers of a proposal or an amendment tabled in a public session."""
    if isinstance(event, events.AmendmentProposed):
        amendment = Amendment.objects.filter(
            pk=event.amendment_id, proposal__agenda_item__is_public=True
        ).first()
        if amendment is None or amendment.author_id is None:
            return
        authors, title = [amendment.author_id], str(amendment)
    elif isinstance(event, events.ProposalCreated):
        proposal = Proposal.objects.filter(
            pk=event.proposal_id, agenda_item__is_public=True
        ).first()
        if proposal is None:
            return
        authors, title = list(proposal.authors.values_list("pk", flat=True)), proposal.title
    else:
        return
    url = reverse("deliberation:live", kwargs={"meeting_id": event.meeting_id})
    notify_member_activity(authors, url=url, title=title)


def notify_saved_consultation(group: str | None, event: events.ConsultationSaved) -> None:
    notify_consultations()


def mail_comment_author(group: str | None, event: events.CommentAuthorTold) -> None:
    """The e-mail to a moderated comment's author."""
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    send_mail(prefix + event.subject, event.message, None, [event.address], fail_silently=True)


def subscribe() -> None:
    """Called by DeliberationConfig.ready."""
    events.subscribe(notify_meeting, events.MeetingSaved)
    events.subscribe(notify_decision, events.DecisionRecorded)
    events.subscribe(notify_authors_followers, events.ProposalCreated, events.AmendmentProposed)
    events.subscribe(notify_saved_consultation, events.ConsultationSaved)
    events.subscribe(mail_comment_author, events.CommentAuthorTold)


# Subscribers hear of a consultation when it opens, and again this long before it closes.
CLOSING_NOTICE = datetime.timedelta(hours=48)


def notify_consultations(now: datetime.datetime | None = None) -> int:
    """Tell subscribers (council.notifications) of consultations that opened or close soon,
    once each: an audit entry marks what was told. Run on save and by the notification timer
    (settings.NOTIFICATION_PERIODIC)."""
    now = now or timezone.now()
    told = set(
        AuditEntry.objects.filter(action="consultation_notice").values_list(
            "data__consultation", "data__kind"
        )
    )
    sent = 0
    for consultation in Consultation.objects.filter(start__lte=now, end__gt=now).select_related(
        "agenda_item__meeting"
    ):
        due = [("opened", Notice.CONSULTATION_OPENED)]
        if consultation.end - now <= CLOSING_NOTICE:
            due.append(("closing", Notice.CONSULTATION_CLOSING))
        for kind, event in due:
            if (consultation.pk, kind) in told:
                continue
            audit(
                "consultation_notice",
                actor=None,
                meeting=consultation.agenda_item.meeting,
                consultation=consultation.pk,
                kind=kind,
            )
            until = date_format(timezone.localtime(consultation.end), "j F Y")
            notify(
                event,
                consultation,
                url=reverse("deliberation:consultation", args=[consultation.pk]),
                title=_("%(title)s (jusqu’au %(date)s)")
                % {"title": consultation.title, "date": until},
            )
            sent += 1
    return sent
