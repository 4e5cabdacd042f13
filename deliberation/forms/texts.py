"""The members' room forms on texts: comments and replies, amendments, their rebase,
and the chair hiding a comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.forms.fields import MAX_COMMENT, MAX_PARAGRAPH, TextareaField
from deliberation.models import Amendment


class CommentForm(forms.Form):
    target = forms.ChoiceField(label=_("Sur"))
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    body = TextareaField(
        label=_("Votre commentaire"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Liens permis ; pas d’images. %(max)s caractères au plus.")
        % {"max": MAX_COMMENT},
    )


class AmendmentForm(forms.Form):
    # "<proposal>-<version>": an amendment states which version it amends, so one written
    # while another was merged is refused as stale rather than misapplied.
    proposal = forms.ChoiceField(label=_("Proposition"))
    paragraph = forms.IntegerField(label=_("Paragraphe"), min_value=1, max_value=500)
    op = forms.ChoiceField(label=_("Modification"), choices=Amendment.Op.choices)
    text = TextareaField(
        label=_("Nouveau texte"),
        required=False,
        max_length=MAX_PARAGRAPH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Laissez vide pour une suppression."),
    )
    justification = TextareaField(
        label=_("Justification"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("op") in (Amendment.Op.REPLACE, Amendment.Op.INSERT_AFTER)
            and not (data.get("text") or "").strip()
        ):
            self.add_error("text", _("Indiquez le nouveau texte du paragraphe."))
        return data


class ReplyForm(forms.Form):
    """A reply under a comment: the thread it joins says what it is about."""

    parent = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    body = TextareaField(
        label=_("Votre réponse"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideCommentForm(forms.Form):
    """The chair or the secretariat hides a comment in the session's threads, with a reason
    that is shown in its place."""

    comment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motif"), max_length=255)


# The rebase form offers one row per operation of the stale amendment; a blank
# "modification" drops that row.
MAX_REBASE_ROWS = 50


class RebaseForm(forms.Form):
    """A stale amendment restated on the current version: its operations, pre-filled."""

    amendment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, rows: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = max(1, min(rows, MAX_REBASE_ROWS))
        for i in range(self.rows):
            n = i + 1
            self.fields[f"op_{i}"] = forms.ChoiceField(
                label=_("Modification %(n)s") % {"n": n},
                choices=[("", _("— ne pas reprendre —")), *Amendment.Op.choices],
                required=False,
            )
            self.fields[f"paragraph_{i}"] = forms.IntegerField(
                label=_("Paragraphe (modification %(n)s)") % {"n": n},
                min_value=0,
                max_value=500,
                required=False,
            )
            self.fields[f"text_{i}"] = TextareaField(
                label=_("Nouveau texte (modification %(n)s)") % {"n": n},
                required=False,
                max_length=MAX_PARAGRAPH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["justification"] = TextareaField(
            label=_("Justification"),
            required=False,
            max_length=MAX_COMMENT,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    @staticmethod
    def rows_in(data: Any) -> int:
        """How many operation rows a posted form carries."""
        return sum(1 for i in range(MAX_REBASE_ROWS) if f"op_{i}" in data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        operations = []
        for i in range(self.rows):
            op = data.get(f"op_{i}")
            if not op:
                continue
            if data.get(f"paragraph_{i}") is None:
                self.add_error(f"paragraph_{i}", _("Indiquez le numéro du paragraphe visé."))
                continue
            operations.append(
                {"op": op, "paragraph": data[f"paragraph_{i}"], "text": data.get(f"text_{i}", "")}
            )
        if not operations and not self.errors:
            raise forms.ValidationError(_("Indiquez au moins une modification du texte."))
        data["operations"] = operations
        return data
