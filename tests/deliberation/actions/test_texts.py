"""Proposals, amendments and comments: the texts under debate, their versions and their diffs."""

from __future__ import annotations

import pytest

from deliberation import actions, events, selectors
from deliberation.actions import ActionError
from deliberation.models import (
    Amendment,
    Comment,
    Proposal,
    ProposalVersion,
)
from tests.deliberation.actions.support import amend, mgroup, types


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
