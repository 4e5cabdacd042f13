"""What the live room shows, and which parts of it each event changes.

A page is a set of fragments, each an element with a stable id rendered by one template
under `templates/deliberation/fragments/`. The full pages include those templates; after an
event, `deliberation.events` asks this module to render the fragments that event changed,
once per audience, and pushes them. The same `RoomState` feeds both, so a reload and a push
always show the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council import rules as council_rules
from council.mfa import mfa_state_for
from council.models import SEATED_ROLES, Membership
from deliberation import events, selectors
from deliberation.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Ballot,
    Choice,
    Decision,
    Meeting,
    Proposal,
    Proxy,
    SpeakerRequest,
)
from deliberation.text.paragraphs import paragraph_map

PUBLIC, MEMBERS, STAFF = events.PUBLIC, events.MEMBERS, events.STAFF
ALL = frozenset(events.AUDIENCES)
INSIDE = frozenset({MEMBERS, STAFF})


@dataclass(frozen=True)
class Fragment:
    key: str
    template: str
    audiences: frozenset[str] = ALL


# Fragments shared by an audience. The key is the element's id in every page.
FRAGMENTS: dict[str, Fragment] = {
    fragment.key: fragment
    for fragment in (
        Fragment("live-status", "deliberation/fragments/status.html"),
        Fragment("live-agenda", "deliberation/fragments/agenda.html"),
        Fragment("live-item", "deliberation/fragments/item.html"),
        Fragment("live-speakers", "deliberation/fragments/speakers.html"),
        Fragment("live-attendance", "deliberation/fragments/attendance.html"),
        Fragment("live-ballots", "deliberation/fragments/ballots.html"),
        Fragment("live-participate", "deliberation/fragments/participate.html", INSIDE),
        Fragment("console-items", "deliberation/fragments/console_items.html", frozenset({STAFF})),
        Fragment(
            "console-ballots", "deliberation/fragments/console_ballots.html", frozenset({STAFF})
        ),
        Fragment(
            "console-roll-call", "deliberation/fragments/console_roll_call.html", frozenset({STAFF})
        ),
        Fragment(
            "console-attendance",
            "deliberation/fragments/console_attendance.html",
            frozenset({STAFF}),
        ),
    )
}

# A user's own fragments; their element id carries the meeting id, since one user's group
# serves every meeting page that user has open.
USER_FRAGMENTS: dict[str, str] = {
    "my-vote": "deliberation/fragments/my_vote.html",
    "my-amendments": "deliberation/fragments/my_amendments.html",
}


def user_fragment_id(key: str, meeting_id: int) -> str:
    return f"{key}-{meeting_id}"


_ITEM = ("live-status", "live-agenda", "live-item", "live-speakers", "live-ballots")
_ITEM_STAFF = ("live-participate", "console-items", "console-ballots", "console-roll-call")
_TEXT = ("live-item", "live-participate", "console-ballots")
_BALLOT = ("live-ballots", "console-ballots", "console-roll-call")
_PRESENCE = ("live-attendance", "console-attendance", "console-roll-call", "live-participate")

# Which fragments each event type changes; `True` in the second place: each seated
# member's own fragments change too. An event type missing here re-renders everything.
EVENT_FRAGMENTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "deliberation.meeting_opened": (("live-status", "live-agenda", *_ITEM_STAFF), True),
    "deliberation.meeting_closed": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.agenda_changed": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.item_opened": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.item_closed": ((*_ITEM, *_ITEM_STAFF), True),
    "deliberation.attendance_changed": ((*_PRESENCE, "live-status"), True),
    "deliberation.proxy_given": ((*_PRESENCE,), True),
    "deliberation.proposal_created": (_TEXT, False),
    "deliberation.amendment_proposed": (_TEXT, False),
    "deliberation.amendment_withdrawn": (_TEXT, False),
    "deliberation.amendment_rebased": (_TEXT, False),
    "deliberation.comment_added": (("live-item",), False),
    "deliberation.comment_moderated": (("live-item",), False),
    "deliberation.speakers_changed": (("live-speakers",), False),
    "deliberation.ballot_opened": ((*_BALLOT, "live-item"), True),
    "deliberation.vote_count_changed": (_BALLOT, False),
    "deliberation.version_merged": (_TEXT, False),
    "deliberation.ballot_closed": ((*_BALLOT, *_TEXT), True),
}
# Events sent to a user group re-render these of that user's own fragments (all if unlisted).
USER_EVENT_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "deliberation.own_vote_recorded": ("my-vote",),
}


def fragments_for(event_type: str) -> tuple[tuple[str, ...], bool]:
    return EVENT_FRAGMENTS.get(event_type, (tuple(FRAGMENTS), True))


# --- Who watches as what -----------------------------------------------------------------


def audiences_for_user(user: Any, meeting: Meeting) -> set[str]:
    """The audiences this user may watch the meeting as (the server decides, never the URL)."""
    council = meeting.council_id
    staff = council_rules.is_secretariat(user, council) or council_rules.can_preside(user, council)
    allowed: set[str] = set()
    if meeting.state != Meeting.State.DRAFT or staff:
        allowed.add(PUBLIC)
    if staff or council_rules.is_member(user, council) or council_rules.is_observer(user, council):
        allowed.add(MEMBERS)
    if staff:
        allowed.add(STAFF)
    return allowed


def socket_user(scope: Any) -> Any:
    """The socket's user, as the pages would see them: a chair or secretariat session that
    did not pass its second factor is nobody in particular (the pages log it out)."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return AnonymousUser()
    if not mfa_state_for(user, scope.get("session")).allows_staff:
        return AnonymousUser()
    return user


