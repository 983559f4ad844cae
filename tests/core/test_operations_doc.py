"""The docs deploy it (issue 9, item 14): docs/operations.md lists every environment variable
the code reads (and none it does not), gives the release in order with what breaks without
each step, names only commands that exist, and shows the nginx configuration that the proxy
browser test runs (docs/nginx/roundtable.conf, issue 13): /ws/ to the sockets with the
WebSocket upgrade, the rest to the pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "operations.md").read_text()
NGINX = ROOT / "docs" / "nginx" / "roundtable.conf"
SCRIPTS = ("serve", "run")


def _section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else len(DOC)]


def _name_of(call: ast.Call) -> str | None:
    """The variable's name when `call` reads the environment: os.environ.get("X"),
    os.getenv("X"), or one of settings' env_bool/env_int/env_list("X", ...)."""
    func = call.func
    reads = (
        (isinstance(func, ast.Attribute) and func.attr == "get" and ast.unparse(func.value) == "os.environ")
        or ast.unparse(func) == "os.getenv"
        or (isinstance(func, ast.Name) and func.id.startswith("env_"))
    )
    if reads and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _read_by_python(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and (name := _name_of(node)):
            names.add(name)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(str(node.slice.value))
    return names


def read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in [*(ROOT / "config").glob("*.py"), *(ROOT / "roundtable").rglob("*.py")]:
        names |= _read_by_python(path)
    for script in SCRIPTS:
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):-", (ROOT / "scripts" / script).read_text()))
    return names


def documented() -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", _section("Settings"), flags=re.MULTILINE))


def test_the_reader_finds_each_way_of_reading_the_environment(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "a = os.environ.get('A_VAR', '')\n"
        "b = os.getenv('B_VAR')\n"
        "c = os.environ['C_VAR']\n"
        "d = env_int('D_VAR', 3)\n"
        "os.environ['NOT_READ'] = '1'\n"
        "os.environ.setdefault('ALSO_NOT_READ', 'x')\n"
    )
    assert _read_by_python(sample) == {"A_VAR", "B_VAR", "C_VAR", "D_VAR"}


def test_every_environment_variable_the_code_reads_is_documented_and_no_other() -> None:
    read, listed = read_by_the_code(), documented()
    # Those the issue named, so the reader above cannot quietly miss them.
    assert {"CSRF_TRUSTED_ORIGINS", "LOG_LEVEL", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"} <= read
    assert {"SQLITE_PATH", "ROUNDTABLE_VAR_DIR", "PAGE_WORKERS", "SOCKET_WORKERS", "DATABASE_POOL"} <= read
    assert sorted(read - listed) == [], "read by the code but not in docs/operations.md's Settings"
    assert sorted(listed - read) == [], "in docs/operations.md's Settings but read nowhere"


def test_the_release_is_in_order_and_says_what_breaks_without_each_step() -> None:
    step = r"^(\d+)\. \*\*(.+?)\*\*(.*?)(?=^\d+\. \*\*|\Z)"
    steps = re.findall(step, _section("A release, step by step"), re.M | re.S)
    assert [(int(n), title) for n, title, _ in steps] == [
        (1, "Install the code and its dependencies."),
        (2, "Set the environment"),
        (3, "Check"),
        (4, "Migrate"),
        (5, "Collect static files"),
        (6, "Restart the web processes"),
        (7, "Restart the task workers"),
        (8, "The periodic tick starts with the worker: there is no step."),
        (9, "Check that it is ready"),
    ]
    for _n, title, text in steps[:8]:
        assert re.search(r"Without (it|a running tick)", text), f"step {title!r} does not say what breaks without it"


def test_every_command_the_docs_name_exists() -> None:
    named = set(re.findall(r"manage\.py ([a-z_]+)", DOC))
    assert {"migrate", "collectstatic", "db_worker", "meetings_tick", "createsuperuser"} <= named
    assert sorted(named - set(get_commands())) == []
    usage = re.search(r"usage: scripts/serve \[(.+?)\]", (ROOT / "scripts" / "serve").read_text())
    assert usage is not None
    modes = set(usage.group(1).split("|"))
    used = set(re.findall(r"scripts/serve ([a-z-]+)", DOC))
    assert used == {"--check", "release", "web", "pages", "sockets", "worker"}
    assert sorted(used - modes) == []
    assert sorted(set(re.findall(r"scripts/([a-z-]+)", DOC)) - {p.name for p in (ROOT / "scripts").iterdir()}) == []


def _locations(conf: str) -> dict[str, str]:
    """Each `location PATH { ... }` block's body (none of ours nests braces)."""
    return dict(re.findall(r"location (\S+) \{(.*?)\n    \}", conf, re.S))


def test_the_docs_show_the_nginx_configuration_the_browser_test_runs() -> None:
    conf = NGINX.read_text()
    proxy = _section("Reverse proxy")
    start = proxy.index("```nginx\n") + len("```nginx\n")
    assert proxy[start : proxy.index("```", start)] == conf
    assert "docs/nginx/roundtable.conf" in proxy


def test_the_nginx_configuration_routes_sockets_and_pages_on_one_origin() -> None:
    conf = NGINX.read_text()
    assert re.findall(r"upstream (\w+) \{\s*server ([\d.:]+);", conf) == [
        ("roundtable_pages", "127.0.0.1:8000"),
        ("roundtable_sockets", "127.0.0.1:8001"),
    ]
    locations = _locations(conf)
    assert sorted(locations) == ["/", "/ws/"]
    # A location with proxy_set_header of its own inherits none: each lists all of them.
    for body in locations.values():
        for line in (
            "proxy_http_version 1.1;",
            "proxy_set_header Host $http_host;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        ):
            assert line in body
    assert "proxy_pass http://roundtable_sockets;" in locations["/ws/"]
    assert "proxy_set_header Upgrade $http_upgrade;" in locations["/ws/"]
    assert "proxy_set_header Connection $connection_upgrade;" in locations["/ws/"]
    assert "proxy_pass http://roundtable_pages;" in locations["/"]
    # Debian 12's nginx (1.22) has no `http2 on;`.
    assert "http2 on;" not in conf
    assert "listen 443 ssl http2;" in conf
    caddy = _section("Reverse proxy")
    assert "reverse_proxy /ws/* 127.0.0.1:8001" in caddy
    assert "reverse_proxy 127.0.0.1:8000" in caddy


def test_the_units_start_pages_sockets_and_worker_and_the_release() -> None:
    units = _section("systemd units")
    assert re.findall(r"^ExecStart=/srv/roundtable/scripts/serve (\w+)$", units, re.M) == [
        "pages",
        "sockets",
        "worker",
        "release",
    ]
