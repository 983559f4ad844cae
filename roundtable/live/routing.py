"""WebSocket routes of the live room (config/asgi.py mounts them behind session auth and
the same-origin check (origin.py))."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/rooms/<int:roundtable_id>/", consumers.RoomConsumer.as_asgi()),
]