def allowed_audiences(user: Any, meeting_id: int) -> set[str] | None:
    """None when the meeting does not exist."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return None
    return audiences_for_user(user, meeting)


# --- What the room holds -----------------------------------------------------------------


class RoomState:
    """Everything the fragments of one meeting show, for one audience, read lazily.

    `forms` lets a page hand back a bound form (with its errors) in place of the blank one.
    """

    def __init__(
        self,
        meeting: Meeting,
        audience: str,
        *,
        user: Any = None,
        forms: dict[str, Any] | None = None,
    ) -> None:
        self.meeting = meeting
        self.audience = audience
        self.user = user
        self.bound_forms = forms or {}

    @property
    def is_public(self) -> bool:
        return self.audience == PUBLIC

    @property
    def is_inside(self) -> bool:
        return self.audience in INSIDE

    @property
    def is_staff(self) -> bool:
        return self.audience == STAFF

    @cached_property
    def items(self) -> list[AgendaItem]:
        return selectors.agenda(self.meeting)

    @cached_property
    def current_item(self) -> AgendaItem | None:
        item_id = self.meeting.current_item_id
        return next((item for item in self.items if item.pk == item_id), None)

    @cached_property
    def item(self) -> AgendaItem | None:
        """The current item, if this audience may see its content."""
        item = self.current_item
        if item is None or (self.is_public and not item.is_public):
            return None
        return item

    @property
    def item_is_closed_session(self) -> bool:
        return self.current_item is not None and self.item is None

    @cached_property
    def proposals(self) -> list[Proposal]:
        if self.item is None:
            return []
        proposals = list(selectors.proposals_for(self.item))
        for proposal in proposals:
            versions = list(proposal.versions.all())
            # Annotations the fragment templates read.
            proposal.current_version = versions[-1] if versions else None  # type: ignore[attr-defined]
            proposal.earlier_versions = versions[-2::-1]  # type: ignore[attr-defined]
            for amendment in proposal.amendments.all():
                amendment.changes = [  # type: ignore[attr-defined]
                    {
                        "paragraph": change.paragraph,
                        "label": Amendment.Op(change.op).label,
                        "html": change.html,
                    }
                    for change in selectors.amendment_changes(amendment)
                ]
        return proposals

    @cached_property
    def speakers(self) -> selectors.Speakers | None:
        return selectors.speakers(self.item) if self.item is not None else None

    @property
    def current_speaker(self) -> SpeakerRequest | None:
        return self.speakers.current if self.speakers else None

    @property
    def waiting_speakers(self) -> list[SpeakerRequest]:
        return self.speakers.queue if self.speakers else []

    @cached_property
    def presence(self) -> selectors.Presence:
        return selectors.presence(self.meeting)

    @property
    def quorum(self) -> selectors.Quorum:
        return self.presence.quorum

    @property
    def attendances(self) -> list[Attendance]:
        return list(self.presence.attendance.values())

    @cached_property
    def proxies(self) -> list[Proxy]:
        by_id = {m.pk: m for m in self.presence.memberships}
        proxies = []
        for proxy in self.presence.proxies:
            # presence() loads proxies without their people: reuse the mandates it has.
            proxy.giver = by_id.get(proxy.giver_id, proxy.giver)
            proxy.holder = by_id.get(proxy.holder_id, proxy.holder)
            proxies.append(proxy)
        return proxies

    @cached_property
    def ballots(self) -> list[Ballot]:
        if self.item is None:
            return []
        ballots = [b for b in selectors.ballots_for(self.item) if b.state != Ballot.State.DRAFT]
        for ballot in ballots:
            ballot.votes_cast = (  # type: ignore[attr-defined]
                selectors.votes_cast(ballot) if ballot.state == Ballot.State.OPEN else 0
            )
        return ballots

    @cached_property
    def open_ballot(self) -> Ballot | None:
        return next((b for b in self.ballots if b.state == Ballot.State.OPEN), None)

    @cached_property
    def ballot_papers(self) -> list[dict[str, Any]]:
        """The viewer's ballot papers for the open ballot: one per seat (own vote, proxy)."""
        ballot = self.open_ballot
        user = self.user
        if ballot is None or user is None or not user.is_authenticated:
            return []
        seats = self.presence.seats_of(user.pk)
        if not seats:
            return []
        recorded = {(v.voter_id, v.proxy_for_id): v for v in selectors.own_votes(ballot, user.pk)}
        from deliberation import forms

        papers = []
        for seat in seats:
            vote = recorded.get(seat.key)
            choice = getattr(vote, "choice", None) if vote is not None else None
            paper: dict[str, Any] = {
                "ballot": ballot,
                "proxy_for": seat.proxy_for,
                "recorded": vote is not None,
                "choice_label": Choice(choice).label if choice else "",
                # In the room, by show of hands or on paper: no online form to offer.
                "in_room": selectors.online_vote_refusal(ballot, seat) if vote is None else "",
            }
            if vote is None and not paper["in_room"]:
                bound = self.bound_forms.get("vote")
                if bound is not None and bound.data.get("proxy_for", "") == str(
                    seat.proxy_for.pk if seat.proxy_for else ""
                ):
                    paper["form"] = bound
                else:
                    paper["form"] = forms.build_form(
                        "vote",
                        self,
                        initial={
                            "ballot": ballot.pk,
                            "proxy_for": seat.proxy_for.pk if seat.proxy_for else None,
                        },
                        auto_id=f"id_vote_{ballot.pk}_{seat.key[1] or 0}_%s",
                    )
            papers.append(paper)
        return papers

    @cached_property
    def reply_draft(self) -> dict[str, Any]:
        """A refused reply handed back: which comment it answered, and its bound form."""
        form = self.bound_forms.get("reply")
        if form is None:
            return {}
        try:
            parent = int(form.data.get("parent", ""))
        except ValueError:
            parent = 0
        return {"parent": parent, "form": form}

    @cached_property
    def my_amendments(self) -> list[Amendment]:
        """The viewer's amendments on the current item that they may still act on.

        A pending one can be withdrawn (unless it is being voted on); a stale one carries
        its rebase form, pre-filled with its operations carried over to the current version.
        """
        user = self.user
        if user is None or not user.is_authenticated or not self.is_inside:
            return []
        voted_on = self.open_ballot.amendment_id if self.open_ballot is not None else None
        mine = []
        for proposal in self.proposals:
            amendments = list(proposal.amendments.all())
            restated = {a.rebased_from_id for a in amendments if a.rebased_from_id}
            for amendment in amendments:
                if amendment.author_id != user.pk or amendment.pk in restated:
                    continue
                if amendment.state == Amendment.State.PENDING:
                    amendment.under_vote = amendment.pk == voted_on  # type: ignore[attr-defined]
                elif amendment.state == Amendment.State.STALE:
                    amendment.rebase_form = self._rebase_form(proposal, amendment)  # type: ignore[attr-defined]
                    amendment.proposal_title = proposal.title  # type: ignore[attr-defined]
                else:
                    continue
                mine.append(amendment)
        return mine

    def _rebase_form(self, proposal: Proposal, amendment: Amendment) -> Any:
        from deliberation import forms

        bound = self.bound_forms.get("rebase")
        if bound is not None and bound.data.get("amendment") == str(amendment.pk):
            return bound
        operations = carried_over(proposal, amendment)
        initial: dict[str, Any] = {
            "amendment": amendment.pk,
            "justification": amendment.justification,
        }
        for i, operation in enumerate(operations):
            initial.update(
                {
                    f"op_{i}": operation["op"],
                    f"paragraph_{i}": operation["paragraph"],
                    f"text_{i}": operation.get("text", ""),
                }
            )
        return forms.RebaseForm(
            initial=initial, rows=len(operations), auto_id=f"id_rebase_{amendment.pk}_%s"
        )

    @property
    def members(self) -> list[Membership]:
        return [m for m in self.presence.memberships if m.role in SEATED_ROLES]

    @cached_property
    def forms(self) -> _Forms:
        return _Forms(self)


