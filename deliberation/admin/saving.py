"""Wagtail's create and edit actions, saving through deliberation's actions."""

from __future__ import annotations

from typing import Any


class SaveThroughAction:
    """Replaces Wagtail's generic `form.save()`: the form fills the object in memory (with its
    clusters), then `save_through` hands it to the action that checks and saves it."""

    form: Any = None
    instance: Any = None
    user: Any = None

    def save_through(self, obj: Any) -> Any:
        raise NotImplementedError

    def _save_instance(self) -> None:
        obj = self.form.save(commit=False) if self.form is not None else self.instance
        self.instance = self.save_through(obj)
        if self.form is not None:
            self.form.save_m2m()
