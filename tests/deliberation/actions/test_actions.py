"""Every action: the state it leaves and the events it emits; bad input refused, nothing kept."""

from __future__ import annotations

import pytest

from deliberation import actions, events, selectors
from deliberation.actions import ActionError
from deliberation.models import (
    AgendaItem,
    Amendment,
    Attendance,
    AuditEntry,
    Ballot,
    BallotParticipation,
    Comment,
    Decision,
    Meeting,
    Proposal,
    ProposalVersion,
    Proxy,
    SpeakerRequest,
    Vote,
)


def types(sent):
    return [event.type for _group, event in sent]


def mgroup(meeting):
    return events.meeting_group(meeting.pk)


# --- Meeting and items ---------------------------------------------------------------------


def test_save_meeting_emits_agenda_changed(people, meeting, capture):
    meeting.title = "Séance ordinaire de mars"
    with capture() as sent:
        actions.do_save_meeting(meeting, acting_user=people.secretary.user)
    assert Meeting.objects.get(pk=meeting.pk).title == "Séance ordinaire de mars"
    assert sent == [(mgroup(meeting), events.AgendaChanged(meeting_id=meeting.pk))]
    assert [i.number for i in selectors.agenda(meeting)] == [1, 2, 3]


def test_open_and_close_meeting(people, meeting, capture):
    with capture() as sent:
        actions.check_open_meeting(meeting, acting_user=people.chair.user)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.IN_SESSION
    assert sent == [(mgroup(meeting), events.MeetingOpened(meeting_id=meeting.pk))]
    item = meeting.agenda_items.get(number=1)
    actions.check_open_item(item, acting_user=people.chair.user)
    with capture() as sent:
        actions.check_close_meeting(meeting, acting_user=people.secretary.user)
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.state == Meeting.State.CLOSED and meeting.end is not None
    assert meeting.current_item is None and item.state == AgendaItem.State.CLOSED
    assert types(sent) == ["deliberation.item_closed", "deliberation.meeting_closed"]
    assert AuditEntry.objects.filter(meeting=meeting, action="meeting_closed").exists()
    with pytest.raises(ActionError, match="close"):
        actions.check_open_meeting(meeting, acting_user=people.chair.user)


def test_open_item_closes_the_previous_one(session, capture):
    other = session.meeting.agenda_items.get(number=3)
    with capture() as sent:
        actions.check_open_item(other, acting_user=session.chair)
    session.item.refresh_from_db()
    session.meeting.refresh_from_db()
    assert session.item.state == AgendaItem.State.CLOSED
    assert session.meeting.current_item == other
    assert sent == [
        (
            mgroup(session.meeting),
            events.ItemClosed(meeting_id=session.meeting.pk, item_id=session.item.pk),
        ),
        (
            mgroup(session.meeting),
            events.ItemOpened(meeting_id=session.meeting.pk, item_id=other.pk),
        ),
    ]


def test_close_item(session, capture):
    with capture() as sent:
        actions.check_close_item(session.item, acting_user=session.secretary)
    session.meeting.refresh_from_db()
    assert session.meeting.current_item is None
    assert types(sent) == ["deliberation.item_closed"]


def test_item_with_an_open_ballot_cannot_be_left(session):
    session.open_ballot()
    with pytest.raises(ActionError, match="scrutin"):
        actions.check_close_item(session.item, acting_user=session.chair)
    with pytest.raises(ActionError, match="scrutin"):
        actions.check_open_item(
            session.meeting.agenda_items.get(number=3), acting_user=session.chair
        )
    with pytest.raises(ActionError, match="scrutin"):
        actions.check_close_meeting(session.meeting, acting_user=session.chair)


# --- Attendance and proxies ----------------------------------------------------------------


def test_set_attendance(people, meeting, capture):
    with capture() as sent:
        a = actions.check_set_attendance(
            meeting, people.members[0].pk, "remote", acting_user=people.secretary.user
        )
    assert a.status == "remote" and a.recorded_by == people.secretary.user
    assert sent == [
        (
            mgroup(meeting),
            events.AttendanceChanged(meeting_id=meeting.pk, membership_id=people.members[0].pk),
        )
    ]
    actions.check_set_attendance(
        meeting, people.members[0].pk, "room", acting_user=people.secretary.user
    )
    assert Attendance.objects.get(meeting=meeting, membership=people.members[0]).status == "room"


def test_substitute_replaces_an_absent_full_member(people, meeting, capture):
    sec = people.secretary.user
    actions.check_set_attendance(meeting, people.members[0].pk, "excused", acting_user=sec)
    with capture() as sent:
        actions.check_set_attendance(
            meeting,
            people.substitutes[0].pk,
            "remote",
            replaces_id=people.members[0].pk,
            acting_user=sec,
        )
    assert types(sent) == ["deliberation.attendance_changed"]
    seats = selectors.voters_for(meeting)
    assert [s.voter for s in seats] == [people.substitutes[0]]
    with pytest.raises(ActionError, match="déjà remplacé"):
        actions.check_set_attendance(
            meeting,
            people.substitutes[1].pk,
            "room",
            replaces_id=people.members[0].pk,
            acting_user=sec,
        )


