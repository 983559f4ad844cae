"""The production set-up, end to end: Debian's nginx with the configuration documented in
docs/operations.md (docs/nginx/roundtable.conf), in front of `scripts/serve web` (pages on
granian's WSGI workers, WebSockets on uvicorn's ASGI workers, Redis between them), with TLS,
on one origin.

A facilitator and two members run a live room through the proxy. Pages and forms go to
granian, sockets to uvicorn (nginx's log says which upstream answered each request), and a
change made by a plain HTTP form on a page (the facilitator removes a member from the group)
reaches the sockets: it is broadcast from a WSGI worker through Redis to the ASGI workers.

nginx runs as an unprivileged process (user nobody when the test runs as root) on free
loopback ports, with its own prefix, certificate and logs in a temporary folder; the
configuration is the documented file with only its addresses, ports and certificate paths
replaced (each replacement must match exactly once)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, Page, expect

from roundtable.groups.models import Kind, Membership, MembershipState
from roundtable.live.consumers import REVOKED_MESSAGE
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.live_helpers import _server_env, _watch_console, collectstatic, room_of
from tests.e2e.test_join_journey import _login

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "docs" / "nginx" / "roundtable.conf"
LOGS = ROOT / "test-results"
REDIS_HOST = "127.0.0.1:6379"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_url() -> str:
    # A database of its own per test run (as tests/live/test_two_processes.py): room ids
    # repeat between test databases, so parallel runs must not hear each other's rooms.
    url = f"redis://{REDIS_HOST}/{1 + os.getpid() % 15}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not answering at {REDIS_HOST} ({exc}); production serving needs it (CI starts it).")
    return url


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"docs/nginx/roundtable.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def nginx_site(*, https_port: int, http_port: int, pages_port: int, sockets_port: int, cert: Path, key: Path) -> str:
    """The documented site with the test's loopback addresses, ports and certificate."""
    site = NGINX_CONF.read_text()
    site = _replace_once(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{pages_port};")
    site = _replace_once(site, "server 127.0.0.1:8001;", f"server 127.0.0.1:{sockets_port};")
    site = _replace_once(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = _replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replace_once(site, "/etc/letsencrypt/live/roundtable.example.org/fullchain.pem", str(cert))
    return _replace_once(site, "/etc/letsencrypt/live/roundtable.example.org/privkey.pem", str(key))


def nginx_main(prefix: Path, site: str) -> str:
    """A whole nginx.conf around the site: everything nginx writes stays under `prefix`, and
    its access log records which upstream answered each request."""
    return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format upstreams '$request_method $uri $status $upstream_addr';
    access_log {prefix}/access.log upstreams;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
}}
"""


@dataclass
class Stack:
    url: str
    pages_port: int
    sockets_port: int
    access_log: Path

    def upstreams(self) -> list[tuple[str, str, str]]:
        """(method, path, upstream address) of each request nginx passed on so far."""
        rows = []
        for line in self.access_log.read_text().splitlines():
            method, path, _status, upstream = line.split(" ", 3)
            rows.append((method, path, upstream))
        return rows


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):  # noqa: S310 - loopback
                return
        except (OSError, urllib.error.URLError):
            assert proc.poll() is None, f"exited early:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"{url} did not answer:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def stack(transactional_db: None) -> Iterator[Stack]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "Debian's nginx is required: scripts/ensure-nginx installs it (make e2e runs it)"
    https_port, http_port, pages_port, sockets_port = (_free_port() for _ in range(4))
    url = f"https://127.0.0.1:{https_port}"
    LOGS.mkdir(exist_ok=True)

    # The production command, with production settings: its own key, HTTPS on, Redis.
    env = _server_env()
    collectstatic(env)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' own; production refuses it
    env.update(
        SECRET_KEY="a-production-key-for-the-proxy-test-" + "z" * 20,
        ROUNDTABLE_HTTPS="true",
        REDIS_URL=_redis_url(),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=url,
        TRUSTED_PROXY_COUNT="1",
        HOST="127.0.0.1",
        PORT=str(pages_port),
        SOCKETS_PORT=str(sockets_port),
        PAGE_WORKERS="2",
        SOCKET_WORKERS="2",
        # Production refuses the console email backend. Nothing listens on this port, and
        # nothing here sends email (emails go through the task queue, and no worker runs).
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(_free_port()),
    )
    serve_log_path = LOGS / "proxy-serve.log"
    serve_log: IO[str] = serve_log_path.open("w")
    serve = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve"), "web"],
        cwd=ROOT, env=env, stdout=serve_log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    # nginx's own folder: world-unreadable parents (pytest's) would stop an unprivileged nginx.
    prefix = Path(tempfile.mkdtemp(prefix="rt-nginx-"))
    as_nobody = os.geteuid() == 0
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    openssl = shutil.which("openssl")
    assert openssl, "openssl is required (scripts/ensure-nginx installs it)"
    subprocess.run(  # noqa: S603 - a throwaway self-signed certificate for 127.0.0.1
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = nginx_site(
        https_port=https_port, http_port=http_port, pages_port=pages_port, sockets_port=sockets_port, cert=cert, key=key
    )
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_main(prefix, site))
    (prefix / "access.log").touch()
    command = [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
    if as_nobody:
        nobody = pwd.getpwnam("nobody")
        for path in [prefix, *prefix.iterdir()]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        command = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", *command]
    tested = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True, check=False)  # noqa: S603
    assert tested.returncode == 0, tested.stderr
    nginx_log_path = LOGS / "proxy-nginx.log"
    nginx_log = nginx_log_path.open("w")
    proxy = subprocess.Popen(command, stdout=nginx_log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_http(f"http://127.0.0.1:{pages_port}/healthz", serve, serve_log_path)
        _wait_http(f"http://127.0.0.1:{sockets_port}/healthz", serve, serve_log_path)
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        _wait_http(f"{url}/healthz", proxy, nginx_log_path, insecure)
        yield Stack(url=url, pages_port=pages_port, sockets_port=sockets_port, access_log=prefix / "access.log")
    finally:
        _stop(proxy)
        # The whole session: scripts/serve and the servers it started.
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        serve_log.close()
        nginx_log.close()
        shutil.copy(prefix / "error.log", LOGS / "proxy-nginx-error.log")
        shutil.rmtree(prefix, ignore_errors=True)


def _device(browser: Browser, contexts: list[BrowserContext], width: int, height: int) -> Page:
    # The certificate is the test's own, self-signed.
    ctx = browser.new_context(viewport={"width": width, "height": height}, ignore_https_errors=True)
    ctx.set_default_timeout(15_000)
    contexts.append(ctx)
    return ctx.new_page()


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_live_room_through_nginx_pages_on_wsgi_sockets_on_asgi(stack: Stack, browser: Browser) -> None:
    rosa_user, meeting, (ann_user, ben_user) = room_of(Kind.STRATEGIC, "Proxy Roundtable", "Evening roundtable")
    base = stack.url
    problems: list[str] = []
    contexts: list[BrowserContext] = []
    try:
        rosa, ann, ben = (
            _device(browser, contexts, 1280, 900),
            _device(browser, contexts, 360, 780),
            _device(browser, contexts, 1280, 900),
        )
        for page, user in ((rosa, rosa_user), (ann, ann_user), (ben, ben_user)):
            _watch_console(page, problems)
            _login(page, base, user.email)  # a form POST through the proxy: CSRF sees one origin
            expect(page.get_by_role("status").filter(has_text="You're logged in")).to_contain_text(
                f"You're logged in as {user.email}."
            )

        # Rosa opens the room with a form (a page: granian); everyone's socket goes to uvicorn.
        room_url = f"{base}/meetings/{meeting.public_id}/live/"
        rosa.goto(room_url)
        rosa.get_by_role("button", name="Open the live room").click()
        expect(rosa.locator("#room-conn")).to_have_text("Connected")
        for page in (ann, ben):
            page.goto(room_url)
            expect(page.locator("#room-conn")).to_have_text("Connected")
        expect(rosa.locator("[data-bind=people-count]")).to_have_text("(3)")
        expect(rosa.locator("[data-bind=order] .turn-name")).to_have_text(["Ann Alvarez", "Ben Brooks"])

        # A change over the socket reaches every screen (two uvicorn processes, through Redis).
        rosa.get_by_role("button", name="Start the roundtable").click()
        for page in (rosa, ben):
            expect(page.locator("[data-bind=seat]")).to_contain_text("Ann Alvarez")
        expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
        _shot(ann, "proxy-live-room-360")

        # A change made by a plain form on a page: Rosa removes Ben from the group in another
        # tab. The WSGI worker that answers the form broadcasts through Redis, and the sockets
        # on the ASGI workers hear it: Ben's room closes, and he leaves the others' screens.
        manage = rosa.context.new_page()
        manage.goto(f"{base}/groups/{meeting.group.slug}/manage/")
        manage.get_by_role("link", name="Remove Ben Brooks").click()
        manage.get_by_role("button", name="Remove").click()
        expect(manage.get_by_text("Removed Ben Brooks.")).to_be_visible()
        expect(ben.get_by_text(REVOKED_MESSAGE)).to_be_visible()
        for page in (rosa, ann):
            expect(page.locator("[data-bind=people-count]")).to_have_text("(2)")
            expect(page.locator("[data-bind=order] .turn-name")).to_have_text(["Ann Alvarez"])
        _shot(rosa, "proxy-live-room-after-remove-1280")
        assert Membership.objects.get(group=meeting.group, user=ben_user).state == MembershipState.REMOVED
    finally:
        for ctx in contexts:
            ctx.close()

    # nginx sent every socket to uvicorn and everything else to granian.
    rows = stack.upstreams()
    sockets = {up for _m, path, up in rows if path.startswith("/ws/")}
    pages = {up for _m, path, up in rows if not path.startswith("/ws/")}
    assert sockets == {f"127.0.0.1:{stack.sockets_port}"}
    assert pages == {f"127.0.0.1:{stack.pages_port}"}
    assert sum(1 for _m, path, _up in rows if path.startswith("/ws/")) >= 3
    removal = f"/groups/{meeting.group.slug}/manage/members/"
    posts = {up for m, path, up in rows if m == "POST" and path.startswith(removal)}
    assert posts == {f"127.0.0.1:{stack.pages_port}"}
    assert problems == []
