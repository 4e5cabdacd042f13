"""Amendments to a proposal: propose, withdraw, rebase on the current version, and merge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from council.models import User
from deliberation import events, selectors
from deliberation.actions.common import (
    JUSTIFICATION_MAX,
    OPERATIONS_MAX,
    PARAGRAPH_MAX,
    ActionError,
    audit,
    clean_text,
    meeting_event,
    require,
)
from deliberation.models import (
    Amendment,
    Ballot,
    Proposal,
    ProposalVersion,
)
from deliberation.text.paragraphs import apply_operations, paragraph_map


def _clean_operations(operations: Any, base: Sequence[str]) -> list[dict[str, Any]]:
    """Validated operations against `base` (1-based paragraph numbers; 0 = before the first)."""
    if not isinstance(operations, list | tuple) or not operations:
        raise ActionError(_("Indiquez au moins une modification du texte."), "operations")
    if len(operations) > OPERATIONS_MAX:
        raise ActionError(
            _("Un amendement compte au plus %(n)s modifications.") % {"n": OPERATIONS_MAX},
            "operations",
        )
    cleaned: list[dict[str, Any]] = []
    touched: set[int] = set()
    for raw in operations:
        if not isinstance(raw, dict):
            raise ActionError(_("Modification illisible."), "operations")
        op = raw.get("op")
        if op not in Amendment.Op.values:
            raise ActionError(_("Choisissez : remplacer, supprimer ou insérer après."), "op")
        try:
            n = int(raw.get("paragraph"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ActionError(_("Indiquez le numéro du paragraphe visé."), "paragraph") from None
        low = 0 if op == Amendment.Op.INSERT_AFTER else 1
        if not low <= n <= len(base):
            raise ActionError(
                _("Le texte compte %(count)s paragraphes : le paragraphe %(n)s n'existe pas.")
                % {"count": len(base), "n": n},
                "paragraph",
            )
        text = ""
        if op != Amendment.Op.DELETE:
            text = clean_text(
                raw.get("text"), field="text", label=_("Nouveau texte"), maximum=PARAGRAPH_MAX
            )
        if op == Amendment.Op.REPLACE and text == base[n - 1]:
            raise ActionError(
                _("Le nouveau texte du paragraphe %(n)s est identique à l'actuel.") % {"n": n},
                "text",
            )
        if op != Amendment.Op.INSERT_AFTER:
            if n in touched:
                raise ActionError(
                    _("Le paragraphe %(n)s est modifié deux fois.") % {"n": n}, "paragraph"
                )
            touched.add(n)
        cleaned.append({"op": op, "paragraph": n, "text": text})
    if len(apply_operations(base, cleaned)) == 0:
        raise ActionError(_("Un amendement ne peut pas supprimer tout le texte."), "operations")
    return cleaned


def _next_amendment_number(proposal: Proposal) -> int:
    # The proposal row lock serialises numbering between concurrent amendments.
    Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
    last = Amendment.objects.filter(proposal=proposal).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def do_propose_amendment(
    proposal: Proposal,
    base_version: ProposalVersion,
    operations: list[dict[str, Any]],
    *,
    justification: str = "",
    rebased_from: Amendment | None = None,
    acting_user: User,
) -> Amendment:
    if selectors.latest_version(proposal).pk != base_version.pk:
        raise ActionError(_("Le texte a changé entre-temps : amendez la dernière version."))
    amendment = Amendment.objects.create(
        proposal=proposal,
        number=_next_amendment_number(proposal),
        base_version=base_version,
        author=acting_user,
        operations=operations,
        justification=justification,
        rebased_from=rebased_from,
    )
    item = proposal.agenda_item
    if rebased_from is None:
        meeting_event(
            item.meeting_id,
            events.AmendmentProposed(
                meeting_id=item.meeting_id,
                item_id=item.pk,
                proposal_id=proposal.pk,
                amendment_id=amendment.pk,
            ),
        )
    return amendment


def _base_version_of(proposal: Proposal, base_version_id: Any) -> ProposalVersion:
    try:
        pk = int(base_version_id)
    except (TypeError, ValueError):
        raise ActionError(_("Version du texte inconnue."), "base_version") from None
    version = ProposalVersion.objects.filter(pk=pk, proposal=proposal).first()
    if version is None:
        raise ActionError(_("Version du texte inconnue."), "base_version")
    if version.pk != selectors.latest_version(proposal).pk:
        raise ActionError(
            _(
                "Vous amendez la version %(old)s du texte, mais une version plus récente existe : "
                "relisez-la et déposez votre amendement sur celle-ci."
            )
            % {"old": version.number},
            "base_version",
        )
    return version


def check_propose_amendment(
    proposal: Proposal,
    *,
    base_version_id: Any,
    operations: Any,
    justification: Any = "",
    acting_user: User,
) -> Amendment:
    require(
        "deliberation.propose_amendment",
        acting_user,
        proposal,
        _("Vous ne pouvez pas amender ce texte (réservé aux membres, tant qu'il est en débat)."),
    )
    version = _base_version_of(proposal, base_version_id)
    return do_propose_amendment(
        proposal,
        version,
        _clean_operations(operations, version.paragraphs),
        justification=clean_text(
            justification,
            field="justification",
            label=_("Justification"),
            maximum=JUSTIFICATION_MAX,
            required=False,
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def do_withdraw_amendment(amendment: Amendment, *, acting_user: User) -> Amendment:
    amendment.state = Amendment.State.WITHDRAWN
    amendment.save(update_fields=["state"])
    item = amendment.proposal.agenda_item
    meeting_event(
        item.meeting_id,
        events.AmendmentWithdrawn(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=amendment.proposal_id,
            amendment_id=amendment.pk,
        ),
    )
    return amendment


def check_withdraw_amendment(amendment: Amendment, *, acting_user: User) -> Amendment:
    require(
        "deliberation.withdraw_amendment",
        acting_user,
        amendment,
        _("Seul·e l'auteur·rice peut retirer cet amendement, tant qu'il est déposé."),
    )
    if Ballot.objects.filter(amendment=amendment, state=Ballot.State.OPEN).exists():
        raise ActionError(_("Cet amendement est en cours de vote : il ne peut plus être retiré."))
    return do_withdraw_amendment(amendment, acting_user=acting_user)


@transaction.atomic
def do_rebase_amendment(
    amendment: Amendment,
    operations: list[dict[str, Any]],
    *,
    justification: str,
    acting_user: User,
) -> Amendment:
    # Under the stale amendment's row lock: a double submit restates it once.
    Amendment.objects.select_for_update().filter(pk=amendment.pk).first()
    restated = Amendment.objects.filter(rebased_from=amendment).first()
    if restated is not None:
        raise ActionError(
            _("Cet amendement a déjà été actualisé : c'est l'amendement n° %(number)s qui compte.")
            % {"number": restated.number}
        )
    proposal = amendment.proposal
    new = do_propose_amendment(
        proposal,
        selectors.latest_version(proposal),
        operations,
        justification=justification,
        rebased_from=amendment,
        acting_user=acting_user,
    )
    item = proposal.agenda_item
    meeting_event(
        item.meeting_id,
        events.AmendmentRebased(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=proposal.pk,
            amendment_id=amendment.pk,
            new_amendment_id=new.pk,
        ),
    )
    return new


def check_rebase_amendment(
    amendment: Amendment,
    *,
    operations: Any,
    justification: Any = None,
    acting_user: User,
) -> Amendment:
    require(
        "deliberation.rebase_amendment",
        acting_user,
        amendment,
        _("Seul·e l'auteur·rice peut actualiser un amendement devenu caduc."),
    )
    latest = selectors.latest_version(amendment.proposal)
    text = amendment.justification if justification is None else justification
    return do_rebase_amendment(
        amendment,
        _clean_operations(operations, latest.paragraphs),
        justification=clean_text(
            text,
            field="justification",
            label=_("Justification"),
            maximum=JUSTIFICATION_MAX,
            required=False,
        ),
        acting_user=acting_user,
    )


def merge_amendment(
    amendment: Amendment, *, acting_user: User
) -> tuple[ProposalVersion, list[int]]:
    """Merge an amendment into a new version; pending amendments on its paragraphs go stale.

    Pending amendments on other paragraphs follow the text: their paragraph numbers are
    carried over to the new version, so they stay votable.
    """
    proposal = Proposal.objects.select_for_update().get(pk=amendment.proposal_id)
    base = selectors.latest_version(proposal)
    if amendment.base_version_id != base.pk:
        raise ActionError(_("Cet amendement vise une version dépassée du texte."))
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=base.number + 1,
        paragraphs=apply_operations(base.paragraphs, amendment.operations),
        created_by=acting_user,
        from_amendment=amendment,
    )
    amendment.state = Amendment.State.ADOPTED
    amendment.save(update_fields=["state"])
    touched = amendment.paragraph_numbers
    mapping = paragraph_map(len(base.paragraphs), amendment.operations)
    stale: list[int] = []
    for other in Amendment.objects.filter(
        proposal=proposal, state=Amendment.State.PENDING, base_version=base
    ).exclude(pk=amendment.pk):
        if (
            other.paragraph_numbers & touched
            or not other.paragraph_numbers <= mapping.keys()
            or Ballot.objects.filter(amendment=other, state=Ballot.State.OPEN).exists()
        ):
            other.state = Amendment.State.STALE
            other.save(update_fields=["state"])
            stale.append(other.pk)
        else:
            other.operations = [
                {**o, "paragraph": mapping[int(o["paragraph"])]} for o in other.operations
            ]
            other.base_version = version
            other.save(update_fields=["operations", "base_version"])
    return version, stale


@transaction.atomic
def do_accept_amendment(amendment: Amendment, *, acting_user: User) -> ProposalVersion:
    """The chair takes an amendment over without a vote (the council agreed by consensus)."""
    version, stale = merge_amendment(amendment, acting_user=acting_user)
    item = amendment.proposal.agenda_item
    audit("amendment_accepted", actor=acting_user, meeting=item.meeting, amendment=amendment.pk)
    meeting_event(
        item.meeting_id,
        events.VersionMerged(
            meeting_id=item.meeting_id,
            item_id=item.pk,
            proposal_id=amendment.proposal_id,
            version_id=version.pk,
            amendment_id=amendment.pk,
            stale_amendment_ids=tuple(stale),
        ),
    )
    return version


def check_accept_amendment(amendment: Amendment, *, acting_user: User) -> ProposalVersion:
    require(
        "deliberation.accept_amendment",
        acting_user,
        amendment,
        _("Seule la présidence, en séance, peut accepter un amendement sans vote."),
    )
    if Ballot.objects.filter(amendment=amendment, state=Ballot.State.OPEN).exists():
        raise ActionError(_("Cet amendement est en cours de vote."))
    return do_accept_amendment(amendment, acting_user=acting_user)
