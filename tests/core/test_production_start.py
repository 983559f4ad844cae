"""`make run` is a demo; a production start never is (issue 8). The production command,
scripts/serve, refuses the development key, HTTPS off, DEBUG on, any account whose password
is the demo's published one, and a start without Redis, which its pages and sockets
processes need to share rate limits and live rooms (roundtable/core/checks.py)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from roundtable.accounts.models import User
from roundtable.core.demo import DEMO_PASSWORD
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
OWN_KEY = "a-production-key-" + "x" * 40
REDIS = "redis://127.0.0.1:6379/0"


def _ours(*, databases: list[str] | None = None) -> list[str]:
    found = run_checks(include_deployment_checks=True, databases=databases)
    return sorted(m.id for m in found if m.id and m.id.startswith("rt."))


def _production(settings: Settings) -> None:
    settings.SECRET_KEY = OWN_KEY
    settings.HTTPS = True
    settings.DEBUG = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"


def test_the_development_settings_are_refused(settings: Settings) -> None:
    settings.SECRET_KEY = django_settings.DEV_SECRET_KEY
    settings.HTTPS = False
    settings.DEBUG = True
    settings.REDIS_URL = ""
    assert _ours() == ["rt.E001", "rt.E002", "rt.E003", "rt.E005"]
    _production(settings)
    assert _ours() == []


@pytest.mark.django_db
def test_an_account_with_the_demo_password_is_refused(settings: Settings) -> None:
    _production(settings)
    UserFactory()  # a person's own password
    assert _ours(databases=["default"]) == []
    # As the demo set-up makes them: one hash shared by every demo account.
    shared = make_password(DEMO_PASSWORD)
    User.objects.bulk_create([User(email=f"p{n}@example.org", password=shared) for n in range(3)])
    assert _ours(databases=["default"]) == ["rt.E004"]
    (error,) = [m for m in run_checks(include_deployment_checks=True, databases=["default"]) if m.id == "rt.E004"]
    assert error.msg == (
        "3 account(s) have the demo's published password (p0@example.org, p1@example.org, p2@example.org)."
    )
    # A single staff account with it is found too (createsuperuser --noinput skips validators).
    User.objects.filter(email__startswith="p").delete()
    User.objects.create_superuser("root@example.org", DEMO_PASSWORD)
    assert _ours(databases=["default"]) == ["rt.E004"]


@pytest.mark.django_db
def test_demo_data_loads_only_under_the_development_key(settings: Settings) -> None:
    settings.SECRET_KEY = OWN_KEY
    with pytest.raises(CommandError) as refused:
        call_command("demo_data")
    assert str(refused.value) == (
        "Demo data loads only into a demo (make run, with the development key), never "
        "into a site with its own SECRET_KEY: it shares one published password."
    )
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_nobody_can_choose_the_demo_password() -> None:
    r = Client().post(
        "/accounts/signup/", {"email": "new@example.com", "password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD}
    )
    assert r.status_code == 200
    assert "This password is published with the demo. Choose your own." in r.text
    assert User.objects.filter(email="new@example.com").exists() is False


def _serve_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "ROUNDTABLE_TESTING", "ROUNDTABLE_HTTPS", "DEBUG", "REDIS_URL"}
    }
    base.update(
        ROUNDTABLE_TESTING="false",
        ROUNDTABLE_VAR_DIR=str(tmp_path),
        SQLITE_PATH=str(tmp_path / "fresh.sqlite3"),
        ALLOWED_HOSTS="roundtable.example.org",
        ROUNDTABLE_DEV_SECRET="1",  # make run's flag: scripts/serve must ignore it
    )
    base.update(env)
    return subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve"), "--check"],
        env=base,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_scripts_serve_refuses_a_demo_and_accepts_production(tmp_path: Path) -> None:
    no_key = _serve_check(tmp_path)
    assert no_key.returncode != 0
    assert "SECRET_KEY is not set." in no_key.stderr
    dev = _serve_check(tmp_path, SECRET_KEY=django_settings.DEV_SECRET_KEY, ROUNDTABLE_HTTPS="false")
    assert dev.returncode == 1
    assert "rt.E001" in dev.stderr
    assert "rt.E002" in dev.stderr
    assert "Roundtable will not start" in dev.stderr
    ok = _serve_check(tmp_path, SECRET_KEY=OWN_KEY, EMAIL_HOST="smtp.example.org", REDIS_URL=REDIS)
    assert (ok.returncode, ok.stdout.strip().splitlines()[-1]) == (0, "Production checks passed.")


def test_scripts_serve_refuses_to_start_without_redis(tmp_path: Path) -> None:
    # Issue 8, finding 2, and issue 13: production always runs pages (granian) and sockets
    # (uvicorn) in separate processes; without Redis each keeps its own cache (login limits
    # multiplied) and its own channel layer (a page's broadcast never reaches the sockets).
    none = _serve_check(tmp_path, SECRET_KEY=OWN_KEY, EMAIL_HOST="smtp.example.org")
    assert none.returncode == 1
    assert (
        "(rt.E005) REDIS_URL is not set: pages (granian) and live rooms (uvicorn) run in separate processes, "
        "which share rate limits and live-room messages only through Redis."
    ) in none.stderr
    assert "HINT: Install Redis (apt-get install redis-server) and set REDIS_URL=redis://127.0.0.1:6379/0." in (
        none.stderr
    )
    # The check reads the setting; it does not need Redis to answer.
    with_redis = _serve_check(tmp_path, SECRET_KEY=OWN_KEY, EMAIL_HOST="smtp.example.org", REDIS_URL=REDIS)
    assert (with_redis.returncode, with_redis.stdout.strip().splitlines()[-1]) == (0, "Production checks passed.")


def test_the_redis_check_reads_the_setting(settings: Settings) -> None:
    _production(settings)
    settings.REDIS_URL = ""
    assert _ours() == ["rt.E005"]
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert _ours() == []


def test_both_start_scripts_leave_the_client_address_to_the_settings() -> None:
    # Issue 8, finding 13: uvicorn's proxy headers would trust X-Forwarded-For from localhost
    # and let a client choose its own rate-limit key; TRUSTED_PROXY_COUNT decides instead.
    for script in ("serve", "run"):
        text = (ROOT / "scripts" / script).read_text()
        # One command over several lines: a backslash continuation, or a bash array whose next
        # line carries more options.
        joined = re.sub(r"\n\s+--", " --", text.replace("\\\n", " "))
        (launch,) = [line for line in joined.splitlines() if "config.asgi:application" in line]
        assert "--no-proxy-headers" in launch.split(), script
