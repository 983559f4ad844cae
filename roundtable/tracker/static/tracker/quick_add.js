// The quick-add (tracker/_quick_add.html): after htmx says an activity was logged, empty the
// fields for the next one and keep focus in the form; Escape closes the panel. Everything
// else is plain HTML: the form posts without this script too.
const panel = document.querySelector("[data-quick-add]");
if (panel) {
  const form = panel.querySelector("form");
  panel.addEventListener("htmx:afterSwap", (event) => {
    if (!event.target.classList.contains("qa-result")) return;
    if (event.target.querySelector("[data-logged]")) {
      for (const name of ["contact", "company", "note", "day", "opportunity", "meeting"]) {
        const field = form.elements.namedItem(name);
        if (field) field.value = "";
      }
      form.elements.namedItem("kind").focus();
    }
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel.open) {
      panel.open = false;
      panel.querySelector("summary").focus();
    }
  });
}
