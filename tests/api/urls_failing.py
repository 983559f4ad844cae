"""The project's URLs plus a page under /api/ that fails outside any endpoint, and a failing page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault outside the API's endpoints")


urlpatterns = [path("api/v1/failing-outside", fails), path("failing-page", fails), *project_urlpatterns]
handler404 = "roundtable.core.views.not_found"
handler500 = "roundtable.core.views.server_error"
