"""The one way out to Channels.

Actions describe what happened as a typed event and hand it to `send_event_on_commit`;
nothing else in the code base talks to the channel layer (ruff's TID251 enforces it).
Events leave only once the transaction that caused them has committed, so no watcher
ever sees a state that was rolled back.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every event: a namespaced type and public fields only."""

    type: ClassVar[str]

    def as_message(self) -> dict[str, Any]:
        # Channels routes "a.b" to the consumer method "a_b".
        return {"type": self.type, **dataclasses.asdict(self)}


def send_event_on_commit(group: str, event: Event) -> None:
    """Send `event` to `group` once the current transaction commits."""
    message = event.as_message()

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    transaction.on_commit(send, robust=True)