@pytest.mark.parametrize(
    ("who", "status", "replaces", "message"),
    [
        ("member", "present", None, "Choisissez une présence"),
        ("forged", "room", None, "ne siège pas"),
        ("garbage", "room", None, "inconnu"),
        ("member", "room", "member1", "suppléant"),
        ("substitute", "absent", "member1", "absent"),
        ("substitute", "room", "substitute1", "membre effectif"),
        ("observer", "room", None, "Seuls les membres"),
    ],
)
def test_set_attendance_bad_input(people, meeting, who, status, replaces, message):
    from tests.factories import make_membership

    ids = {
        "member": people.members[0].pk,
        "member1": people.members[1].pk,
        "substitute": people.substitutes[0].pk,
        "substitute1": people.substitutes[1].pk,
        "observer": people.observer.pk,
        "forged": make_membership("member").pk,  # a member of another council
        "garbage": "1 OR 1=1",
    }
    with pytest.raises(ActionError, match=message):
        actions.check_set_attendance(
            meeting,
            ids[who],
            status,
            replaces_id=ids.get(replaces),
            acting_user=people.secretary.user,
        )
    assert not Attendance.objects.exists()


def test_only_staff_record_attendance(people, meeting):
    with pytest.raises(ActionError, match="présences"):
        actions.check_set_attendance(
            meeting, people.members[0].pk, "room", acting_user=people.members[0].user
        )


def test_give_proxy(people, meeting, capture):
    giver, holder = people.members[0], people.members[1]
    with capture() as sent:
        proxy = actions.check_give_proxy(meeting, giver.pk, holder.pk, acting_user=giver.user)
    assert (proxy.giver, proxy.holder) == (giver, holder)
    assert sent == [
        (
            mgroup(meeting),
            events.ProxyGiven(
                meeting_id=meeting.pk, proxy_id=proxy.pk, giver_id=giver.pk, holder_id=holder.pk
            ),
        )
    ]


def test_proxy_rules(people, meeting):
    sec = people.secretary.user
    m = people.members
    actions.check_give_proxy(meeting, m[0].pk, m[1].pk, acting_user=sec)
    with pytest.raises(ActionError, match="détient déjà"):
        actions.check_give_proxy(meeting, m[2].pk, m[1].pk, acting_user=sec)
    with pytest.raises(ActionError, match="déjà donné"):
        actions.check_give_proxy(meeting, m[0].pk, m[3].pk, acting_user=sec)
    with pytest.raises(ActionError, match="propre nom"):
        actions.check_give_proxy(meeting, m[2].pk, m[3].pk, acting_user=m[4].user)
    with pytest.raises(ActionError, match="soi-même"):
        actions.check_give_proxy(meeting, m[2].pk, m[2].pk, acting_user=sec)
    actions.check_set_attendance(meeting, m[2].pk, "room", acting_user=sec)
    with pytest.raises(ActionError, match="présent vote"):
        actions.check_give_proxy(meeting, m[2].pk, m[3].pk, acting_user=sec)
    with pytest.raises(ActionError, match="membre effectif"):
        actions.check_give_proxy(meeting, m[3].pk, people.substitutes[0].pk, acting_user=sec)
    with pytest.raises(ActionError, match="pas donner de procuration"):
        actions.check_give_proxy(meeting, m[3].pk, m[4].pk, acting_user=people.resident)
    assert Proxy.objects.count() == 1


# --- Proposals, amendments, comments -------------------------------------------------------


def test_create_proposal(session, capture):
    with capture() as sent:
        p = actions.check_create_proposal(
            session.item,
            title="  Une autre  ",
            paragraphs="Premier.\n\nSecond.\n\n\n",
            acting_user=session.people.members[2].user,
        )
    assert p.title == "Une autre"
    assert selectors.latest_version(p).paragraphs == ["Premier.", "Second."]
    assert list(p.authors.all()) == [session.people.members[2].user]
    assert types(sent) == ["deliberation.proposal_created"]


@pytest.mark.parametrize(
    ("title", "paragraphs", "message"),
    [
        ("", ["a"], "Titre : ce champ est obligatoire"),
        ("x" * 256, ["a"], "255 caractères au plus"),
        ("T", [], "au moins un paragraphe"),
        ("T", ["x" * 5001], "5000 caractères au plus"),
        ("T", ["a"] * 101, "au plus 100 paragraphes"),
        ("T", {"a": 1}, "suite de paragraphes"),
        ("T", [3], "texte attendu"),
    ],
)
def test_create_proposal_bad_input(session, title, paragraphs, message):
    before = Proposal.objects.count()
    with pytest.raises(ActionError, match=message):
        actions.check_create_proposal(
            session.item, title=title, paragraphs=paragraphs, acting_user=session.chair
        )
    assert Proposal.objects.count() == before


