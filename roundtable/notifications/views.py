"""The inbox, its preferences and the one-click unsubscribe, under /inbox/. Thin: selectors
read (owner-only, 404 for anyone else's notification), services write. Every page works
without JavaScript; the badge's socket (static/notifications/badge.js) only keeps the count
in the navigation fresh."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.models import User
from roundtable.core.http import AuthedRequest

from . import kinds, selectors, services, unsubscribe
from .forms import PreferencesForm


def _page_number(text: str | None) -> int:
    """A `page` parameter as discovery reads it: anything but a positive whole number is 1."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return 1
    return max(1, int(text))


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    page = selectors.inbox_page(request.user, _page_number(request.GET.get("page")))
    return render(request, "notifications/inbox.html", {"page": page, "has_kinds": bool(kinds.all_kinds())})


@login_required
@require_GET
def open_item(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Follow a notification's link: marked read, then on to where acting on it happens."""
    notification = services.notification_mark_read(user=request.user, public_id=public_id)
    item = selectors._item(notification)
    url = item.url if item is not None else ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        url = reverse("notifications:inbox")
    return HttpResponseRedirect(url)


def _back(request: AuthedRequest) -> HttpResponse:
    page = _page_number(request.POST.get("page"))
    url = reverse("notifications:inbox")
    return redirect(f"{url}?page={page}" if page > 1 else url)


@login_required
@require_POST
def mark_read(request: AuthedRequest, public_id: str) -> HttpResponse:
    services.notification_mark_read(user=request.user, public_id=public_id)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    changed = services.notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} read.")
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PreferencesForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(person=request.user, choices=form.choices())
        messages.success(request, "Saved: notifications reach you as you chose.")
        return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


def _unsubscribe_target(token: str) -> tuple[User, kinds.Kind] | None:
    read = unsubscribe.read_token(token)
    if read is None:
        return None
    public_id, key = read
    kind = kinds.get(key)
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if kind is None or user is None:
        return None
    return user, kind


@csrf_exempt  # the signed token is the authority; mail clients POST here with no cookie (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link stops, and one button. POST (the button, or a mail client's
    one-click): that kind's email set to "never", the inbox left as it was."""
    target = _unsubscribe_target(token)
    if target is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    user, kind = target
    done = False
    if request.method == "POST":
        inbox_on, _ = services.preference_of(user, kind)
        services.preference_set(person=user, kind=kind.key, inbox=inbox_on, email="never")
        done = True
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "token": token})
