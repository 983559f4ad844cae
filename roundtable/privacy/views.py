"""The data-rights pages: /me/data/ (what the export holds, the JSON download, the readable
summary) and /me/delete/ (behind allauth's reauthentication, which covers a second factor)."""

from __future__ import annotations

from datetime import datetime

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.core.http import AuthedRequest

from . import export, services
from .forms import DeleteForm
from .registry import holdings


@login_required
@require_GET
def data(request: AuthedRequest) -> HttpResponse:
    areas: dict[str, list[str]] = {}
    for h in holdings():
        areas.setdefault(h.area, []).append(h.label)
    ctx = {"areas": areas, "exports_left": services.exports_left(request.user), "per_hour": services.EXPORTS_PER_HOUR}
    return render(request, "privacy/data.html", ctx)


def _too_many(request: AuthedRequest, exc: services.PrivacyError) -> HttpResponse:
    ctx = {"areas": {}, "exports_left": 0, "per_hour": services.EXPORTS_PER_HOUR, "refused": exc.message}
    return render(request, "privacy/data.html", ctx, status=exc.status)


@login_required
@require_GET
def download(request: AuthedRequest) -> HttpResponse:
    try:
        doc = services.export_make(user=request.user, request=request)
    except services.PrivacyError as exc:
        return _too_many(request, exc)
    response = HttpResponse(services.export_json(doc), content_type="application/json; charset=utf-8")
    day = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="roundtable-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def summary(request: AuthedRequest) -> HttpResponse:
    try:
        doc = services.export_make(user=request.user, request=request)
    except services.PrivacyError as exc:
        return _too_many(request, exc)
    by_key = {h.key: h for h in holdings()}
    areas: dict[str, list[dict[str, object]]] = {}
    for key, rows in doc.items():
        holding = by_key.get(key)
        if holding is None:
            continue
        areas.setdefault(holding.area, []).append(
            {"label": holding.label, "rows": rows, "columns": holding.exported_fields() if not rows else list(rows[0])}
        )
    made = datetime.fromisoformat(doc["exported_at"])
    ctx = {"doc": doc, "made": made, "person": doc["person"], "areas": areas, "you": export.YOU}
    response = render(request, "privacy/summary.html", ctx)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = DeleteForm(request.POST if request.method == "POST" else None, email=user.email)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["contributions"] == "keep"
        services.account_delete(user=user, keep_contributions=keep, request=request)
        logout(request)
        return redirect("privacy:deleted")
    ctx = {"form": form, "plan": services.deletion_plan(user)}
    return render(request, "privacy/delete.html", ctx, status=400 if request.method == "POST" else 200)


@require_GET
def deleted(request: AuthedRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html")
