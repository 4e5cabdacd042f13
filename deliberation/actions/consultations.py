"""Writes of public consultations: open one (the admin's save), comment, flag, moderate.

The house pattern (`check_*` → `do_*`, deliberation.actions.common); the reads the pages need
are in deliberation.selectors.consultations. What a write tells people (subscribers when a
consultation opens or closes soon, the author of a moderated comment by e-mail) leaves as a
typed event once the transaction commits (deliberation.actions.notices).
"""

from __future__ import annotations

import datetime
from typing import Any

import rules
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from council.models import User
from deliberation import events
from deliberation.actions.comments import clean_comment_body
from deliberation.actions.common import ActionError, audit, clean_text, meeting_event
from deliberation.models import AgendaItem, Comment, CommentFlag, Consultation
from deliberation.rules import meeting_of
from deliberation.selectors.consultations import Status, has_verified_account, state_of
from deliberation.text import sanitize

TITLE_MAX = 200
QUESTION_MAX = 500
INTRODUCTION_MAX = 2000
REASON_MAX = 255
# A resident writing a few considered comments never meets these; a flood does.
COMMENT_LIMIT = 5
COMMENT_WINDOW = 10 * 60
FLAG_LIMIT = 10
FLAG_WINDOW = 10 * 60


class RateLimited(ActionError):
    """Too many writes from one account in the window: the page answers 429."""


