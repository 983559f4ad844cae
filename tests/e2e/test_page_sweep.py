"""Every page, for each kind of viewer, in every state that changes its markup (tests/e2e/
pages.py), loaded in Chromium from the production server: axe-core finds no violation at
any impact (every rule on, experimental ones too), and the W3C Nu HTML checker finds no
error in what the server sent, nor in the live room's pages as their scripts left them; and
no page is wider than the 1280 px window (no sideways scroll on a laptop).

The same pages on a phone (360 x 740, issue 11): nothing is wider than the screen, neither
the document nor any visible element, also with the phone menu and every fold (<details>:
discovery's filters...) open; and every control (buttons, fields, links drawn as buttons or
blocks) is at least 44 px each way. Inline links in running text are listed, not failed.

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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Response, ViewportSize, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM_FLAGS, shot
from tests.e2e.live_helpers import AsgiServer, _off_loop
from tests.e2e.pages import (
    ANONYMOUS,
    EMAILS,
    FACILITATOR,
    MEMBER,
    STAFF,
    VIEWERS,
    Visit,
    World,
    build_world,
    phone_visits,
    visits,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
NODE_MODULES = BASE_DIR / "var" / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUT = BASE_DIR / "test-results" / "page-sweep"
WORKERS = 2
DESK: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}

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
    # Issue 11: tables that are cards on phones, the account's addresses.
    ("groups:dashboard", "full", FACILITATOR),
    ("account_email", "default", MEMBER),
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
    # Signed in: the menu has a way out (folded behind "Menu" on a phone, so not yet visible).
    expect(page.locator("nav[aria-label=Main] button", has_text="Log out")).to_be_attached()
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


Work = queue.SimpleQueue[tuple[Visit, str] | None]


def _browse(
    base: str,
    work: Work,
    check_one: Callable[[str, Page, Visit, str, Checked], None],
    shots: list[Visit],
    *,
    phone: bool,
) -> Checked:
    """One browser of its own (Playwright's sync API keeps to its thread), a context per kind
    of viewer, signed in; takes loads off the shared queue until it is empty."""
    found = Checked()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS, headless=True)
        pages: dict[str, Page] = {}
        for viewer in VIEWERS:
            # The CSP is bypassed only so that axe itself can be injected; phones keep it.
            context = browser.new_context(viewport=PHONE if phone else DESK, bypass_csp=not phone)
            context.set_default_timeout(15_000)
            if viewer in EMAILS:
                _sign_in(context, base, EMAILS[viewer])
            pages[viewer] = context.new_page()
        while (item := work.get()) is not None:
            visit, viewer = item
            check_one(base, pages[viewer], visit, viewer, found)
        # A look at pages the sweeps changed: on a laptop and a phone, or on a phone only.
        for visit in shots:
            page = pages[visit.viewers[0]]
            for width in (360,) if phone else (1280, 360):
                page.set_viewport_size({"width": width, "height": PHONE["height"] if phone else DESK["height"]})
                _load(page, base, visit)
                shot(page, f"{'phone' if phone else 'sweep'}-{visit.route.replace(':', '-')}-{visit.state}-{width}")
        browser.close()
    return found


def _sweep(
    base: str,
    loads: list[Visit],
    shots: list[tuple[str, str, str]],
    check_one: Callable[[str, Page, Visit, str, Checked], None],
    *,
    phone: bool,
) -> list[Checked]:
    """Two browsers take the loads from one queue: the checks are CPU-bound, in the browser
    and the server, and the machine has two cores."""
    work: Work = queue.SimpleQueue()
    for visit in loads:
        for viewer in visit.viewers:
            work.put((visit, viewer))
    to_shoot = [
        Visit(v.route, v.state, v.path, (viewer,), v.submit, v.form, v.ready, v.status)
        for route, state, viewer in shots
        for v in loads
        if (v.route, v.state) == (route, state)
    ]
    assert len(to_shoot) == len(shots), "every screenshot names a page state in the list"
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for _ in range(WORKERS):
            work.put(None)
        return list(
            pool.map(lambda i: _browse(base, work, check_one, to_shoot if i == 0 else [], phone=phone), range(WORKERS))
        )


def _label(visit: Visit, viewer: str) -> str:
    return f"{visit.route} [{visit.state}] as {viewer}"


def _check_one(base: str, page: Page, visit: Visit, viewer: str, found: Checked) -> None:
    name = re.sub(r"[^a-z0-9_-]+", "-", f"{visit.route}--{visit.state}--{viewer}".lower())
    label = _label(visit, viewer)
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
    # No page scrolls sideways on a laptop either (issue 10, finding 7: the board was 1761 px).
    wide = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if wide[0] > wide[1]:
        found.problems.append(f"{label}: the page is {wide[0]} px wide in a {wide[1]} px window")
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
    shutil.rmtree(OUT / "served", ignore_errors=True)
    shutil.rmtree(OUT / "rendered", ignore_errors=True)
    (OUT / "served").mkdir(parents=True)
    (OUT / "rendered").mkdir(parents=True)
    all_visits = visits(world)
    results = _sweep(base, all_visits, SHOTS, _check_one, phone=False)
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


# ---------------------------------------------------------------------------- phones

# What sticks out past the right edge of the screen, and which controls are too small to
# tap. An element counts where it can be seen: not in a closed <details>, clipped by any
# ancestor that hides its overflow (or by `clip`, as .visually-hidden does), but not by one
# that scrolls, since content in a sideways scroller is off-screen all the same (`scrolled`
# says so, for the admin's sake). Only the outermost element that sticks out is reported,
# with the deepest one inside it: usually the cause.
PHONE_RUN = """() => {
  const edge = document.documentElement.clientWidth;
  const say = (el) => {
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "")
      .replace(/\\s+/g, " ").trim().slice(0, 50);
    return "<" + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls + "> " + JSON.stringify(text);
  };
  const styles = new Map();
  const style = (el) => { if (!styles.has(el)) styles.set(el, getComputedStyle(el)); return styles.get(el); };
  const seen = {visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true};
  const shown = (el) => {
    if (!el.checkVisibility(seen)) return null;
    const r = el.getBoundingClientRect();
    let [left, right, top, bottom] = [r.left, r.right, r.top, r.bottom];
    let scrolled = false;
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const as = style(a);
      const clipped = as.clip !== "auto" && (as.position === "absolute" || as.position === "fixed");
      if (clipped && /rect\\(0(px)? 0(px)? 0(px)? 0(px)?\\)/.test(as.clip)) return null;
      const hides = a !== el && (as.overflowX === "hidden" || as.overflowX === "clip");
      scrolled ||= a !== el && (as.overflowX === "auto" || as.overflowX === "scroll");
      if (hides || clipped) {
        const ar = a.getBoundingClientRect();
        left = Math.max(left, ar.left); right = Math.min(right, ar.right);
        top = Math.max(top, ar.top); bottom = Math.min(bottom, ar.bottom);
      }
    }
    if (right - left < 1 || bottom - top < 1) return null;
    return {left, right, width: r.width, height: r.height, scrolled};
  };
  const boxes = new Map();
  for (const el of document.body.querySelectorAll("*")) {
    if (el instanceof SVGElement && el.tagName !== "svg") continue;
    const box = shown(el);
    if (box && box.right > edge + 0.5) boxes.set(el, box);
  }
  const wide = [];
  for (const [el, box] of boxes) {
    if (boxes.has(el.parentElement)) continue;
    let deepest = el;
    for (const inner of el.querySelectorAll("*")) if (boxes.has(inner)) deepest = inner;
    wide.push({
      what: say(el) + " reaches " + Math.round(box.right) + " px"
        + (deepest !== el ? ", inside it " + say(deepest) : ""),
      scrolled: box.scrolled,
    });
  }
  // Controls: 44 px each way (design.md). A checkbox or radio counts with its label,
  // since the label is what a thumb taps. Links in running text (display: inline) are
  // listed apart: WCAG exempts them, and a line of text cannot be 44 px tall.
  const small = [], inline = [];
  const controls = "button, input:not([type=hidden]), select, textarea, summary, [role=button], a[href]";
  for (const el of document.body.querySelectorAll(controls)) {
    let box = shown(el);
    if (!box || box.right <= 0) continue;
    if ((el.type === "checkbox" || el.type === "radio") && el.labels && el.labels.length) {
      const label = shown(el.labels[0]);
      if (label) box = {width: Math.max(box.width, label.width), height: Math.max(box.height, label.height)};
    }
    if (box.width >= 43.5 && box.height >= 43.5) continue;
    const what = say(el) + " is " + Math.round(box.width) + " x " + Math.round(box.height) + " px";
    const textLink = el.tagName === "A" && style(el).display === "inline" && !el.classList.contains("button");
    (textLink ? inline : small).push(what);
  }
  return {scrollWidth: document.documentElement.scrollWidth, edge, wide, small, inline};
}"""

# The interactive states that change a phone's layout: the main menu open, and every fold
# (<details>: discovery's filters, "more filters", ...) open.
OPEN_FOLDS = """() => {
  const closed = [...document.querySelectorAll("details:not([open])")];
  closed.forEach((d) => { d.open = true; });
  return closed.length;
}"""

# Pages photographed at 360 px for issue 11 (test-results/screenshots/phone-*.png).
PHONE_SHOTS = [
    ("groups:dashboard", "full", FACILITATOR),
    ("account_email", "default", MEMBER),
    ("groups:members", "full", MEMBER),
    ("meetings:agenda", "month", MEMBER),
    ("meetings:detail", "full", MEMBER),
    ("home", "default", FACILITATOR),
    ("groups:discover", "full", ANONYMOUS),
    ("api:openapi-view", "default", ANONYMOUS),
    ("groups:decide", "confirm", FACILITATOR),
    ("accounts:profile_edit", "full", MEMBER),
    ("admin:groups_group_changelist", "full", STAFF),
]


# Known problems owned elsewhere, keyed by (page, start of the finding): listed, not failed,
# until fixed (then the sweep asks for the entry to go). Empty: nothing is waiting.
ELSEWHERE: dict[tuple[str, str], str] = {}


def _elsewhere(line: str) -> tuple[str, str] | None:
    return next((key for key in ELSEWHERE if line.startswith(key[0] + " [") and key[1] in line), None)


@dataclass
class PhoneFound:
    """One page's findings over its states, each told once with the first state that shows it."""

    label: str
    admin: bool
    problems: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    inline: dict[str, str] = field(default_factory=dict)

    def look(self, page: Page, state: str) -> None:
        seen = page.evaluate(PHONE_RUN)
        problems = []
        if seen["edge"] != PHONE["width"]:
            problems.append(f"the viewport is {seen['edge']} px wide, not {PHONE['width']}")
        if seen["scrollWidth"] > PHONE["width"]:
            problems.append(f"the page is {seen['scrollWidth']} px wide on a {PHONE['width']} px screen")
        for wide in seen["wide"]:
            # Django's admin scrolls its wide tables sideways inside their own box: its
            # markup is Django's, so that is noted, not failed; the page itself must fit.
            (self.notes if self.admin and wide["scrolled"] else self.problems).setdefault(
                f"off the right edge: {wide['what']}", state
            )
        small = [f"under 44 px to tap: {what}" for what in seen["small"]]
        for what in problems:
            self.problems.setdefault(what, state)
        for what in small:
            (self.notes if self.admin else self.problems).setdefault(what, state)
        for what in seen["inline"]:
            self.inline.setdefault(what, state)

    def lines(self, found: dict[str, str]) -> list[str]:
        return [f"{self.label}{'' if state == 'loaded' else f' ({state})'}: {what}" for what, state in found.items()]


