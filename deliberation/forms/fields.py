"""Fields and small forms every surface shares: texts with a limit, durations, buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation import timekeeping
from deliberation.text.sanitize import normalise_newlines

MAX_COMMENT = 5000
MAX_PARAGRAPH = 5000


class TextareaField(forms.CharField):
    """A textarea's text, its length counted as the person sees it: the CRLF line breaks
    that browsers send become LF before `max_length` is checked (and before the action sees
    the text), so a text typed within the limit is never refused for its line breaks. Past
    the limit, the form's error says so in the page, with the text kept. Every textarea with
    a maximum length uses this field: the room's forms, consultations, the desk."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            value = normalise_newlines(value)
        return super().to_python(value)


def _ids(name: str) -> str:
    # Several forms share one page: ids stay unique, field names stay plain.
    return f"id_{name}_%s"


class IdForm(forms.Form):
    """A button: one object id."""

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[field] = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class MinutesField(forms.CharField):
    """A duration typed in minutes (“3”, “2,5”, “1:30”), cleaned to seconds."""

    def __init__(self, **kwargs: Any) -> None:
        # No max_length: its validator would run on the cleaned seconds.
        attrs = {"inputmode": "decimal", "size": 6, "maxlength": 8}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return timekeeping.parse_minutes(value)
        except ValueError:
            raise forms.ValidationError(
                _("Indiquez des minutes, par exemple 3, 2,5 ou 1:30 (120 au plus).")
            ) from None


def minutes_value(seconds: int | None) -> str:
    """Seconds as the minutes field shows them back (“3”, “2:30”)."""
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}" if rest else str(minutes)
