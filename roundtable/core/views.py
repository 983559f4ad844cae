from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roundtable.groups.templates_of_kind import KIND_ADVICE


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    kinds = [{"value": k, "label": k.label, "advice": advice} for k, advice in KIND_ADVICE.items()]  # type: ignore[attr-defined]
    return render(request, "core/home.html", {"kinds": kinds})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """A bare liveness answer; also the baseline view for bench/throughput.py."""
    return HttpResponse("ok", content_type="text/plain")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # One body for every missing or hidden thing, so a secret group is indistinguishable
    # from one that never existed.
    return render(request, "404.html", status=404)