def carried_over(proposal: Proposal, amendment: Amendment) -> list[dict[str, Any]]:
    """The amendment's operations with paragraph numbers moved to the current version.

    Each version merged since the amendment's base shifted paragraphs (insertions,
    deletions); follow them. A paragraph that was deleted keeps its old number, bounded by
    the current text's length: the author reviews every row before restating it.
    """
    versions = list(proposal.versions.all())
    amendments = {a.pk: a for a in proposal.amendments.all()}
    base_number = amendment.base_version.number
    numbers = {int(o["paragraph"]): int(o["paragraph"]) for o in amendment.operations}
    previous = next((v for v in versions if v.number == base_number), None)
    for version in versions:
        if version.number <= base_number or previous is None:
            continue
        source = amendments.get(version.from_amendment_id or 0)
        if source is not None:
            mapping = paragraph_map(len(previous.paragraphs), source.operations)
            numbers = {old: mapping.get(now, now) for old, now in numbers.items()}
        previous = version
    length = len(previous.paragraphs) if previous is not None else 0
    return [
        {
            **o,
            "paragraph": max(
                0 if o["op"] == Amendment.Op.INSERT_AFTER else 1,
                min(numbers[int(o["paragraph"])], length),
            ),
        }
        for o in amendment.operations
    ]