def test_resident_cannot_propose(session):
    with pytest.raises(ActionError, match="membres"):
        actions.check_create_proposal(
            session.item, title="T", paragraphs=["a"], acting_user=session.people.resident
        )


def amend(session, operations, who=1, **kw):
    return actions.check_propose_amendment(
        session.proposal,
        base_version_id=kw.pop("base_version_id", session.version().pk),
        operations=operations,
        acting_user=session.people.members[who].user,
        **kw,
    )


def test_propose_amendment(session, capture):
    with capture() as sent:
        a = amend(
            session,
            [{"op": "replace", "paragraph": "2", "text": "Les lignes restent ouvertes le samedi."}],
            justification="Pour qui travaille en semaine.",
        )
    assert a.number == 1 and a.state == Amendment.State.PENDING
    assert a.operations == [
        {"op": "replace", "paragraph": 2, "text": "Les lignes restent ouvertes le samedi."}
    ]
    assert sent == [
        (
            mgroup(session.meeting),
            events.AmendmentProposed(
                meeting_id=session.meeting.pk,
                item_id=session.item.pk,
                proposal_id=session.proposal.pk,
                amendment_id=a.pk,
            ),
        )
    ]
    (shown, changes) = selectors.amendments_for(session.version())[0]
    assert shown == a
    assert "<del>" in changes[0].html and "<ins>" in changes[0].html


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        ([], "au moins une modification"),
        ([{"op": "rewrite", "paragraph": 1, "text": "x"}], "remplacer, supprimer"),
        ([{"op": "replace", "paragraph": 9, "text": "x"}], "n'existe pas"),
        ([{"op": "replace", "paragraph": 0, "text": "x"}], "n'existe pas"),
        ([{"op": "replace", "paragraph": "deux", "text": "x"}], "numéro du paragraphe"),
        ([{"op": "replace", "paragraph": 1, "text": ""}], "obligatoire"),
        ([{"op": "replace", "paragraph": 1, "text": "x" * 5001}], "5000"),
        (
            [{"op": "replace", "paragraph": 1, "text": "a"}, {"op": "delete", "paragraph": 1}],
            "modifié deux fois",
        ),
        (
            [{"op": "delete", "paragraph": n} for n in (1, 2, 3)],
            "tout le texte",
        ),
        (
            [
                {
                    "op": "replace",
                    "paragraph": 1,
                    "text": "Le conseil recommande de maintenir les guichets physiques.",
                }
            ],
            "identique",
        ),
        ([{"op": "insert_after", "paragraph": 1, "text": "x"}] * 51, "au plus 50"),
        (["not a dict"], "illisible"),
    ],
)
def test_propose_amendment_bad_input(session, operations, message):
    with pytest.raises(ActionError, match=message):
        amend(session, operations)
    assert not Amendment.objects.exists()


def test_amendment_on_a_stale_or_foreign_version_is_refused(session):
    first = session.version()
    a = amend(session, [{"op": "replace", "paragraph": 1, "text": "Nouveau premier."}])
    actions.check_accept_amendment(a, acting_user=session.chair)
    with pytest.raises(ActionError, match="version plus récente"):
        amend(session, [{"op": "delete", "paragraph": 2}], base_version_id=first.pk)
    other = actions.check_create_proposal(
        session.item, title="Autre", paragraphs=["z"], acting_user=session.chair
    )
    with pytest.raises(ActionError, match="inconnue"):
        amend(
            session,
            [{"op": "delete", "paragraph": 2}],
            base_version_id=selectors.latest_version(other).pk,
        )
    assert Amendment.objects.count() == 1


def test_accepting_merges_stales_overlaps_and_carries_the_others(session, capture):
    a1 = amend(session, [{"op": "replace", "paragraph": 2, "text": "Ouvertes le samedi."}])
    a2 = amend(session, [{"op": "delete", "paragraph": 2}], who=2)
    a3 = amend(
        session,
        [{"op": "replace", "paragraph": 3, "text": "Un bilan public chaque année."}],
        who=3,
    )
    a4 = amend(session, [{"op": "insert_after", "paragraph": 0, "text": "Préambule."}], who=3)
    with capture() as sent:
        version = actions.check_accept_amendment(a1, acting_user=session.chair)
    for a in (a1, a2, a3, a4):
        a.refresh_from_db()
    assert version.number == 2 and version.from_amendment == a1
    assert version.paragraphs[1] == "Ouvertes le samedi."
    assert (a1.state, a2.state, a3.state, a4.state) == ("adopted", "stale", "pending", "pending")
    assert a3.base_version == version and a3.operations[0]["paragraph"] == 3
    assert sent == [
        (
            mgroup(session.meeting),
            events.VersionMerged(
                meeting_id=session.meeting.pk,
                item_id=session.item.pk,
                proposal_id=session.proposal.pk,
                version_id=version.pk,
                amendment_id=a1.pk,
                stale_amendment_ids=(a2.pk,),
            ),
        )
    ]
    # The earlier version stays readable.
    assert ProposalVersion.objects.get(proposal=session.proposal, number=1).paragraphs[1] == (
        "Les lignes téléphoniques restent ouvertes du lundi au vendredi."
    )
    # Merging the preamble shifts later numbers; the carried amendment follows them.
    actions.check_accept_amendment(a4, acting_user=session.chair)
    a3.refresh_from_db()
    assert a3.operations[0]["paragraph"] == 4
    v3 = actions.check_accept_amendment(a3, acting_user=session.chair)
    assert v3.paragraphs == [
        "Préambule.",
        "Le conseil recommande de maintenir les guichets physiques.",
        "Ouvertes le samedi.",
        "Un bilan public chaque année.",
    ]


