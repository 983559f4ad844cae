from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from roundtable.core import readiness


def _contact_email() -> str:
    # The operator's public address is the one mail goes out from: one setting, not two.
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/contact.html", {"contact_email": _contact_email()})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/privacy.html", {"contact_email": _contact_email()})


@require_GET
def code_of_conduct(request: HttpRequest) -> HttpResponse:
    """The site-wide code of conduct (issue 12): linked from every page's footer, accepted on sign-up."""
    return render(request, "core/pages/code_of_conduct.html")


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/terms.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """A bare liveness answer (the process answers; readiness is /readyz); also the baseline
    view for bench/throughput.py."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness (core/readiness.py): 200 "ready" or 503 "not ready", then one line per check,
    `name: ok|FAIL - reason`, as plain text for people and probes alike."""
    checks = readiness.check_all()
    ready = all(c.ok for c in checks)
    lines = ["ready" if ready else "not ready"]
    lines += [f"{c.name}: {'ok' if c.ok else 'FAIL'} - {c.detail}" for c in checks]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=200 if ready else 503)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # One body for every missing or hidden thing, so a secret group is indistinguishable
    # from one that never existed.
    return render(request, "404.html", status=404)


# Error pages: every answer a person can meet is a whole page of the site (landmarks, a way on),
# never Django's bare text. Hidden things answer 404 above, never 403.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from a page that was open too long, or from elsewhere.
    The reason is for logs, not for people (Django's own view says the same)."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request's context: whatever failed (the database, say) must not
    # fail this page too. 500.html stands alone.
    return render(None, "500.html", status=500)  # type: ignore[arg-type]