def _day(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y à H:i")


# --- Rate limits (the cache: Redis in production, like allauth's) ----------------------------


def _over_limit(key: str, limit: int) -> bool:
    return int(cache.get(key, 0)) >= limit


def _count_attempt(key: str, window: int) -> None:
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def _comment_key(user: User) -> str:
    return f"consultation-comments:{user.pk}"


def _flag_key(user: User) -> str:
    return f"consultation-flags:{user.pk}"


# --- Opening a consultation (the admin's save) ------------------------------------------------


def validate_consultation(consultation: Consultation, *, acting_user: User) -> None:
    """Every field of a consultation about to be saved, or an ActionError naming the field."""
    item: AgendaItem | None = consultation.agenda_item if consultation.agenda_item_id else None
    if item is None:
        raise ActionError(
            _("Choisissez le point de l'ordre du jour soumis à consultation."), "agenda_item"
        )
    if not rules.has_perm("deliberation.save_consultation", acting_user, item):
        raise ActionError(
            _(
                "Seuls le secrétariat et la présidence du conseil ouvrent une consultation, "
                "sur un point public."
            ),
            "agenda_item",
        )
    if consultation.proposal_id and consultation.proposal.agenda_item_id != item.pk:  # type: ignore[union-attr]
        raise ActionError(_("Cette proposition ne relève pas du point choisi."), "proposal")
    consultation.title = clean_text(
        consultation.title, field="title", label=_("Titre"), maximum=TITLE_MAX
    )
    consultation.question = clean_text(
        consultation.question, field="question", label=_("Question posée"), maximum=QUESTION_MAX
    )
    consultation.introduction = clean_text(
        consultation.introduction,
        field="introduction",
        label=_("Présentation"),
        maximum=INTRODUCTION_MAX,
        required=False,
    )
    if not isinstance(consultation.start, datetime.datetime):
        raise ActionError(_("Indiquez la date d'ouverture."), "start")
    if not isinstance(consultation.end, datetime.datetime):
        raise ActionError(_("Indiquez la date de clôture."), "end")
    if consultation.end <= consultation.start:
        raise ActionError(_("La clôture doit suivre l'ouverture."), "end")
    if consultation.moderation not in Consultation.Moderation.values:
        raise ActionError(_("Choisissez le mode de modération."), "moderation")


@transaction.atomic
def do_save_consultation(consultation: Consultation, *, acting_user: User) -> Consultation:
    created = consultation.pk is None
    if created:
        consultation.created_by = acting_user
    # Plain text: what the page shows is exactly what was typed, no markup.
    consultation.title = sanitize.plain_text(consultation.title)
    consultation.question = sanitize.plain_text(consultation.question)
    consultation.introduction = sanitize.plain_text(consultation.introduction)
    consultation.save()
    events.publish(None, events.ConsultationSaved(consultation_id=consultation.pk))
    audit(
        "consultation_opened" if created else "consultation_changed",
        actor=acting_user,
        meeting=consultation.agenda_item.meeting,
        consultation=consultation.pk,
        start=consultation.start.isoformat(),
        end=consultation.end.isoformat(),
        moderation=consultation.moderation,
    )
    return consultation


def check_save_consultation(consultation: Consultation, *, acting_user: User) -> Consultation:
    validate_consultation(consultation, acting_user=acting_user)
    return do_save_consultation(consultation, acting_user=acting_user)


# --- Comments -------------------------------------------------------------------------------


@transaction.atomic
def do_add_consultation_comment(
    consultation: Consultation,
    body: str,
    *,
    parent: Comment | None = None,
    acting_user: User,
) -> Comment:
    return Comment.objects.create(
        consultation=consultation,
        parent=parent,
        author=acting_user,
        body=body,
        status=Status.PENDING if consultation.moderated_before else Status.PUBLISHED,
    )


def check_add_consultation_comment(
    consultation: Consultation,
    body: Any,
    *,
    parent_id: Any = None,
    acting_user: Any,
) -> Comment:
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_active:
        raise ActionError(_("Connectez-vous pour commenter."))
    if not has_verified_account(acting_user):
        raise ActionError(
            _(
                "Pour commenter, confirmez d'abord votre adresse e-mail : suivez le lien du "
                "message reçu à l'inscription, ou demandez-en un nouveau dans Mon espace."
            )
        )
    state = state_of(consultation)
    if state == "closed":
        raise ActionError(
            _(
                "Cette consultation est close depuis le %(date)s : elle reste lisible, mais "
                "n'accepte plus de commentaires."
            )
            % {"date": _day(consultation.end)}
        )
    if state == "upcoming":
        raise ActionError(
            _("Cette consultation ouvrira le %(date)s.") % {"date": _day(consultation.start)}
        )
    html = clean_comment_body(body)
    parent = None
    if parent_id not in (None, ""):
        try:
            pk = int(parent_id)
        except (TypeError, ValueError):
            raise ActionError(_("Commentaire introuvable."), "parent") from None
        parent = Comment.objects.filter(
            pk=pk, consultation=consultation, status=Status.PUBLISHED
        ).first()
        if parent is None:
            raise ActionError(_("On ne répond qu'à un commentaire publié."), "parent")
        if parent.parent_id is not None:
            # Threads are one level deep: a reply to a reply joins the same thread.
            parent = parent.parent
    key = _comment_key(acting_user)
    if _over_limit(key, COMMENT_LIMIT):
        raise RateLimited(
            _(
                "Vous avez envoyé %(n)s commentaires en peu de temps : attendez quelques "
                "minutes avant d'en envoyer un autre. Votre texte est conservé ci-dessous."
            )
            % {"n": COMMENT_LIMIT},
            "body",
        )
    comment = do_add_consultation_comment(
        consultation, html, parent=parent, acting_user=acting_user
    )
    _count_attempt(key, COMMENT_WINDOW)
    return comment


# --- Flags ----------------------------------------------------------------------------------


def _clean_reason(value: Any, field: str = "reason") -> str:
    text = sanitize.plain_text(clean_text(value, field=field, label=_("Motif"), maximum=REASON_MAX))
    if not text:
        raise ActionError(_("Motif : ce champ est obligatoire."), field)
    return text


@transaction.atomic
def do_flag_comment(comment: Comment, reason: str, *, acting_user: User) -> CommentFlag:
    return CommentFlag.objects.create(comment=comment, flagged_by=acting_user, reason=reason)


def check_flag_comment(comment: Comment, reason: Any, *, acting_user: Any) -> CommentFlag:
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_active:
        raise ActionError(_("Connectez-vous pour signaler un commentaire."))
    if comment.consultation_id is None or comment.status != Status.PUBLISHED:
        raise ActionError(_("Seul un commentaire publié peut être signalé."))
    if comment.author_id == acting_user.pk:
        raise ActionError(_("Vous ne pouvez pas signaler votre propre commentaire."))
    text = _clean_reason(reason)
    if CommentFlag.objects.filter(
        comment=comment, flagged_by=acting_user, resolved_at__isnull=True
    ).exists():
        raise ActionError(_("Vous avez déjà signalé ce commentaire : la modération va l'examiner."))
    key = _flag_key(acting_user)
    if _over_limit(key, FLAG_LIMIT):
        raise RateLimited(
            _(
                "Vous avez envoyé beaucoup de signalements en peu de temps : attendez quelques "
                "minutes avant d'en envoyer un autre."
            ),
            "reason",
        )
    flag = do_flag_comment(comment, text, acting_user=acting_user)
    _count_attempt(key, FLAG_WINDOW)
    return flag


# --- Moderation -----------------------------------------------------------------------------


def _thread_changed(comment: Comment) -> None:
    """A session's live pages re-render the thread the comment sits in."""
    meeting = meeting_of(comment)
    if meeting is not None:
        meeting_event(
            meeting.pk, events.CommentModerated(meeting_id=meeting.pk, comment_id=comment.pk)
        )


def _notify_author(comment: Comment, subject: str, message: str) -> None:
    """An e-mail to the comment's author once the decision is committed (none without an
    address: an account created without e-mail reads its comments' state on the page)."""
    address = comment.author.email
    if not address:
        return
    events.publish(
        events.user_group(comment.author_id),
        events.CommentAuthorTold(
            comment_id=comment.pk, address=address, subject=subject, message=message
        ),
    )


def _where(comment: Comment) -> str:
    if comment.consultation_id:
        return _("la consultation « %(title)s »") % {"title": comment.consultation.title}  # type: ignore[union-attr]
    meeting = meeting_of(comment)
    return _("la séance « %(title)s »") % {"title": meeting.title if meeting else ""}


def _moderate(comment: Comment, status: str, reason: str, acting_user: User) -> int:
    """The moderator's decision on the comment; its open flags settled (how many)."""
    now = timezone.now()
    comment.status = status
    comment.hidden_reason = reason
    comment.moderated_by = acting_user
    comment.moderated_at = now
    comment.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
    return CommentFlag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=now
    )


