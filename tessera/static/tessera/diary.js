// Homework diary: while the patient types an entry, a copy is kept in this browser
// (with the form's submission key). If registering fails (no connection), the copy is
// put back the next time the form is opened; the key makes sure a resend never
// registers it twice. Once the server lists the key among this week's entries, the
// copy is removed. Without JavaScript the form works the same, minus the copy.
(function () {
  "use strict";
  document.querySelectorAll("form[data-diary]").forEach(function (form) {
    var key = "tessera-diary:" + form.getAttribute("action");
    var status = form.querySelector("[data-diary-status]");
    var saved = (form.dataset.savedKeys || "").split(" ").filter(Boolean);
    var keyField = form.querySelector("[name='submission_key']");

    function values() {
      var out = {};
      new FormData(form).forEach(function (v, k) {
        if (k !== "csrfmiddlewaretoken" && k !== "next") { out[k] = v; }
      });
      return out;
    }
    function keep() {
      try { localStorage.setItem(key, JSON.stringify(values())); } catch (e) { /* storage off */ }
    }
    function restore(copy) {
      Object.keys(copy).forEach(function (name) {
        form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (field) {
          if (field.type === "radio") { field.checked = field.value === copy[name]; }
          else { field.value = copy[name]; }
        });
      });
    }

    var copy = null;
    try { copy = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { copy = null; }
    if (copy && copy.submission_key && saved.indexOf(copy.submission_key) !== -1) {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    } else if (copy && keyField && !form.querySelector("[aria-invalid]")) {
      restore(copy);
      if (status) { status.textContent = form.dataset.restoredText || ""; }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
  });
})();
