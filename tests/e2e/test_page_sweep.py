"""Every page, for each kind of viewer, in every state that changes its markup (tests/e2e/
pages.py), loaded in Chromium from the production server: axe-core finds no violation at
any impact (every rule on, experimental ones too), and the W3C Nu HTML checker finds no
error in what the server sent, nor in the live room's pages as their scripts left them.

The checkers come from scripts/ensure-checkers (run by `make e2e`): exact versions under
var/node/. The HTML of every load is kept under test-results/page-sweep/ to read after a
failure. WCAG 2.2 AA is the bar (axe's wcag2a/wcag2aa/wcag21aa/wcag22aa rules, plus its
best practices); the Nu checker is the WHATWG HTML standard's conformance checker."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM_FLAGS, shot
from tests.e2e.live_helpers import AsgiServer, _off_loop
from tests.e2e.pages import ANONYMOUS, EMAILS, FACILITATOR, MEMBER, VIEWERS, Visit, build_world, visits
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
NODE_MODULES = BASE_DIR / "var" / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUT = BASE_DIR / "test-results" / "page-sweep"
WORKERS = 2

# Every axe rule at every impact, the experimental ones too (css-orientation-lock,
# p-as-heading, td-has-header...), except those for WCAG's AAA level: the project's bar is
# AA (design.md, Look and feel), and AAA's 7:1 contrast would be a new palette, not a fix.
AXE_RUN = """async () => {
  axe.configure({rules: axe.getRules().map(r => ({id: r.ruleId, enabled: !r.tags.includes("wcag2aaa")}))});
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " | " + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }));
}"""

# Pages whose scripts build markup (the live room draws itself from the socket's frames):
# the Nu checker reads them also as the scripts left them. Elsewhere scripts only toggle.
SCRIPTED = {"live:room", "live:display", "live:summary"}

# What an error state shows: a form's errors, an invalid field, an alert.
ERROR_SHOWN = ".form-errors, .errorlist, [aria-invalid=true], [role=alert]"

# Pages this sweep's fixes changed, photographed at 1280 and 360 px into test-results/.
SHOTS = [
    ("meetings:agenda", "month", MEMBER),
    ("meetings:detail", "past", FACILITATOR),
    ("api:openapi-view", "default", ANONYMOUS),
    # Issue 9, items 1, 8, 9, 10: schedule from the series, week view, schedule form, talks.
    ("groups:detail", "full", MEMBER),
    ("meetings:agenda", "week", MEMBER),
    ("meetings:create", "form", FACILITATOR),
    ("meetings:talks", "full", ANONYMOUS),
]

# Post the page's form with these values, browser validation off: the server's own answer.
SUBMIT = """([selector, values]) => {
  const form = document.querySelector(selector);
  if (!form) throw new Error("no form " + selector);
  form.noValidate = true;
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (!field) throw new Error("no field " + name);
    field.value = value;
  }
  form.requestSubmit();
}"""


def _sign_in(context: BrowserContext, base: str, email: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.close()


def _load(page: Page, base: str, visit: Visit) -> Response:
    response = page.goto(base + visit.path)
    assert response is not None
    if visit.submit is not None:
        with page.expect_navigation() as navigation:
            page.evaluate(SUBMIT, [visit.form, visit.submit])
        response = navigation.value
        assert response is not None
    if visit.ready:
        page.locator(visit.ready).wait_for(state="attached")
    return response


def _nu_errors(files: list[Path]) -> list[dict[str, Any]]:
    """The Nu checker over every file in one JVM. Its errors (warnings and info aside)."""
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java: scripts/ensure-checkers installs it"
    done = subprocess.run(  # noqa: S603 - the pinned checker on our own files
        [java, "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    messages = json.loads(done.stdout)["messages"]
    return [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]


@dataclass
class Checked:
    """What one worker found over its share of the loads."""

    loads: list[tuple[Visit, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[Path, str] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=lambda: dict.fromkeys(("load", "axe"), 0.0))


def _check(base: str, work: queue.SimpleQueue[tuple[Visit, str] | None], shots: list[Visit]) -> Checked:
    """One browser of its own (Playwright's sync API keeps to its thread), a context per kind
    of viewer, signed in; takes loads off the shared queue until it is empty."""
    found = Checked()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS, headless=True)
        pages: dict[str, Page] = {}
        for viewer in VIEWERS:
            # The CSP is bypassed only so that axe itself can be injected.
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            context.set_default_timeout(15_000)
            if viewer in EMAILS:
                _sign_in(context, base, EMAILS[viewer])
            pages[viewer] = context.new_page()
        while (item := work.get()) is not None:
            visit, viewer = item
            _check_one(base, pages[viewer], visit, viewer, found)
        # A look at pages this sweep changed, on a laptop and on a phone.
        for visit in shots:
            page = pages[visit.viewers[0]]
            for width in (1280, 360):
                page.set_viewport_size({"width": width, "height": 900})
                _load(page, base, visit)
                shot(page, f"sweep-{visit.route.replace(':', '-')}-{visit.state}-{width}")
        browser.close()
    return found


def _check_one(base: str, page: Page, visit: Visit, viewer: str, found: Checked) -> None:
    name = re.sub(r"[^a-z0-9_-]+", "-", f"{visit.route}--{visit.state}--{viewer}".lower())
    label = f"{visit.route} [{visit.state}] as {viewer}"
    started = time.monotonic()
    response = _load(page, base, visit)
    found.spent["load"] += time.monotonic() - started
    found.loads.append((visit, viewer))
    if response.status != visit.status:
        found.problems.append(f"{label}: answered {response.status}, not {visit.status}")
        if response.status >= 500:
            return
    if visit.state == "error" and page.locator(ERROR_SHOWN).count() == 0:
        found.problems.append(f"{label}: shows no error message")
    served = OUT / "served" / f"{name}.html"
    served.write_text(response.text())
    found.files[served] = label + " (served)"
    if visit.route in SCRIPTED:
        rendered = OUT / "rendered" / f"{name}.html"
        rendered.write_text(page.content())
        found.files[rendered] = label + " (after scripts)"
    started = time.monotonic()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    found.spent["axe"] += time.monotonic() - started
    if violations:
        found.violations[label] = violations


@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_every_page_is_accessible_and_valid_html(asgi_server: AsgiServer) -> None:
    assert AXE.is_file(), "run scripts/ensure-checkers (make e2e does)"
    assert VNU.is_file(), "run scripts/ensure-checkers (make e2e does)"
    base = asgi_server.url
    world = _off_loop(build_world)
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "served").mkdir(parents=True)
    (OUT / "rendered").mkdir(parents=True)

    # Two browsers take the loads from one queue: the checks are CPU-bound, in the browser
    # and the server, and the machine has two cores.
    work: queue.SimpleQueue[tuple[Visit, str] | None] = queue.SimpleQueue()
    all_visits = visits(world)
    for visit in all_visits:
        for viewer in visit.viewers:
            work.put((visit, viewer))
    shots = [
        Visit(v.route, v.state, v.path, (viewer,), v.submit, v.form, v.ready, v.status)
        for route, state, viewer in SHOTS
        for v in all_visits
        if (v.route, v.state) == (route, state)
    ]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for _ in range(WORKERS):
            work.put(None)
        results = list(pool.map(lambda i: _check(base, work, shots if i == 0 else []), range(WORKERS)))
    loads = [load for r in results for load in r.loads]
    files = {path: label for r in results for path, label in r.files.items()}
    violations = {label: v for r in results for label, v in r.violations.items()}
    spent = {key: sum(r.spent[key] for r in results) for key in ("load", "axe")}

    started = time.monotonic()
    errors = _nu_errors(sorted(files))
    spent["nu"] = time.monotonic() - started
    n_violations = sum(len(v["nodes"]) for found in violations.values() for v in found)
    print(
        f"\npage sweep: {len({(v.route, v.state) for v, _ in loads})} page states, "
        f"{len({v.route for v, _ in loads})} routes, {len(loads)} loads (page state x viewer); "
        f"axe violations: {n_violations}; Nu errors: {len(errors)} in {len(files)} files; "
        f"time in {WORKERS} browsers: " + ", ".join(f"{k} {v:.0f} s" for k, v in spent.items())
    )
    report = [problem for r in results for problem in r.problems]
    for label, found in sorted(violations.items()):
        for v in found:
            report.append(f"axe {v['id']} ({v['impact']}) on {label}: {v['help']}")
            report.extend(f"    {node}" for node in v["nodes"][:5])
    for m in errors:
        report.append(f"Nu on {files[Path(m['url'].removeprefix('file:'))]}: line {m.get('lastLine')}: {m['message']}")
    (OUT / "report.txt").write_text("\n".join(report))
    assert report == [], "\n".join(report)
    assert len(loads) == sum(len(v.viewers) for v in all_visits)