@transaction.atomic
def do_hide_comment(comment: Comment, reason: str, *, acting_user: User) -> Comment:
    """Hide the text, keep the comment in its thread with the reason shown in its place."""
    flags = _moderate(comment, Status.HIDDEN, reason, acting_user)
    audit(
        "comment_hidden",
        actor=acting_user,
        meeting=meeting_of(comment),
        comment=comment.pk,
        reason=reason,
        flags_resolved=flags,
    )
    _thread_changed(comment)
    _notify_author(
        comment,
        _("Votre commentaire a été masqué"),
        _(
            "Bonjour,\n\nVotre commentaire sur %(where)s a été masqué par la modération.\n"
            "Motif : %(reason)s\n\nLe motif est affiché publiquement à la place du texte. "
            "Pour toute question, répondez à ce message ou contactez le secrétariat du "
            "conseil.\n"
        )
        % {"where": _where(comment), "reason": reason},
    )
    return comment


def check_hide_comment(comment: Comment, reason: Any, *, acting_user: User) -> Comment:
    if not rules.has_perm("deliberation.hide_comment", acting_user, comment):
        raise ActionError(_("Seuls le secrétariat et la présidence masquent un commentaire."))
    if comment.status == Status.HIDDEN:
        raise ActionError(_("Ce commentaire est déjà masqué."))
    return do_hide_comment(comment, _clean_reason(reason), acting_user=acting_user)


@transaction.atomic
def do_publish_comment(comment: Comment, *, acting_user: User) -> Comment:
    """Publish a pending comment, restore a hidden one, or keep a flagged one: the open
    flags are settled either way."""
    before = comment.status
    flags = _moderate(comment, Status.PUBLISHED, "", acting_user)
    audit(
        "comment_published",
        actor=acting_user,
        meeting=meeting_of(comment),
        comment=comment.pk,
        previous=before,
        flags_resolved=flags,
    )
    _thread_changed(comment)
    if before != Status.PUBLISHED:
        _notify_author(
            comment,
            _("Votre commentaire est publié"),
            _(
                "Bonjour,\n\nVotre commentaire sur %(where)s est maintenant publié.\n\n"
                "Merci pour votre participation.\n"
            )
            % {"where": _where(comment)},
        )
    return comment


def check_publish_comment(comment: Comment, *, acting_user: User) -> Comment:
    if not rules.has_perm("deliberation.moderate_comment", acting_user, comment):
        raise ActionError(_("Seuls le secrétariat et la présidence modèrent les commentaires."))
    if (
        comment.status == Status.PUBLISHED
        and not comment.flags.filter(resolved_at__isnull=True).exists()
    ):
        raise ActionError(_("Ce commentaire est déjà publié."))
    return do_publish_comment(comment, acting_user=acting_user)