class _Forms:
    """Blank forms built from the room's state, unless the page handed back a bound one."""

    def __init__(self, room: RoomState) -> None:
        self._room = room
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._room.bound_forms:
            return self._room.bound_forms[name]
        if name not in self._cache:
            from deliberation import forms

            self._cache[name] = forms.blank_form(name, self._room)
        return self._cache[name]


def room_state(
    meeting_id: int, audience: str, *, user: Any = None, forms: dict[str, Any] | None = None
) -> RoomState | None:
    meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    if meeting is None:
        return None
    return RoomState(meeting, audience, user=user, forms=forms)


# --- Rendering ---------------------------------------------------------------------------


def render_fragment(key: str, room: RoomState, request: Any = None) -> str:
    fragment = FRAGMENTS[key]
    context = {"room": room, "fragment_id": key, "audience": room.audience}
    return render_to_string(fragment.template, context, request=request)


def render_room(
    room: RoomState, keys: Iterable[str] | None = None, request: Any = None
) -> dict[str, str]:
    wanted = FRAGMENTS if keys is None else keys
    return {
        key: render_fragment(key, room, request)
        for key in wanted
        if room.audience in FRAGMENTS[key].audiences
    }


def render_user(
    room: RoomState, request: Any = None, keys: Iterable[str] | None = None
) -> dict[str, str]:
    """The room's user's own fragments: ballot papers, amendments they may act on."""
    context = {"room": room, "audience": room.audience, "viewer": room.user}
    out: dict[str, str] = {}
    wanted = USER_FRAGMENTS if keys is None else keys
    for key in wanted:
        template = USER_FRAGMENTS[key]
        fragment_id = user_fragment_id(key, room.meeting.pk)
        out[fragment_id] = render_to_string(
            template, {**context, "fragment_id": fragment_id}, request=request
        )
    return out


