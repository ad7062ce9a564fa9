// Idle sign-out with a warning (WCAG 2.2.1 Timing Adjustable). The server signs a
// session out after a quiet spell (tessera.core.middleware.IdleTimeoutMiddleware); two
// minutes before, this opens a dialog with "Stay signed in", which asks the server for
// /session/keepalive/ and so starts the spell again. What is typed in a form is kept in
// this browser as it is sent (a "tessera-" key, removed at sign-out and when someone
// else signs in: local-data.js). If the session had run out, the server returns the
// person to the form's page after signing in again and leaves a cookie saying so
// (tessera_restore_typed, holding only "1"); there the text is put back. On any other
// page it is dropped.
(function () {
  "use strict";
  var dialog = document.getElementById("idle-warning");
  if (!dialog) { return; }
  var idle = parseInt(dialog.getAttribute("data-idle-seconds"), 10) * 1000;
  var warnBefore = parseInt(dialog.getAttribute("data-warn-seconds"), 10) * 1000;
  var keepaliveUrl = dialog.getAttribute("data-keepalive-url");
  var PENDING = "tessera-pending:";
  var KEY = PENDING + location.pathname;
  var lastContact = Date.now();
  var timer = null;

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(warn, Math.max(idle - warnBefore - (Date.now() - lastContact), 0));
  }

  function warn() {
    if (dialog.open) { return; }
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    var stay = dialog.querySelector("[data-stay-signed-in]");
    if (stay) { stay.focus(); }
  }

  function close() {
    if (typeof dialog.close === "function" && dialog.open) { dialog.close(); } else { dialog.removeAttribute("open"); }
  }

  function keepAlive() {
    fetch(keepaliveUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          location.reload();  // already signed out: the server shows the sign-in page
          return;
        }
        lastContact = Date.now();
        close();
        schedule();
      })
      .catch(function () { /* offline: keep the dialog open so the person can retry */ });
  }

  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", keepAlive);
  dialog.addEventListener("cancel", function (event) {
    // Escape means "I am here" too: stay signed in rather than silently run out.
    event.preventDefault();
    keepAlive();
  });
  // htmx requests and saves from worksheet.js reach the server and count as activity.
  document.addEventListener("htmx:afterRequest", function () { lastContact = Date.now(); schedule(); });
  document.addEventListener("tessera:saved", function () { lastContact = Date.now(); schedule(); });

  var TYPED = ["text", "search", "email", "tel", "url", "number", "date", "time", "datetime-local", "month", "week"];

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return false; }
      if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return true; }
      return el.tagName === "INPUT" && TYPED.indexOf(el.type) >= 0;
    });
  }

  // A choice of buttons (radio, checkbox) is kept as the values chosen under each name.
  function choices(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.tagName === "INPUT" && (el.type === "radio" || el.type === "checkbox");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.method || "").toLowerCase() !== "post" || form.hasAttribute("data-sign-out")) { return; }
    var kept = { action: form.getAttribute("action") || "", values: {} };
    fields(form).forEach(function (el) { if (el.value) { kept.values[el.name] = el.value; } });
    kept.chosen = {};
    choices(form).forEach(function (el) {
      kept.chosen[el.name] = kept.chosen[el.name] || [];
      if (el.checked) { kept.chosen[el.name].push(el.value); }
    });
    try { localStorage.setItem(KEY, JSON.stringify(kept)); } catch (e) { /* storage off */ }
  }, true);

  var refusedForm = false;  // the form was refused (its page says why), not signed out

  function takePending() {
    // The text kept for this page, if the server says the session had run out; every
    // kept text is dropped either way.
    var raw = null;
    try {
      var said = /(?:^|;\s*)tessera_restore_typed=(1|refused)(?:;|$)/.exec(document.cookie);
      var signedOutIdle = said !== null;
      refusedForm = said !== null && said[1] === "refused";
      if (signedOutIdle) { document.cookie = "tessera_restore_typed=; Max-Age=0; path=/; SameSite=Lax"; }
      raw = signedOutIdle ? localStorage.getItem(KEY) : null;
      var doomed = [];
      for (var i = 0; i < localStorage.length; i += 1) {
        var name = localStorage.key(i);
        if (name && name.indexOf(PENDING) === 0) { doomed.push(name); }
      }
      doomed.forEach(function (name) { localStorage.removeItem(name); });
    } catch (e) { return null; }
    return raw;
  }

  function restore() {
    var raw = takePending();
    if (!raw) { return; }
    var kept;
    try { kept = JSON.parse(raw); } catch (e) { kept = null; }
    if (!kept || !kept.values) { return; }
    var forms = document.querySelectorAll("form[method=post], form[method=POST]");
    var target = null;
    Array.prototype.forEach.call(forms, function (form) {
      if (!target && (form.getAttribute("action") || "") === kept.action) { target = form; }
    });
    if (!target) { return; }
    var restored = false;
    fields(target).forEach(function (el) {
      // What the person typed wins over what the page was filled with (a safety plan
      // being changed has the saved text in its fields): they check it and send again.
      if (Object.prototype.hasOwnProperty.call(kept.values, el.name) && el.value !== kept.values[el.name]) {
        el.value = kept.values[el.name];
        restored = true;
      }
    });
    var chosen = kept.chosen || {};
    choices(target).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(chosen, el.name)) { return; }
      var checked = chosen[el.name].indexOf(el.value) >= 0;
      if (el.checked !== checked) {
        el.checked = checked;
        restored = true;
      }
    });
    if (restored) {
      // A form folded away (in a closed <details>) is opened: the text is seen come back.
      for (var fold = target.closest("details"); fold; fold = fold.parentElement && fold.parentElement.closest("details")) {
        fold.open = true;
      }
    }
    var notice = document.getElementById(refusedForm ? "restored-refused-notice" : "restored-notice");
    if (restored && notice && notice.content) {
      target.parentNode.insertBefore(notice.content.cloneNode(true), target);
    }
  }

  restore();
  schedule();
}());
