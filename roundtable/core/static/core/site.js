// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Live word count and speaking time for the 30-second introduction.
  function wirePitch(textarea) {
    var out = document.getElementById(textarea.dataset.pitchCounter);
    if (!out) return;
    function update() {
      var words = textarea.value.trim() ? textarea.value.trim().split(/\s+/).length : 0;
      var seconds = Math.round((words / 150) * 60);
      var over = words > 75;  // 30 seconds at 150 words a minute, as the server counts
      out.textContent = words + (words === 1 ? " word" : " words") + " · about " + seconds +
        " seconds" + (over ? " — over 30 seconds: try trimming it" : "");
      out.classList.toggle("warn", over);
    }
    textarea.addEventListener("input", update);
    update();
  }

  // Copy-to-clipboard buttons: <button data-copy="#input-id">.
  function wireCopy(button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.dataset.copy);
      if (!target) return;
      target.select();
      if (navigator.clipboard) navigator.clipboard.writeText(target.value);
      button.textContent = "Copied";
    });
  }

  // Show the eligibility question only for approval groups.
  function wireJoinPolicy(form) {
    var field = form.querySelector("[data-show-when-approval]");
    if (!field) return;
    function update() {
      var checked = form.querySelector("input[name=join_policy]:checked");
      field.hidden = !(checked && checked.value === "approval");
    }
    form.addEventListener("change", update);
    update();
  }

  // The main menu on phones: a button that shows and hides it (the ARIA Authoring
  // Practices' disclosure pattern). CSS shows the button only on narrow screens; on wide
  // ones the menu is always open whatever the button's state.
  function wireMenu(header) {
    var button = header.querySelector(".menu-button");
    var nav = header.querySelector(".site-nav");
    if (!button || !nav) return;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) header.setAttribute("data-menu-open", "");
      else header.removeAttribute("data-menu-open");
    }
    button.hidden = false;
    header.setAttribute("data-menu-ready", "");
    set(false);
    button.addEventListener("click", function () {
      // Focus stays on the button: the menu follows it, so Tab goes straight in.
      set(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
    // A tap or click anywhere outside the header closes the open menu, as does Tab moving
    // focus out of it; the tap still does what it was for (tester's finding 12).
    document.addEventListener("click", function (e) {
      if (button.getAttribute("aria-expanded") === "true" && !header.contains(e.target)) set(false);
    });
    header.addEventListener("focusout", function (e) {
      if (e.relatedTarget && !header.contains(e.relatedTarget)) set(false);
    });
  }

  // A form's error summary (core/_error_summary.html): focus goes to it when a page or an
  // htmx swap brings one, so it is seen on a phone and heard with a screen reader; its links
  // move focus to the field they name (a fragment link alone only scrolls).
  function wireErrorSummary(summary, focus) {
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      e.preventDefault();
      var fold = field.closest("details:not([open])");
      if (fold) fold.open = true;
      field.focus();
      field.scrollIntoView({block: "center"});
    });
    if (focus) {
      summary.focus({preventScroll: true});
      summary.scrollIntoView({block: "start"});
    }
  }

  function init(root) {
    // Looked for in the whole document: an htmx swap of outerHTML leaves its event on the
    // element it replaced. Each summary is wired once; the first new one takes focus.
    document.querySelectorAll("[data-error-summary]:not([data-wired])").forEach(function (summary, i) {
      summary.setAttribute("data-wired", "");
      wireErrorSummary(summary, i === 0);
    });
    root.querySelectorAll("textarea[data-pitch-counter]").forEach(wirePitch);
    root.querySelectorAll("button[data-copy]").forEach(wireCopy);
    root.querySelectorAll("form[data-group-form]").forEach(wireJoinPolicy);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var header = document.querySelector("[data-menu]");
    if (header) wireMenu(header);
  });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
