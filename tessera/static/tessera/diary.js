// Homework diary: while the patient types an entry, a copy is kept in this browser
// (with the form's submission key). If registering fails (no connection), the copy is
// put back the next time the form is opened; the key makes sure a resend never
// registers it twice. Once the server lists the key among this week's entries, the
// copy is removed. Without JavaScript the form works the same, minus the copy.
// Needs restore.js, loaded before it.
(function () {
  "use strict";
  var kept = window.TesseraRestore;
  var SKIP = ["csrfmiddlewaretoken", "next"];
  document.querySelectorAll("form[data-diary]").forEach(function (form) {
    var key = "tessera-diary:" + form.getAttribute("action");
    var status = form.querySelector("[data-diary-status]");
    var saved = (form.dataset.savedKeys || "").split(" ").filter(Boolean);
    var keyField = form.querySelector("[name='submission_key']");

    function keep() { kept.keep(key, form, SKIP); }

    var copy = kept.read(key);
    if (copy && copy.submission_key && saved.indexOf(copy.submission_key) !== -1) {
      kept.forget(key);
    } else if (copy && keyField && !form.querySelector("[aria-invalid]")) {
      kept.fill(form, copy);
      if (status) { status.textContent = form.dataset.restoredText || ""; }
      // Restored but not registered: "Sign out" asks before discarding it (local-data.js).
      var first = form.querySelector("textarea, input[type=text]");
      if (first) { first.dispatchEvent(new Event("input", { bubbles: true })); }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    // Sent: the copy stays until the server lists its key (the sending may fail), but
    // it no longer counts as unsent text when signing out elsewhere (local-data.js).
    form.addEventListener("submit", function () {
      var sent = kept.read(key);
      if (sent) {
        sent._sent = "1";
        try { localStorage.setItem(key, JSON.stringify(sent)); } catch (e) { /* storage off */ }
      }
    });
  });
})();