def test_only_the_chair_accepts_without_a_vote(session):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    for user in (session.secretary, session.people.members[1].user, session.people.resident):
        with pytest.raises(ActionError, match="présidence"):
            actions.check_accept_amendment(a, acting_user=user)
    a.refresh_from_db()
    assert a.state == "pending"


def test_rebase_a_stale_amendment(session, capture):
    a1 = amend(session, [{"op": "replace", "paragraph": 2, "text": "Ouvertes le samedi."}])
    a2 = amend(session, [{"op": "replace", "paragraph": 2, "text": "Ouvertes le soir."}], who=2)
    actions.check_accept_amendment(a1, acting_user=session.chair)
    a2.refresh_from_db()
    with pytest.raises(ActionError, match="auteur"):
        actions.check_rebase_amendment(
            a2,
            operations=[{"op": "replace", "paragraph": 2, "text": "x"}],
            acting_user=session.people.members[1].user,
        )
    with capture() as sent:
        new = actions.check_rebase_amendment(
            a2,
            operations=[
                {"op": "replace", "paragraph": 2, "text": "Ouvertes le samedi et le soir."}
            ],
            acting_user=session.people.members[2].user,
        )
    a2.refresh_from_db()
    assert a2.state == "stale" and new.rebased_from == a2 and new.number == 3
    assert new.base_version == session.version()
    assert types(sent) == ["deliberation.amendment_rebased"]
    # Restated once: a second submit (a double click, an old tab) records nothing.
    with pytest.raises(ActionError, match="amendement n° 3"):
        actions.check_rebase_amendment(
            a2,
            operations=[{"op": "replace", "paragraph": 2, "text": "Encore."}],
            acting_user=session.people.members[2].user,
        )
    assert Amendment.objects.filter(rebased_from=a2).count() == 1


def test_withdraw_amendment(session, capture):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    with pytest.raises(ActionError, match="auteur"):
        actions.check_withdraw_amendment(a, acting_user=session.chair)
    with capture() as sent:
        actions.check_withdraw_amendment(a, acting_user=session.people.members[1].user)
    a.refresh_from_db()
    assert a.state == "withdrawn"
    assert types(sent) == ["deliberation.amendment_withdrawn"]


def test_add_comment_sanitises_once(session, capture):
    author = session.people.members[3].user
    with capture() as sent:
        c = actions.check_add_comment(
            session.proposal,
            'Voir <a href="https://example.org" onclick="x()">ici</a><img src="http://x/y.png">'
            "<script>alert(1)</script>\n\nDeuxième paragraphe.",
            acting_user=author,
        )
    assert c.body == (
        '<p>Voir <a href="https://example.org" rel="nofollow noopener">ici</a></p>'
        "<p>Deuxième paragraphe.</p>"
    )
    assert types(sent) == ["deliberation.comment_added"]
    reply = actions.check_add_comment(
        session.proposal, "D'accord", parent_id=c.pk, acting_user=session.chair
    )
    deeper = actions.check_add_comment(
        session.proposal, "Moi aussi", parent_id=reply.pk, acting_user=session.secretary
    )
    assert reply.parent == c and deeper.parent == c  # one level of replies


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "obligatoire"), ("<script></script>", "obligatoire"), ("x" * 5001, "5000")],
)
def test_add_comment_bad_input(session, body, message):
    with pytest.raises(ActionError, match=message):
        actions.check_add_comment(session.proposal, body, acting_user=session.chair)
    assert not Comment.objects.exists()


def test_comment_reply_to_another_thread_is_refused(session):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    on_amendment = actions.check_add_comment(a, "Sur l'amendement", acting_user=session.chair)
    with pytest.raises(ActionError, match="introuvable"):
        actions.check_add_comment(
            session.proposal, "x", parent_id=on_amendment.pk, acting_user=session.chair
        )


def test_resident_cannot_comment(session):
    with pytest.raises(ActionError, match="membres"):
        actions.check_add_comment(session.proposal, "x", acting_user=session.people.resident)


# --- Speakers ------------------------------------------------------------------------------


