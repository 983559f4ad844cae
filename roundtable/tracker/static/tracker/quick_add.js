// The quick-add (tracker/_quick_add.html): after htmx says an activity was logged, empty the
// fields for the next one, bring the answer into view (it sits at the panel's top, above the
// fields, and is a live region) with focus on the first field, and copy this week's progress
// to the page's own progress line if it has one, so no two lines disagree. Escape closes the
// panel. Everything else is plain HTML: the form posts without this script too.
//
// The form's `once` key: a post with a key already used logs nothing more (tracker.views).
// htmx disables "Log it" while a post is on its way; a click that comes just after the
// answer still carries the same key, so a double click logs once. The key is renewed a
// moment after an entry is logged, or as soon as a field is touched, so a second entry on
// purpose always counts.
const panel = document.querySelector("[data-quick-add]");

function newKey() {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

if (panel) {
  const form = panel.querySelector("form");
  const panelBox = panel.querySelector(".qa-panel");
  const once = form.elements.namedItem("once");
  if (once && !once.value) once.value = newKey();
  let used = false;
  let renewal = 0;
  function renew() {
    window.clearTimeout(renewal);
    if (used && once) once.value = newKey();
    used = false;
  }
  form.addEventListener("input", renew);
  form.addEventListener("change", renew);
  panel.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id !== "qa-result") return;
    const progress = document.getElementById("qa-progress");
    for (const line of document.querySelectorAll("[data-week-progress]")) {
      if (progress) line.innerHTML = progress.innerHTML;
    }
    if (event.target.querySelector("[data-logged]")) {
      for (const name of ["contact", "company", "note", "day", "opportunity", "meeting"]) {
        const field = form.elements.namedItem(name);
        if (field) field.value = "";
      }
      used = true;
      window.clearTimeout(renewal);
      renewal = window.setTimeout(renew, 1500);
    }
    // Back to the panel's top: the answer, this week's line, then the first field.
    panelBox.scrollTop = 0;
    form.elements.namedItem("kind").focus({ preventScroll: true });
    event.target.scrollIntoView({ block: "nearest" });
  });
  // The floating button steps aside while the person scrolls down through a page (it would
  // cover what they are reading: a question, a card, the room's "Ready" box) and comes back
  // as soon as they scroll up or reach the end. Never while its panel is open or it has focus
  // (CSS: :focus-within), so a keyboard always finds it.
  const aside = panel.closest(".quick-add");
  let lastY = window.scrollY;
  let ticking = false;
  window.addEventListener("scroll", () => {
    if (ticking) return;
    ticking = true;
    window.requestAnimationFrame(() => {
      ticking = false;
      const y = window.scrollY;
      const atEnd = window.innerHeight + y >= document.documentElement.scrollHeight - 4;
      if (Math.abs(y - lastY) < 8 && !atEnd) return;
      aside.classList.toggle("is-tucked", y > lastY && y > 80 && !atEnd && !panel.open);
      lastY = y;
    });
  }, { passive: true });
  panel.addEventListener("toggle", () => { if (panel.open) aside.classList.remove("is-tucked"); });
  // Nor may it hide what has focus elsewhere (WCAG 2.2, 2.4.11 Focus Not Obscured): a field,
  // a button or an error summary under it sends it aside until focus moves on.
  const overlaps = (el) => {
    const a = el.getBoundingClientRect();
    const b = aside.getBoundingClientRect();
    return a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom;
  };
  document.addEventListener("focusin", (event) => {
    const el = event.target;
    if (!(el instanceof Element) || aside.contains(el) || panel.open) return;
    window.requestAnimationFrame(() => {
      if (document.activeElement === el && overlaps(el)) aside.classList.add("is-tucked");
    });
  });

  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel.open) {
      panel.open = false;
      panel.querySelector("summary").focus();
    }
  });
}
