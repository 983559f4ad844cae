"""The benchmarks measure the production servers as `scripts/serve` starts them (issue 13,
item 2): bench/common.py's command lines for the pages (granian) and the sockets (uvicorn)
are the ones in scripts/serve, flag for flag."""

from __future__ import annotations

import importlib.util
import re
import shlex
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