def test_speakers_list(session, capture):
    m = session.people.members
    with capture() as sent:
        r1 = actions.check_request_floor(session.item, acting_user=m[0].user)
    assert types(sent) == ["deliberation.speakers_changed"]
    with pytest.raises(ActionError, match="déjà inscrit"):
        actions.check_request_floor(session.item, acting_user=m[0].user)
    r2 = actions.check_add_speaker(session.item, m[1].pk, acting_user=session.secretary)
    assert r2.added_by == session.secretary
    actions.check_give_floor(session.item, r1.pk, acting_user=session.chair)
    with capture() as sent:
        actions.check_give_floor(session.item, r2.pk, acting_user=session.chair)
    assert types(sent) == ["deliberation.speakers_changed"]
    r1.refresh_from_db()
    assert r1.state == SpeakerRequest.State.DONE
    shown = selectors.speakers(session.item)
    assert shown.current == r2 and shown.queue == [] and shown.done == [r1]
    actions.check_end_speaker(session.item, r2.pk, acting_user=session.chair)
    # Done speakers may ask again.
    r3 = actions.check_request_floor(session.item, acting_user=m[0].user)
    actions.check_remove_speaker(session.item, r3.pk, acting_user=m[0].user)
    r3.refresh_from_db()
    assert r3.state == SpeakerRequest.State.REMOVED


def test_speakers_bad_input(session):
    m = session.people.members
    r = actions.check_request_floor(session.item, acting_user=m[0].user)
    with pytest.raises(ActionError, match="présidence"):
        actions.check_give_floor(session.item, r.pk, acting_user=m[1].user)
    with pytest.raises(ActionError, match="propre demande"):
        actions.check_remove_speaker(session.item, r.pk, acting_user=m[1].user)
    with pytest.raises(ActionError, match="introuvable"):
        actions.check_give_floor(session.item, "abc", acting_user=session.chair)
    with pytest.raises(ActionError, match="introuvable"):
        actions.check_give_floor(session.item, r.pk + 999, acting_user=session.chair)
    with pytest.raises(ActionError, match="n'a pas la parole"):
        actions.check_end_speaker(session.item, r.pk, acting_user=session.chair)
    with pytest.raises(ActionError, match="membre"):
        actions.check_request_floor(session.item, acting_user=session.people.resident)


# --- Ballots -------------------------------------------------------------------------------


def test_open_ballot(session, capture):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    with capture() as sent:
        b = session.open_ballot(subject="amendment", amendment_id=a.pk, rule="absolute")
    assert (
        b.state == "open" and b.opened_by == session.chair and b.proposal_version == a.base_version
    )
    assert b.question.startswith("Adopter l'amendement n° 1")
    assert sent == [
        (
            mgroup(session.meeting),
            events.BallotOpened(
                meeting_id=session.meeting.pk, item_id=session.item.pk, ballot_id=b.pk
            ),
        )
    ]
    entry = AuditEntry.objects.get(ballot=b, action="ballot_opened")
    assert entry.actor == session.chair and entry.data["quorum"]["present"] == 7
    with pytest.raises(ActionError, match="déjà ouvert"):
        session.open_ballot()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"subject": "everything"}, "objet"),
        ({"subject": "procedural", "question": ""}, "obligatoire"),
        ({"subject": "procedural", "question": "?" * 501}, "500"),
        ({"subject": "amendment", "amendment_id": 99999}, "introuvable"),
        ({"subject": "amendment", "amendment_id": "x"}, "introuvable"),
        ({"subject": "proposal", "proposal_id": 99999}, "introuvable"),
        ({"subject": "procedural", "rule": "unanimity"}, "majorité"),
        ({"subject": "procedural", "secrecy": "hidden"}, "nominatif ou secret"),
        ({"subject": "procedural", "secrecy": "secret", "show_running_tally": True}, "secret"),
    ],
)
def test_open_ballot_bad_input(session, options, message):
    with pytest.raises(ActionError, match=message):
        session.open_ballot(**options)
    assert not Ballot.objects.exists()


def test_open_ballot_needs_quorum_unless_second_convocation(session):
    sec = session.secretary
    for m in session.people.members[:4]:
        actions.check_set_attendance(session.meeting, m.pk, "absent", acting_user=sec)
    assert selectors.quorum_for(session.meeting).present == 3
    with pytest.raises(ActionError, match="Quorum non atteint : 3 membres présents sur 8"):
        session.open_ballot()
    assert not Ballot.objects.exists()
    Meeting.objects.filter(pk=session.meeting.pk).update(second_convocation=True)
    session.item.meeting.refresh_from_db()
    assert session.open_ballot().state == "open"


