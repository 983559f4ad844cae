"""WebSocket routes of the live room (config/asgi.py mounts them behind session auth and
the same-origin check (origin.py))."""

from django.urls import path

from roundtable.core import ids  # noqa: F401  (registers the "pid" converter)

from . import consumers

# Addressed by the meeting's public identifier, never a counting id (core.ids says why).
websocket_urlpatterns = [
    path("ws/rooms/<pid:public_id>/", consumers.RoomConsumer.as_asgi()),
]