def _in_language(language: str | None, function: Callable[[], Any]) -> Any:
    # A push is rendered outside any request, once per language its watchers read.
    with translation.override(events.language_or_default(language)):
        return function()


def iter_meeting_fragments(
    meeting_id: int, event: events.Event, language: str | None = None
) -> Iterator[tuple[str, dict[str, str], str]]:
    """(audience, {fragment id: html}, announcement) for a meeting-wide event, in `language`,
    one audience at a time, so that each can be sent while the next is rendered."""
    keys, _users = fragments_for(event.type)
    meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    if meeting is None:
        return
    first: RoomState | None = None
    for audience in events.AUDIENCES:
        room = RoomState(meeting, audience)
        if first is not None:
            # One reading of the room serves every audience, as far as each may see it.
            room.__dict__.update(_readable_by(room, first))

        def render(room: RoomState = room) -> tuple[dict[str, str], str]:
            return render_room(room, keys), announcement(event, room)

        fragments, sentence = _in_language(language, render)
        first = first or room
        yield audience, fragments, sentence


# What one reading of the room serves to every audience, and what only to those who see
# the current item (a closed-session item is hidden from the public).
_MEETING_READS = {"items", "current_item", "presence"}
_ITEM_READS = {"item", "ballots", "open_ballot", "proposals"}


def _readable_by(room: RoomState, source: RoomState) -> dict[str, Any]:
    wanted = set(_MEETING_READS)
    item = source.__dict__.get("item")
    # The source saw the item: whoever else may see it sees the same.
    if item is not None and (room.is_inside or item.is_public):
        wanted |= _ITEM_READS
    return {key: value for key, value in source.__dict__.items() if key in wanted}


_SHARED_READS = {
    "items",
    "current_item",
    "item",
    "presence",
    "ballots",
    "open_ballot",
    "proposals",
}


_AMENDMENT_EVENTS = {
    "deliberation.amendment_proposed",
    "deliberation.amendment_withdrawn",
    "deliberation.amendment_rebased",
    "deliberation.version_merged",
}


def _authors_concerned(event: events.Event) -> set[int]:
    """Authors whose own amendments the event changed (their "my amendments" list)."""
    if event.type not in _AMENDMENT_EVENTS:
        return set()
    fields = event.public_fields()
    ids = [fields.get("amendment_id"), fields.get("new_amendment_id")]
    ids += list(fields.get("stale_amendment_ids") or ())
    wanted = [pk for pk in ids if pk]
    if not wanted:
        return set()
    return set(Amendment.objects.filter(pk__in=wanted).values_list("author_id", flat=True))


def render_users_affected(
    meeting_id: int, event: events.Event, language: str | None = None
) -> dict[int, dict[str, str]]:
    """{user id: {fragment id: html}} for each user whose own fragments changed.

    Seated members when a meeting-wide change alters everyone's ballot paper; the authors
    of the amendments an event touched, whose list of amendments changed.
    """
    _keys, users = fragments_for(event.type)
    authors = _authors_concerned(event)
    if not users and not authors:
        return {}

    def render() -> dict[int, dict[str, str]]:
        meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
        if meeting is None:
            return {}
        out = {}
        shared = RoomState(meeting, MEMBERS)
        reads = {k: v for k, v in shared.__dict__.items() if k in _SHARED_READS}
        people = {m.user_id: m.user for m in shared.members} if users else {}
        missing = authors - people.keys()
        if missing:
            from django.contrib.auth import get_user_model

            people.update(get_user_model().objects.in_bulk(missing))
        for user_id, user in people.items():
            room = RoomState(meeting, MEMBERS, user=user)
            # One reading of the room serves every member's rendering.
            room.__dict__.update(reads)
            out[user_id] = render_user(room, keys=None if users else ("my-amendments",))
            reads = {k: v for k, v in room.__dict__.items() if k in _SHARED_READS}
        return out

    result: dict[int, dict[str, str]] = _in_language(language, render)
    return result