def test_cast_vote_open_ballot(session, capture):
    b = session.open_ballot()
    voter = session.people.members[4]
    with capture() as sent:
        actions.check_cast_vote(b.pk, "yes", acting_user=voter.user)
    vote = Vote.objects.get(ballot=b)
    assert (vote.voter, vote.choice, vote.channel, vote.recorded_by, vote.proxy_for) == (
        voter,
        "yes",
        "online",
        voter.user,
        None,
    )
    assert sent == [
        (
            mgroup(session.meeting),
            events.VoteCountChanged(
                meeting_id=session.meeting.pk, item_id=session.item.pk, ballot_id=b.pk, votes_cast=1
            ),
        ),
        (
            events.user_group(voter.user_id),
            events.OwnVoteRecorded(meeting_id=session.meeting.pk, ballot_id=b.pk),
        ),
    ]
    assert AuditEntry.objects.filter(ballot=b, action="vote_recorded").count() == 1


def test_proxy_vote_is_cast_by_the_holder_and_marked(session):
    b = session.open_ballot()
    holder, giver = session.people.members[0], session.people.members[5]
    actions.check_cast_vote(b.pk, "no", acting_user=holder.user)
    actions.check_cast_vote(b.pk, "yes", proxy_for_id=giver.pk, acting_user=holder.user)
    proxy_vote = Vote.objects.get(ballot=b, proxy_for=giver)
    assert (proxy_vote.voter, proxy_vote.channel, proxy_vote.seat) == (holder, "proxy", giver)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_cast_vote(b.pk, "yes", proxy_for_id=giver.pk, acting_user=holder.user)
    # A proxy one does not hold, or a forged id.
    for forged in (session.people.members[1].pk, "12abc"):
        with pytest.raises(ActionError, match="procuration"):
            actions.check_cast_vote(
                b.pk, "yes", proxy_for_id=forged, acting_user=session.people.members[2].user
            )
    assert Vote.objects.filter(ballot=b).count() == 2


def test_secretariat_records_room_votes(session, capture):
    b = session.open_ballot()
    chair = session.people.chair
    with capture() as sent:
        actions.check_record_room_vote(b.pk, chair.pk, "abstain", acting_user=session.secretary)
    vote = Vote.objects.get(ballot=b)
    assert (vote.voter, vote.channel, vote.recorded_by) == (
        chair,
        "room_roll_call",
        session.secretary,
    )
    assert types(sent) == ["deliberation.vote_count_changed", "deliberation.own_vote_recorded"]
    assert sent[1][0] == events.user_group(chair.user_id)
    with pytest.raises(ActionError, match="pas présent en salle"):
        actions.check_record_room_vote(
            b.pk, session.people.members[4].pk, "yes", acting_user=session.secretary
        )
    with pytest.raises(ActionError, match="secrétariat"):
        actions.check_record_room_vote(
            b.pk, session.people.members[1].pk, "yes", acting_user=session.chair
        )
    # The holder in the room votes for the absent member through the secretariat too.
    actions.check_record_room_vote(
        b.pk,
        session.people.members[0].pk,
        "no",
        proxy_for_id=session.people.members[5].pk,
        acting_user=session.secretary,
    )
    assert Vote.objects.get(ballot=b, proxy_for__isnull=False).channel == "proxy"


def test_show_of_hands(session, capture):
    b = session.open_ballot(room_method="show_of_hands")
    # The room holds 6 members plus the proxy its member 0 holds: 7 votes.
    with pytest.raises(ActionError, match="main levée"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[0].user)
    with pytest.raises(ActionError, match="dépassent"):
        actions.check_record_room_totals(
            b.pk, yes=5, no=2, abstain=1, acting_user=session.secretary
        )
    for bad in ("-1", "deux", None):
        with pytest.raises(ActionError, match="Pour"):
            actions.check_record_room_totals(
                b.pk, yes=bad, no=0, abstain=0, acting_user=session.secretary
            )
    b.refresh_from_db()
    assert b.room_yes is None
    with pytest.raises(ActionError, match="totaux"):
        actions.check_close_ballot(b.pk, acting_user=session.chair)
    with capture() as sent:
        actions.check_record_room_totals(
            b.pk, yes=5, no=1, abstain=1, acting_user=session.secretary
        )
    assert sent[0][1].votes_cast == 7
    actions.check_cast_vote(b.pk, "no", acting_user=session.people.members[4].user)
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.tally["show_of_hands"] == {"yes": 5, "no": 1, "abstain": 1}
    assert d.tally["total"] == {"yes": 5, "no": 2, "abstain": 1}
    assert d.outcome == "adopted"


