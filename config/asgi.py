"""ASGI entry point: HTTP pages and API, and the WebSockets.

WebSockets (the live rooms', and each signed-in page's unread badge) are authenticated by
the session cookie (AuthMiddlewareStack) and refused during the handshake unless their
Origin is the site's own origin, scheme, host and port (roundtable/live/origin.py), so
another site cannot open a socket with a visitor's cookie.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

# Django must be set up (above) before anything that imports models.
django_asgi_app = get_asgi_application()

from roundtable.live.origin import SameOriginValidator  # noqa: E402
from roundtable.live.routing import websocket_urlpatterns  # noqa: E402
from roundtable.notifications.routing import websocket_urlpatterns as inbox_websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns + inbox_websocket_urlpatterns))
        ),
    }
)
