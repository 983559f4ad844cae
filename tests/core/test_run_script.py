"""make run (scripts/run) stops, and says why, when the task worker dies (tester's finding
13), as scripts/serve does: a demo site must not go on serving with nobody sending its
emails. Run here with a stand-in interpreter and uvicorn (PYTHON), so no server starts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/usr/bin/env bash
# manage.py <command>: migrate, collectstatic and demo_data succeed; db_worker dies.
if [ "$2" = "db_worker" ]; then sleep 0.5; echo "worker: database gone" >&2; exit "${WORKER_EXIT:-3}"; fi
exit 0
"""
FAKE_UVICORN = """#!/usr/bin/env bash
trap 'echo stopped > "$MARKS/uvicorn"; exit 0' TERM
echo started > "$MARKS/uvicorn"
while true; do sleep 0.1; done
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("python", FAKE_PYTHON), ("uvicorn", FAKE_UVICORN)):
        path = bin_dir / name
        path.write_text(text)
        path.chmod(0o755)
    return subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "run")],
        env={**os.environ, "PYTHON": str(bin_dir / "python"), "MARKS": str(tmp_path), "PORT": "8109", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_demo_stops_and_says_why_when_the_worker_dies(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == 3
    assert done.stderr.splitlines()[-2:] == [
        "worker: database gone",
        "The task worker stopped (exit status 3), so the demo stops too: without it no email, reminder or new "
        "meeting of a series would go out. Its messages are above; make run starts both again.",
    ]
    # The web server was stopped, not left serving.
    assert (tmp_path / "uvicorn").read_text() == "stopped\n"


def test_a_worker_that_ends_cleanly_still_stops_the_demo(tmp_path: Path) -> None:
    done = _run(tmp_path, WORKER_EXIT="0")
    assert done.returncode == 1
    assert "The task worker stopped (exit status 0), so the demo stops too" in done.stderr
    assert (tmp_path / "uvicorn").read_text() == "stopped\n"