def test_votes_refused_on_closed_unknown_or_bad_input(session):
    b = session.open_ballot()
    voter = session.people.members[4].user
    with pytest.raises(ActionError, match="pour, contre ou abstention"):
        actions.check_cast_vote(b.pk, "maybe", acting_user=voter)
    with pytest.raises(ActionError, match="n'existe pas"):
        actions.check_cast_vote(b.pk + 1000, "yes", acting_user=voter)
    with pytest.raises(ActionError, match="n'existe pas"):
        actions.check_cast_vote("<script>", "yes", acting_user=voter)
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.resident)
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.secretary)
    actions.check_cast_vote(b.pk, "yes", acting_user=voter)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_cast_vote(b.pk, "no", acting_user=voter)
    actions.check_close_ballot(b.pk, acting_user=session.chair)
    with pytest.raises(ActionError, match="clos"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[3].user)
    with pytest.raises(ActionError, match="déjà clos"):
        actions.check_close_ballot(b.pk, acting_user=session.chair)
    with pytest.raises(ActionError, match="clos"):
        actions.check_record_room_totals(
            b.pk, yes=1, no=0, abstain=0, acting_user=session.secretary
        )
    assert list(Vote.objects.filter(ballot=b).values_list("choice", flat=True)) == ["yes"]
    assert Decision.objects.count() == 1


def test_close_ballot_on_amendment_records_the_decision_and_merges(session, capture):
    a1 = amend(session, [{"op": "replace", "paragraph": 2, "text": "Ouvertes le samedi."}])
    a2 = amend(session, [{"op": "delete", "paragraph": 2}], who=2)
    b = session.open_ballot(subject="amendment", amendment_id=a1.pk)
    m = session.people.members
    actions.check_cast_vote(b.pk, "yes", acting_user=m[4].user)
    actions.check_cast_vote(b.pk, "yes", proxy_for_id=m[5].pk, acting_user=m[0].user)
    actions.check_record_room_vote(b.pk, m[1].pk, "no", acting_user=session.secretary)
    actions.check_record_room_vote(b.pk, m[2].pk, "abstain", acting_user=session.secretary)
    with capture() as sent:
        d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    b.refresh_from_db()
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert b.state == "closed" and b.closed_by == session.chair
    assert d.outcome == "adopted" and d.rule == "simple"
    assert d.tally["online"] == {"yes": 1, "no": 0, "abstain": 0}
    assert d.tally["proxy"] == {"yes": 1, "no": 0, "abstain": 0}
    assert d.tally["room_roll_call"] == {"yes": 0, "no": 1, "abstain": 1}
    assert d.tally["total"] == {"yes": 2, "no": 1, "abstain": 1}
    assert d.tally["voters"] == 8
    assert d.quorum == {
        "members_with_vote": 8,
        "present": 7,
        "required": 5,
        "second_convocation": False,
        "reached": True,
    }
    assert d.text_voted["kind"] == "amendment"
    assert d.text_voted["operations"] == a1.operations
    assert d.text_voted["base_paragraphs"][1].startswith("Les lignes téléphoniques")
    assert d.amendments_applied[0]["id"] == a1.pk
    assert {v["name"] for v in d.named_votes} == {str(m[i].user) for i in (4, 0, 1, 2)}
    assert a1.state == "adopted" and a2.state == "stale"
    assert d.resulting_version == session.version()
    assert session.version().paragraphs[1] == "Ouvertes le samedi."
    assert types(sent) == ["deliberation.ballot_closed", "deliberation.version_merged"]
    assert sent[0][1] == events.BallotClosed(
        meeting_id=session.meeting.pk,
        item_id=session.item.pk,
        ballot_id=b.pk,
        decision_id=d.pk,
        outcome="adopted",
    )
    assert AuditEntry.objects.filter(ballot=b, action="ballot_closed").exists()


def test_rejected_amendment_and_adopted_proposal(session):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    b = session.open_ballot(subject="amendment", amendment_id=a.pk)
    actions.check_cast_vote(b.pk, "no", acting_user=session.people.members[4].user)
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    a.refresh_from_db()
    assert d.outcome == "rejected" and a.state == "rejected"
    assert d.resulting_version is None
    b2 = session.open_ballot(subject="proposal", proposal_id=session.proposal.pk, rule="two_thirds")
    actions.check_cast_vote(b2.pk, "yes", acting_user=session.people.members[4].user)
    d2 = actions.check_close_ballot(b2.pk, acting_user=session.chair)
    session.proposal.refresh_from_db()
    assert d2.outcome == "adopted" and session.proposal.state == "adopted"
    assert d2.text_voted == {
        "kind": "proposal",
        "proposal": session.proposal.title,
        "version": 1,
        "paragraphs": session.version().paragraphs,
    }
    with pytest.raises(ActionError, match="plus en débat"):
        session.open_ballot(subject="proposal", proposal_id=session.proposal.pk)


def test_closing_without_quorum_records_no_quorum(session):
    b = session.open_ballot()
    actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[4].user)
    for m in session.people.members[:4]:
        actions.check_set_attendance(session.meeting, m.pk, "absent", acting_user=session.secretary)
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.outcome == "no_quorum" and d.quorum["reached"] is False


