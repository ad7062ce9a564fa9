// After a form comes back with problems, focus moves to the summary of them, so that a
// screen reader reads it and a keyboard user starts from it (WCAG 3.3.1, 2.4.3).
// Loaded on every page (base.html); pages without a summary are left alone.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
  summary.focus();
}());
