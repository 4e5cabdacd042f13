from django.urls import path

from deliberation.live.consumers import MeetingConsumer

websocket_urlpatterns = [
    path("ws/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi()),
]
