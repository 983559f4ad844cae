"""The data-rights pages: /me/data/ (what the export holds, the JSON download, the readable
summary) and /me/delete/ (behind allauth's reauthentication, which covers a second factor)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
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


ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
GROUP_KEYS = ("group", "group_id")


def _readable_value(key: str, value: Any, groups: dict[int, str]) -> Any:
    """One exported value as the summary page shows it: a group by its name, a time in words
    (the site's time zone), a structure as JSON; the rest as it is."""
    if key in GROUP_KEYS and isinstance(value, int) and value in groups:
        return groups[value]
    if isinstance(value, str) and ISO_TIME.match(value):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(when):
            when = timezone.localtime(when)
        return dateformat.format(when, "j M Y, H:i")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def _readable(rows: list[dict[str, Any]], groups: dict[int, str]) -> list[dict[str, Any]]:
    """Rows with words for keys ("created_at" reads "Created at") and readable values."""
    return [
        {key.replace("_", " ").capitalize(): _readable_value(key, value, groups) for key, value in row.items()}
        for row in rows
    ]


def _group_names(doc: dict[str, Any]) -> dict[int, str]:
    """The names of the groups the person's own rows point at (one query): groups they were in,
    reported in, or that a story of theirs names. The JSON keeps the ids."""
    from roundtable.groups.models import Group

    ids = {
        value
        for rows in doc.values()
        if isinstance(rows, list)
        for row in rows
        if isinstance(row, dict)
        for key, value in row.items()
        if key in GROUP_KEYS and isinstance(value, int)
    }
    return dict(Group.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


@login_required
@require_GET
def summary(request: AuthedRequest) -> HttpResponse:
    try:
        doc = services.export_make(user=request.user, request=request)
    except services.PrivacyError as exc:
        return _too_many(request, exc)
    by_key = {h.key: h for h in holdings()}
    groups = _group_names(doc)
    areas: dict[str, list[dict[str, object]]] = {}
    for key, rows in doc.items():
        holding = by_key.get(key)
        if holding is None:
            continue
        areas.setdefault(holding.area, []).append(
            {
                "label": holding.label,
                "rows": _readable(rows, groups),
                "columns": holding.exported_fields() if not rows else list(rows[0]),
            }
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
