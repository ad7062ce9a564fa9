// After a form comes back with problems, focus moves to the summary of them, so that a
// screen reader reads it and a keyboard user starts from it (WCAG 3.3.1, 2.4.3); after a
// request refused by a message (base.html's role="alert" region, decision 0125), to that
// message. Loaded on every page (base.html); pages without either are left alone.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary") || document.querySelector("[data-refusal]");
  if (!summary) { return; }
  if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
  summary.focus();
}());

// An htmx request refused by the server (400, 409: e.g. a draft past its length; 401:
// the session ended, tessera.core.middleware) shows the server's message in its status
// line instead of being dropped without a word; only targets that are status lines
// (role="status") are swapped this way.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr && event.detail.xhr.status;
  var target = event.detail.target;
  if ((status === 400 || status === 401 || status === 409) && target && target.getAttribute("role") === "status") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