def render_user_fragments(
    user_id: int, event: events.Event, language: str | None = None
) -> dict[str, str]:
    """A user-group event: that user's fragments for the meeting the event names."""
    meeting_id = getattr(event, "meeting_id", None)
    if meeting_id is None:
        return {}
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    room = room_state(meeting_id, MEMBERS, user=user)
    if user is None or room is None:
        return {}
    keys = USER_EVENT_FRAGMENTS.get(event.type)
    result: dict[str, str] = _in_language(language, lambda: render_user(room, keys=keys))
    return result


# --- Announcements -----------------------------------------------------------------------


def _result_phrase(subject: str, outcome: str) -> str:
    # Whole phrases, not a noun and an adjective glued together: the participle agrees with
    # the noun in French (amendement adopté, proposition adoptée) and word order differs.
    phrases: dict[tuple[str, str], str] = {
        (Ballot.Subject.AMENDMENT, Decision.Outcome.ADOPTED): _("amendement adopté"),
        (Ballot.Subject.AMENDMENT, Decision.Outcome.REJECTED): _("amendement rejeté"),
        (Ballot.Subject.PROPOSAL, Decision.Outcome.ADOPTED): _("proposition adoptée"),
        (Ballot.Subject.PROPOSAL, Decision.Outcome.REJECTED): _("proposition rejetée"),
        (Ballot.Subject.PROCEDURAL, Decision.Outcome.ADOPTED): _("question adoptée"),
        (Ballot.Subject.PROCEDURAL, Decision.Outcome.REJECTED): _("question rejetée"),
    }
    return phrases.get((subject, outcome)) or (
        _("question adoptée") if outcome == Decision.Outcome.ADOPTED else _("question rejetée")
    )


def announcement_for_decision(decision: Decision) -> str:
    """ "Scrutin clos : amendement adopté, 9 pour, 3 contre, 1 abstention", in the active
    language, with each count's plural from the catalogue (French: 0 and 1 are singular)."""
    if decision.outcome == Decision.Outcome.NO_QUORUM:
        return _("Scrutin clos : quorum non atteint")
    total = decision.tally.get("total", {}) if isinstance(decision.tally, dict) else {}
    yes, no, abstain = (int(total.get(key, 0)) for key in ("yes", "no", "abstain"))
    return _("Scrutin clos : %(result)s, %(yes)s, %(no)s, %(abstain)s") % {
        "result": _result_phrase(decision.subject, decision.outcome),
        "yes": ngettext("%(count)s pour", "%(count)s pour", yes) % {"count": yes},
        "no": ngettext("%(count)s contre", "%(count)s contre", no) % {"count": no},
        "abstain": ngettext("%(count)s abstention", "%(count)s abstentions", abstain)
        % {"count": abstain},
    }


def announcement(event: events.Event, room: RoomState) -> str:
    """A sentence for screen readers, or "" for changes that should pass silently."""
    if event.type == "deliberation.ballot_closed":
        decision = (
            Decision.objects.filter(ballot_id=getattr(event, "ballot_id", 0))
            .select_related("agenda_item")
            .first()
        )
        if decision is None or (room.is_public and not decision.agenda_item.is_public):
            return ""
        return announcement_for_decision(decision)
    if event.type == "deliberation.ballot_opened":
        ballot = room.open_ballot
        return _("Scrutin ouvert : %(question)s") % {"question": ballot.question} if ballot else ""
    if event.type == "deliberation.item_opened" and room.current_item is not None:
        return _("Point %(number)s ouvert : %(title)s") % {
            "number": room.current_item.display_number,
            "title": room.current_item.title,
        }
    return ""
