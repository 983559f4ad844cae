"""Small helpers the benchmark scripts share: percentiles, a free port, the environment of a
server they start, the production servers' command lines (as scripts/serve starts them),
waiting for a server, the machine's load, and reading one HTTP/1.1 response from a
keep-alive connection."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a production server (or manage.py) that a benchmark starts: DEBUG
    off, the development key, plain HTTP, quiet logs, no demo data, the benchmark's own var
    directory, and none of the caller's database, Redis or settings variables. `settings` adds
    to it or overrides it."""
    drop = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SQLITE_PATH", "ROUNDTABLE_TESTING", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        ROUNDTABLE_DEV_SECRET="1",  # noqa: S106 - a flag for the development key, not a secret
        ROUNDTABLE_HTTPS="false",
        ROUNDTABLE_VAR_DIR=str(var_dir),
        ROUNDTABLE_DEMO_DATA="false",
        LOG_LEVEL="WARNING",
    )
    env.update(settings)
    return env


# The checkout every benchmark runs in, and its virtualenv: one definition for all of them.
BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"
CORES = os.cpu_count() or 1


def page_server_cmd(port: int, workers: int = CORES, threads: int = 2) -> list[str]:
    """Pages and the API as `scripts/serve pages` runs them: granian's WSGI workers (one per
    core by default, 2 blocking threads each). tests/core/test_serving.py keeps the two equal."""
    return [str(VENV_BIN / "granian"), "--interface", "wsgi", "config.wsgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws",
            "--respawn-failed-workers", "--workers-kill-timeout", "30", "--log-level", "warning"]  # fmt: skip


def socket_server_cmd(port: int, workers: int = 1) -> list[str]:
    """The live rooms' sockets as `scripts/serve sockets` runs them: uvicorn's ASGI workers."""
    return [str(VENV_BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--no-proxy-headers", "--ws-per-message-deflate", "false", "--no-access-log",
            "--log-level", "warning"]  # fmt: skip


def shown(cmd: list[str]) -> str:
    """A command line as printed: the program's name without the virtualenv's path."""
    return " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))


def load() -> str:
    """The machine's load averages (1, 5, 15 min): every figure is printed with them, since
    other work on the machine moves the figures."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {CORES} CPUs"


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz in time")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunks.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(c[:-2] for c in chunks)
    else:
        body = await reader.read()
    return status, body


def migrate_and_collect() -> None:
    """In a benchmark's Django child process: migrate its database and collect the static files
    (DEBUG is off, so pages name hashed files), printing how long both took."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"  migrate and collectstatic {time.monotonic() - started:.1f} s")
