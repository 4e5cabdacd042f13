"""Speakers and speaking time: the list of speakers, the floor, and how long each may speak."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import SEATED_ROLES, Membership, User
from deliberation import events, guards, timekeeping
from deliberation.actions.common import (
    ActionError,
    clean_seconds,
    meeting_event,
    membership_in,
    refuse_if,
    require,
)
from deliberation.models import (
    AgendaItem,
    Meeting,
    SpeakerRequest,
)


def _speakers_changed(item: AgendaItem) -> None:
    meeting_event(
        item.meeting_id, events.SpeakersChanged(meeting_id=item.meeting_id, item_id=item.pk)
    )


def _speaker_kind(kind: Any) -> str:
    if kind in (None, ""):
        return SpeakerRequest.Kind.SPEECH
    if kind not in SpeakerRequest.Kind.values:
        raise ActionError(
            _("Choisissez une intervention, une motion d'ordre ou une réplique."), "kind"
        )
    return str(kind)


@transaction.atomic
def do_add_speaker(
    item: AgendaItem,
    membership: Membership,
    *,
    kind: str = SpeakerRequest.Kind.SPEECH,
    acting_user: User,
) -> SpeakerRequest:
    try:
        with transaction.atomic():
            turn = SpeakerRequest.objects.create(
                agenda_item=item, membership=membership, kind=kind, added_by=acting_user
            )
    except IntegrityError:
        raise ActionError(_("Ce membre est déjà inscrit sur la liste des orateurs.")) from None
    _speakers_changed(item)
    return turn


def check_request_floor(item: AgendaItem, *, kind: Any = "", acting_user: User) -> SpeakerRequest:
    refuse_if(guards.guard_may_request_floor(acting_user, item))
    membership = next(
        m
        for m in Membership.objects.current(on=item.meeting.start.date())
        .filter(user=acting_user, council_id=item.meeting.council_id, role__in=SEATED_ROLES)
        .select_related("user")
    )
    refuse_if(guards.guard_request_floor(item, membership))
    return do_add_speaker(item, membership, kind=_speaker_kind(kind), acting_user=acting_user)


do_request_floor = do_add_speaker


def check_add_speaker(
    item: AgendaItem, membership_id: Any, *, kind: Any = "", acting_user: User
) -> SpeakerRequest:
    require(
        "deliberation.manage_speakers",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat inscrivent un orateur, sur le point en cours."),
    )
    membership = membership_in(item.meeting, membership_id, field="membership")
    if membership.role not in SEATED_ROLES:
        raise ActionError(_("Seuls les membres du conseil prennent la parole en séance."))
    refuse_if(guards.guard_add_speaker(item, membership))
    return do_add_speaker(item, membership, kind=_speaker_kind(kind), acting_user=acting_user)


def _speaker_request(item: AgendaItem, turn_id: Any) -> SpeakerRequest:
    try:
        pk = int(turn_id)
    except (TypeError, ValueError):
        raise ActionError(_("Demande de parole introuvable.")) from None
    turn = (
        SpeakerRequest.objects.filter(pk=pk, agenda_item=item)
        .select_related("membership__user", "agenda_item__meeting")
        .first()
    )
    if turn is None:
        raise ActionError(_("Demande de parole introuvable."))
    return turn


def _end_turn(turn: SpeakerRequest, state: str, now: datetime.datetime) -> None:
    """Close a turn; the time spoken is recorded for the minutes."""
    if turn.state == SpeakerRequest.State.SPEAKING:
        turn.ended_at = now
        turn.spoken_seconds = timekeeping.seconds_between(turn.started_at, now)
    turn.state = state
    turn.save(update_fields=["state", "ended_at", "spoken_seconds"])


@transaction.atomic
def do_give_floor(turn: SpeakerRequest, *, acting_user: User) -> SpeakerRequest:
    now = timezone.now()
    for previous in SpeakerRequest.objects.select_for_update().filter(
        agenda_item_id=turn.agenda_item_id, state=SpeakerRequest.State.SPEAKING
    ):
        _end_turn(previous, SpeakerRequest.State.DONE, now)
    turn.state = SpeakerRequest.State.SPEAKING
    turn.started_at = now
    turn.deadline = timekeeping.deadline_for(turn)
    turn.save(update_fields=["state", "started_at", "deadline"])
    _speakers_changed(turn.agenda_item)
    return turn


def check_give_floor(item: AgendaItem, turn_id: Any, *, acting_user: User) -> SpeakerRequest:
    require(
        "deliberation.manage_speakers",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat donnent la parole, sur le point en cours."),
    )
    turn = _speaker_request(item, turn_id)
    if turn.state != SpeakerRequest.State.WAITING:
        raise ActionError(_("Cette personne n'est pas dans la file d'attente."))
    return do_give_floor(turn, acting_user=acting_user)


@transaction.atomic
def do_end_speaker(turn: SpeakerRequest, *, acting_user: User) -> SpeakerRequest:
    _end_turn(turn, SpeakerRequest.State.DONE, timezone.now())
    _speakers_changed(turn.agenda_item)
    return turn


def check_end_speaker(item: AgendaItem, turn_id: Any, *, acting_user: User) -> SpeakerRequest:
    require(
        "deliberation.manage_speakers",
        acting_user,
        item,
        _("Seuls la présidence et le secrétariat gèrent la parole, sur le point en cours."),
    )
    turn = _speaker_request(item, turn_id)
    if turn.state != SpeakerRequest.State.SPEAKING:
        raise ActionError(_("Cette personne n'a pas la parole."))
    return do_end_speaker(turn, acting_user=acting_user)


@transaction.atomic
def do_remove_speaker(turn: SpeakerRequest, *, acting_user: User) -> SpeakerRequest:
    _end_turn(turn, SpeakerRequest.State.REMOVED, timezone.now())
    _speakers_changed(turn.agenda_item)
    return turn


def check_remove_speaker(item: AgendaItem, turn_id: Any, *, acting_user: User) -> SpeakerRequest:
    turn = _speaker_request(item, turn_id)
    own = turn.membership.user_id == acting_user.pk
    if not own:
        require(
            "deliberation.manage_speakers",
            acting_user,
            item,
            _("Vous ne pouvez retirer que votre propre demande de parole."),
        )
    if turn.state not in SpeakerRequest.ACTIVE:
        raise ActionError(_("Cette demande de parole n'est plus active."))
    return do_remove_speaker(turn, acting_user=acting_user)


# --- Speaking time -------------------------------------------------------------------------


def _retime_current_speaker(item_ids: Any) -> None:
    """A running turn follows a changed limit: its deadline moves, its start does not."""
    for turn in (
        SpeakerRequest.objects.select_for_update()
        .filter(agenda_item_id__in=item_ids, state=SpeakerRequest.State.SPEAKING)
        .select_related("agenda_item__meeting")
    ):
        turn.deadline = timekeeping.deadline_for(turn)
        turn.save(update_fields=["deadline"])


def _speaking_time_changed(meeting_id: int, item_id: int | None = None) -> None:
    meeting_event(meeting_id, events.SpeakingTimeChanged(meeting_id=meeting_id, item_id=item_id))


@transaction.atomic
def do_set_meeting_speaking_time(meeting: Meeting, seconds: int, *, acting_user: User) -> Meeting:
    meeting.speaking_time = seconds
    meeting.save(update_fields=["speaking_time", "updated"])
    _retime_current_speaker(meeting.agenda_items.values("pk"))
    _speaking_time_changed(meeting.pk)
    return meeting


def check_set_meeting_speaking_time(
    meeting: Meeting, seconds: Any, *, acting_user: User
) -> Meeting:
    require(
        "deliberation.keep_time",
        acting_user,
        meeting,
        _("Seule la présidence fixe le temps de parole, avant ou pendant la séance."),
    )
    value = clean_seconds(seconds)
    assert value is not None
    return do_set_meeting_speaking_time(meeting, value, acting_user=acting_user)


@transaction.atomic
def do_set_item_speaking_time(
    item: AgendaItem, seconds: int | None, *, acting_user: User
) -> AgendaItem:
    item.speaking_time = seconds
    item.save(update_fields=["speaking_time"])
    _retime_current_speaker([item.pk])
    _speaking_time_changed(item.meeting_id, item.pk)
    return item


def check_set_item_speaking_time(
    item: AgendaItem, seconds: Any, *, acting_user: User
) -> AgendaItem:
    require(
        "deliberation.keep_time",
        acting_user,
        item,
        _("Seule la présidence fixe le temps de parole, avant ou pendant la séance."),
    )
    return do_set_item_speaking_time(
        item, clean_seconds(seconds, blank=True), acting_user=acting_user
    )


@transaction.atomic
def do_set_speaker_time(
    turn: SpeakerRequest, seconds: int | None, *, acting_user: User
) -> SpeakerRequest:
    turn.time_limit = seconds
    fields = ["time_limit"]
    if turn.state == SpeakerRequest.State.SPEAKING:
        turn.deadline = timekeeping.deadline_for(turn)
        fields.append("deadline")
    turn.save(update_fields=fields)
    _speaking_time_changed(turn.agenda_item.meeting_id, turn.agenda_item_id)
    return turn


def check_set_speaker_time(
    item: AgendaItem, turn_id: Any, seconds: Any, *, acting_user: User
) -> SpeakerRequest:
    require(
        "deliberation.keep_time",
        acting_user,
        item,
        _("Seule la présidence fixe le temps de parole, avant ou pendant la séance."),
    )
    turn = _speaker_request(item, turn_id)
    if turn.state not in SpeakerRequest.ACTIVE:
        raise ActionError(_("Cette demande de parole n'est plus active."), "turn")
    return do_set_speaker_time(turn, clean_seconds(seconds, blank=True), acting_user=acting_user)
