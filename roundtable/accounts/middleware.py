"""Keeps each signed-in device's "last active" for the sessions page, cheaply.

allauth.usersessions' own middleware (USERSESSIONS_TRACK_ACTIVITY) reads and writes the
device's row on every request: a write per page view, which on SQLite takes the database's
one write lock each time. This one writes at most once per ACTIVITY_INTERVAL per device: the
time of its last write rides in the session, which is loaded anyway. A sign-in (any way:
allauth's, the admin's, the test client's force_login) starts the interval
(security.on_django_login), and allauth records the device itself at sign-in, so the first
page after signing in writes nothing either, and every page costs the same queries.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.usersessions.models import UserSession
from django.http import HttpRequest, HttpResponse

ACTIVITY_INTERVAL = 300  # seconds
SEEN_SESSION_KEY = "rt_device_seen_at"


class DeviceActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = time.time()
            seen = session.get(SEEN_SESSION_KEY)
            if (
                not isinstance(seen, (int, float)) or now - seen >= ACTIVITY_INTERVAL
            ) and request.user.is_authenticated:
                UserSession.objects.create_from_request(request)
                session[SEEN_SESSION_KEY] = now
        return self.get_response(request)