def test_secret_ballot_counts_online_proxy_and_paper_into_totals_only(session, capture):
    m, sec = session.people.members, session.secretary
    # The room's part of a secret ballot is paper ballots: never a roll call, never hands.
    for method in ("roll_call", "show_of_hands"):
        with pytest.raises(ActionError, match="bulletins papier"):
            session.open_ballot(secrecy="secret", room_method=method)
    with pytest.raises(ActionError, match="anonymes"):
        session.open_ballot(room_method="paper")
    b = session.open_ballot(secrecy="secret")
    assert b.room_method == "paper" and b.urn
    # A member in the room votes on paper, not online (and not by roll call).
    with pytest.raises(ActionError, match="bulletin papier"):
        actions.check_cast_vote(b.pk, "yes", acting_user=m[1].user)
    with pytest.raises(ActionError, match="totaux"):
        actions.check_record_room_vote(b.pk, m[1].pk, "no", acting_user=sec)
    actions.check_cast_vote(b.pk, "yes", acting_user=m[4].user)
    # Seven paper ballots at most: six members in the room and the proxy member 0 holds.
    with pytest.raises(ActionError, match="dépassent"):
        actions.check_record_room_totals(b.pk, yes=4, no=4, abstain=0, acting_user=sec)
    with pytest.raises(ActionError, match="bulletins papier"):
        actions.check_close_ballot(b.pk, acting_user=session.chair)
    actions.check_record_room_totals(b.pk, yes=1, no=4, abstain=0, acting_user=sec)
    with capture() as sent:
        # Entered again (a miscount): the new totals replace the previous ones.
        actions.check_record_room_totals(b.pk, yes=2, no=4, abstain=1, acting_user=sec)
    assert sent[0][1].votes_cast == 8
    b.refresh_from_db()
    assert (b.room_yes, b.room_no, b.room_abstain, b.paper_ballots) == (None, None, None, 7)
    assert not Vote.objects.exists()
    assert BallotParticipation.objects.filter(ballot=b).count() == 1
    entries = AuditEntry.objects.filter(ballot=b)
    assert all("choice" not in e.data and "totals" not in e.data for e in entries)
    assert [e.data["count"] for e in entries.filter(action="paper_ballots_recorded")] == [5, 7]
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.named_votes == [] and d.outcome == "rejected"
    # Totals, the ballots cast and who could vote: no split by channel to give anyone away.
    assert d.tally == {"total": {"yes": 3, "no": 4, "abstain": 1}, "ballots": 8, "voters": 8}
    b.refresh_from_db()
    assert b.urn is None


def test_a_proxys_secret_vote_is_counted_in_the_totals_only(session):
    m, sec = session.people.members, session.secretary
    # Member 0 holds member 5's proxy and follows from home this time.
    actions.check_set_attendance(session.meeting, m[0].pk, "remote", acting_user=sec)
    b = session.open_ballot(secrecy="secret")
    actions.check_cast_vote(b.pk, "yes", acting_user=m[0].user)
    actions.check_cast_vote(b.pk, "no", proxy_for_id=m[5].pk, acting_user=m[0].user)
    actions.check_cast_vote(b.pk, "yes", acting_user=m[4].user)
    actions.check_record_room_totals(b.pk, yes=5, no=0, abstain=0, acting_user=sec)
    participations = BallotParticipation.objects.filter(ballot=b)
    # Who voted, and for whom, is recorded; what, not.
    assert {(p.voter_id, p.proxy_for_id, p.channel) for p in participations} == {
        (m[0].pk, None, "online"),
        (m[0].pk, m[5].pk, "proxy"),
        (m[4].pk, None, "online"),
    }
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.tally["total"] == {"yes": 7, "no": 1, "abstain": 0}
    assert set(d.tally) == {"total", "ballots", "voters"}


def test_substitute_votes_only_while_replacing(session):
    sec = session.secretary
    sub, full = session.people.substitutes[0], session.people.members[3]
    actions.check_set_attendance(session.meeting, full.pk, "excused", acting_user=sec)
    actions.check_set_attendance(
        session.meeting, sub.pk, "room", replaces_id=full.pk, acting_user=sec
    )
    b = session.open_ballot()
    actions.check_record_room_vote(b.pk, sub.pk, "yes", acting_user=sec)
    # The replaced member arrives: the seat has voted already.
    actions.check_set_attendance(session.meeting, full.pk, "room", acting_user=sec)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_record_room_vote(b.pk, full.pk, "no", acting_user=sec)
    # And the substitute no longer has a seat.
    other = session.people.substitutes[1]
    actions.check_set_attendance(session.meeting, other.pk, "room", acting_user=sec)
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_record_room_vote(b.pk, other.pk, "no", acting_user=sec)
    assert Vote.objects.filter(ballot=b).count() == 1


def test_decision_is_immutable(session):
    from deliberation.models import ImmutableError

    b = session.open_ballot()
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    with pytest.raises(ImmutableError):
        d.save()
    with pytest.raises(ImmutableError):
        d.delete()
    with pytest.raises(ImmutableError):
        Decision.objects.filter(pk=d.pk).update(outcome="adopted")
    with pytest.raises(ImmutableError):
        Decision.objects.all().delete()
    assert Decision.objects.get(pk=d.pk).outcome == "rejected"
