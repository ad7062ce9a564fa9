// Worksheet autosave: saves while the patient types; if a save fails (no connection),
// keeps the text in this browser and sends it when the connection is back. The local
// copy is removed as soon as the server has it. Needs restore.js, loaded before it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || form.querySelector("fieldset[disabled]")) { return; }
  var kept = window.TesseraRestore;
  var key = "tessera-worksheet:" + form.getAttribute("action");
  // "drawn": the version of the answers this page last saw (decision 0161), never kept
  // on the device: a restored copy is sent with this page's own.
  var SKIP = ["csrfmiddlewaretoken", "drawn"];
  var drawn = form.querySelector("input[name=drawn]");
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var saving = false;
  var signedOut = false;

  function say(text) { if (status) { status.textContent = text; } }
  function save() {
    if (signedOut) { return; }
    if (saving) { timer = setTimeout(save, 500); return; }
    saving = true;
    var data = new FormData(form);
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRFToken": data.get("csrfmiddlewaretoken") }
    }).then(function (response) {
      if (response.status === 401 || (response.redirected && /\/accounts\/login\//.test(response.url))) {
        // The session has ended: the text stays on this device until the person signs
        // in again and opens this page, when it is restored and saved (no retries).
        say(form.dataset.signedOutText || "You have been signed out.");
        signedOut = true;
        return null;
      }
      if (response.status === 409) {
        // Refused in a way a retry cannot change: the page was drawn before the person
        // last signed in (in another tab: a line of escaped HTML, read as text in an
        // inert document), or the worksheet can no longer be written in (the module
        // taken out of the plan, the answers read-only: JSON with the reason). Say why;
        // the text stays on this device (no retries).
        var json = /json/.test(response.headers.get("Content-Type") || "");
        var line = json
          ? response.json().then(function (refused) { return refused.error || ""; })
          : response.text().then(function (html) {
            return new DOMParser().parseFromString(html, "text/html").body.textContent;
          });
        return line.then(function (text) {
          say(text || form.dataset.refusedText || "Not saved.");
          signedOut = true;
          return null;
        });
      }
      if (response.status === 404) {
        // The worksheet is no longer there for this person (the course's reading period
        // over, say): a retry cannot change that. Say so and stop; the text stays here.
        say(form.dataset.goneText || "Not saved: this worksheet can no longer be changed.");
        signedOut = true;
        return null;
      }
      if (response.status === 400) {
        // Refused (e.g. text past the field's limit): say why, keep the text on this
        // device, and wait for the next change instead of retrying the same post.
        return response.json().then(function (refused) {
          say(refused.error || form.dataset.refusedText || "Not saved.");
          return null;
        });
      }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }).then(function (answer) {
      if (answer === null) { return; }
      // This page's next save is drawn from this one: its own saves never refuse it; a
      // save from another window since is refused (409, said above).
      if (drawn && answer.drawn) { drawn.value = answer.drawn; }
      kept.forget(key);
      say(form.dataset.savedText || "Saved.");
      document.dispatchEvent(new CustomEvent("tessera:saved"));  // activity: idle.js
    }).catch(function () {
      say(form.dataset.offlineText || "Not saved yet: kept on this device, and sent when you are back online.");
      setTimeout(save, 15000);
    }).then(function () { saving = false; });
  }
  function changed() {
    kept.keep(key, form, SKIP);
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  var pending = kept.read(key);
  if (pending) {
    kept.fill(form, pending);
    say(form.dataset.restoredText || "We restored what you wrote last time. Saving it now.");
    save();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", function () { if (kept.has(key)) { save(); } });
})();
