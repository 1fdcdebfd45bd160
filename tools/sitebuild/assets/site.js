// The study site's one script: keyboard navigation between steps, and opening a diff or
// test list that holds the line a link points at. No requests; works from file://.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));
  }

  // Left/right arrow (or k/j): the previous/next step, through the pager's rel links.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (typing(event.target)) return;
    var rel = { ArrowLeft: "prev", ArrowRight: "next", k: "prev", j: "next" }[event.key];
    if (!rel) return;
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });

  // A link to a line inside a closed <details> opens it first.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var element = document.getElementById(id);
    if (!element) return;
    var details = element.closest("details");
    var opened = false;
    while (details) {
      if (!details.open) { details.open = true; opened = true; }
      details = details.parentElement && details.parentElement.closest("details");
    }
    if (opened) element.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);

  // "Expand all" / "Collapse all" above a step's diff.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-details]");
    if (!button) return;
    var open = button.getAttribute("data-details") === "open";
    var section = button.closest("section") || document;
    section.querySelectorAll("details.file").forEach(function (d) { d.open = open; });
  });
})();
