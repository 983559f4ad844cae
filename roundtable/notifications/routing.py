"""The WebSocket route of the unread badge (config/asgi.py mounts it beside the live rooms',
behind session auth and the same-origin check)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/notifications/", consumers.InboxConsumer.as_asgi()),
]
