"""Deployment checks (`manage.py check --deploy`): a production start refuses a demo.

scripts/serve, the production command, runs `check --deploy --database default` first and
does not start when any of these is reported (issue 8: "production is never a demo"):

- rt.E001 the development SECRET_KEY (settings.DEV_SECRET_KEY, which make run uses);
- rt.E002 HTTPS off (ROUNDTABLE_HTTPS=false: cookies without Secure, no HSTS);
- rt.E003 DEBUG on;
- rt.E004 any account whose password is the demo's published one (core/demo.py). Only with
  --database: it reads the accounts. Checking every hash would take seconds per thousand
  accounts (Argon2 is slow on purpose), so it checks each distinct hash among the accounts
  that could have it: hashes shared by several accounts (the demo set-up hashes once for
  everyone), staff accounts, and the demo domain's. Nobody else can have it: the password
  validators refuse it (accounts/validators.py);
- rt.E005 no REDIS_URL. Production runs pages and the API in WSGI workers (granian,
  PAGE_WORKERS) and the live rooms in ASGI workers (uvicorn, SOCKET_WORKERS), never fewer than
  two processes; without Redis each would keep its own in-memory cache (login and sign-up
  limits multiplied by the process count, the discovery cache stale in some of them) and its
  own in-memory channel layer: a page that changes a room (opening it, a member leaving the
  group) would broadcast to nobody, since the sockets live in another process. `make run`, a
  demo, serves everything from one process and needs no Redis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def production_is_not_a_demo(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the development key, which is published with the code.",
                hint="Set SECRET_KEY in the environment to a long random value (docs/operations.md).",
                id="rt.E001",
            )
        )
    if not settings.HTTPS:
        errors.append(
            Error(
                "HTTPS is off (ROUNDTABLE_HTTPS=false): cookies would travel in the clear.",
                hint="Serve through TLS on the reverse proxy and leave ROUNDTABLE_HTTPS unset (or true).",
                id="rt.E002",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on.", hint="Unset DEBUG (it is off by default).", id="rt.E003"))
    if not settings.REDIS_URL:
        errors.append(
            Error(
                "REDIS_URL is not set: pages (granian) and live rooms (uvicorn) run in separate "
                "processes, which share rate limits and live-room messages only through Redis.",
                hint="Install Redis (apt-get install redis-server) and set REDIS_URL=redis://127.0.0.1:6379/0.",
                id="rt.E005",
            )
        )
    return errors


@register(Tags.database, deploy=True)
def no_demo_passwords(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    # Tagged "database": Django runs it only when a --database is named (scripts/serve does).
    return [error for alias in databases or [] for error in _demo_password_accounts(alias)]


def _demo_password_accounts(alias: str) -> list[CheckMessage]:
    from django.contrib.auth.hashers import check_password
    from django.db import DatabaseError
    from django.db.models import Count, Q

    from roundtable.accounts.models import User

    from .demo import DEMO_DOMAIN, DEMO_PASSWORD

    users = User.objects.using(alias)
    shared = users.values("password").annotate(n=Count("id")).filter(n__gt=1).values("password")
    candidates = users.filter(
        Q(password__in=shared) | Q(is_staff=True) | Q(is_superuser=True) | Q(email__iendswith=f"@{DEMO_DOMAIN}")
    )
    try:
        hashes = {h for h in candidates.values_list("password", flat=True).distinct() if h}
    except DatabaseError:
        # Not migrated yet (a first start): no accounts, so none with the demo password.
        return []
    demo_hashes = [h for h in hashes if check_password(DEMO_PASSWORD, h)]
    if not demo_hashes:
        return []
    found = users.filter(password__in=demo_hashes).order_by("email")
    count = found.count()
    sample = ", ".join(found.values_list("email", flat=True)[:3])
    return [
        Error(
            f"{count} account(s) have the demo's published password ({sample}{', ...' if count > 3 else ''}).",
            hint="This database holds demo data: start production on its own database, or set new "
            "passwords for those accounts (manage.py changepassword) or deactivate them.",
            id="rt.E004",
        )
    ]
