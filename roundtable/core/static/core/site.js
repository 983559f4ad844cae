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

  // On a phone the main menu scrolls sideways: fade its edge while more of it is hidden
  // there, so people can tell there is more to see.
  function wireNavOverflow(nav) {
    function update() {
      var more = nav.scrollWidth - nav.clientWidth - nav.scrollLeft > 2;
      if (more) nav.setAttribute("data-more", "");
      else nav.removeAttribute("data-more");
    }
    nav.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function init(root) {
    root.querySelectorAll("textarea[data-pitch-counter]").forEach(wirePitch);
    root.querySelectorAll("button[data-copy]").forEach(wireCopy);
    root.querySelectorAll("form[data-group-form]").forEach(wireJoinPolicy);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var nav = document.querySelector(".site-nav");
    if (nav) wireNavOverflow(nav);
  });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
