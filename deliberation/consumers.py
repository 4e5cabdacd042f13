"""The live room's socket: push-only.

A client connects to watch one meeting as one audience, in its page's language; the server
decides whether that audience is allowed to this user and joins the matching group (plus
the user's own group) for that language.
Everything a client sends is ignored: writes go through the pages' forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from deliberation import events, live

# Application close codes (4000–4999): the client does not retry a refusal.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class MeetingConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        audience = (query.get("audience") or [events.PUBLIC])[0]
        user = self.scope.get("user")
        allowed = await database_sync_to_async(live.allowed_audiences)(user, meeting_id)
        if allowed is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if audience not in allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Pushes come rendered in the language of the page that opened the socket.
        language = events.language_or_default((query.get("lang") or [""])[0])
        if language != settings.LANGUAGE_CODE:
            await database_sync_to_async(events.note_language)(meeting_id, language)
        groups = [events.audience_group(meeting_id, audience, language)]
        if user is not None and user.is_authenticated:
            groups.append(events.user_push_group(user.pk, language))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        # The base class leaves these groups on disconnect.
        self.groups = groups
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Push-only: nothing a client sends changes anything.
        return

    async def live_push(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])
