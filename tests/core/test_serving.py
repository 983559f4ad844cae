"""The benchmarks measure the production servers as `scripts/serve` starts them (issue 13,
item 2): bench/common.py's command lines for the pages (granian) and the sockets (uvicorn)
are the ones in scripts/serve, flag for flag."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SERVE = (ROOT / "scripts" / "serve").read_text()


def _bench_common() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "common.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _serve_array(name: str, values: dict[str, str]) -> list[str]:
    """A bash array of scripts/serve, its variables replaced by `values`."""
    found = re.search(rf"^{name}=\((.*?)\)$", SERVE, re.M | re.S)
    assert found is not None, name
    words = shlex.split(found.group(1))
    out = []
    for word in words:
        for var, value in values.items():
            word = word.replace(f"${var}", value)
        out.append(word)
    return out


def _named(cmd: list[str]) -> list[str]:
    return [Path(cmd[0]).name, *cmd[1:]]


def test_the_benchmarks_start_the_pages_as_scripts_serve_does() -> None:
    common = _bench_common()
    values = {"BIN": "/x", "HOST": "127.0.0.1", "PORT": "8123", "PAGE_WORKERS": "3", "PAGE_THREADS": "2"}
    assert _named(_serve_array("PAGES", values)) == _named(common.page_server_cmd(8123, 3, 2))


def test_the_benchmarks_start_the_sockets_as_scripts_serve_does() -> None:
    common = _bench_common()
    values = {"BIN": "/x", "HOST": "127.0.0.1", "SOCKETS_PORT": "8124", "SOCKET_WORKERS": "2"}
    assert _named(_serve_array("SOCKETS", values)) == _named(common.socket_server_cmd(8124, 2))


def test_worker_counts_follow_the_cores() -> None:
    assert 'CORES="$(nproc' in SERVE
    assert 'PAGE_WORKERS="${PAGE_WORKERS:-$CORES}"' in SERVE
    assert 'SOCKET_WORKERS="${SOCKET_WORKERS:-$CORES}"' in SERVE


def _conn_settings(entry: str, **env: str) -> str:
    """CONN_MAX_AGE and CONN_HEALTH_CHECKS of the default database in a fresh process that
    starts Django through `entry` (the WSGI module, or a plain setup)."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ROUNDTABLE_PERSISTENT_CONNECTIONS"}}
    base.update(DJANGO_SETTINGS_MODULE="config.settings", ROUNDTABLE_DEV_SECRET="1", ROUNDTABLE_TESTING="false")
    base.update(env)
    code = f"{entry}\nfrom django.conf import settings\nd = settings.DATABASES['default']\n"
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, check=True)  # noqa: S603 - our own code
    return out.stdout.strip()


def test_wsgi_workers_keep_their_database_connections_other_processes_do_not() -> None:
    # A WSGI worker's few threads each keep theirs (connecting per request cost a third of a
    # page); ASGI, the task worker and manage.py connect per request or task, as before.
    assert _conn_settings("import config.wsgi") == "None True"
    assert _conn_settings("import django; django.setup()") == "0 False"
    assert _conn_settings("import config.asgi") == "0 False"