def _phone_check_one(base: str, page: Page, visit: Visit, viewer: str, found: Checked) -> None:
    started = time.monotonic()
    response = _load(page, base, visit)
    found.spent["load"] += time.monotonic() - started
    found.loads.append((visit, viewer))
    label = _label(visit, viewer)
    if response.status >= 500:
        found.problems.append(f"{label}: answered {response.status}")
        return
    started = time.monotonic()
    phone = PhoneFound(label, admin=visit.route.startswith("admin:"))
    phone.look(page, "loaded")
    menu = page.locator(".menu-button")
    if menu.count() and menu.is_visible():
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        phone.look(page, "menu open")
        menu.click()
    if page.evaluate(OPEN_FOLDS):
        phone.look(page, "folds open")
    found.spent["axe"] += time.monotonic() - started
    found.problems.extend(phone.lines(phone.problems))
    found.violations.setdefault("notes", []).extend({"line": line} for line in phone.lines(phone.notes))
    found.violations.setdefault("inline", []).extend({"line": line} for line in phone.lines(phone.inline))


@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone(asgi_server: AsgiServer) -> None:
    world: World = _off_loop(build_world)
    OUT.mkdir(parents=True, exist_ok=True)
    all_visits = phone_visits(world)
    results = _sweep(asgi_server.url, all_visits, PHONE_SHOTS, _phone_check_one, phone=True)
    loads = [load for r in results for load in r.loads]
    problems = [problem for r in results for problem in r.problems]
    report = [problem for problem in problems if _elsewhere(problem) is None]
    told = {_elsewhere(problem) for problem in problems} - {None}
    report += [f"fixed? no page shows {key} any more: remove it from ELSEWHERE" for key in ELSEWHERE if key not in told]
    notes = [f"{line} (for {ELSEWHERE[key]})" for line in problems if (key := _elsewhere(line))]
    notes += [n["line"] for r in results for n in r.violations.get("notes", [])]
    inline = [n["line"] for r in results for n in r.violations.get("inline", [])]
    (OUT / "phone-report.txt").write_text("\n".join(report))
    (OUT / "phone-notes.txt").write_text(
        "\n".join(["# not failed: other areas' and Django's admin", *notes, "", "# not failed: links in text", *inline])
    )
    spent = {key: sum(r.spent[key] for r in results) for key in ("load", "axe")}
    print(
        f"\nphone sweep: {len({(v.route, v.state) for v, _ in loads})} page states, {len(loads)} loads at "
        f"{PHONE['width']} px; problems: {len(report)}; not failed, listed in {OUT / 'phone-notes.txt'}: "
        f"{len(notes)} in other areas and Django's admin, {len(inline)} links in text under 44 px; "
        f"time in {WORKERS} browsers: load {spent['load']:.0f} s, checks {spent['axe']:.0f} s"
    )
    assert report == [], "\n".join(report)
    assert len(loads) == sum(len(v.viewers) for v in all_visits)
