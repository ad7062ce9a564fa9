// What Tessera keeps in this browser (unsent worksheet and diary text, under keys
// starting "tessera-") belongs to the person signed in. It is removed when they sign
// out, and when someone else signs in on the same browser.
//
// Signing out never silently throws away what was typed (issue 14): if a form on this
// page has text not yet sent or autosaved, or a worksheet's text is only kept on this
// device, "Sign out" first asks (#unsaved-warning): go back to the text, or sign out
// and discard it.
(function () {
  "use strict";
  var PREFIX = "tessera-";
  var OWNER = "tessera-owner";
  var UNSAVED_WORKSHEET = "tessera-worksheet:";
  var UNSENT_DIARY = "tessera-diary:";
  var dirty = [];

  function clearAll() {
    try {
      var doomed = [];
      for (var i = 0; i < localStorage.length; i += 1) {
        var name = localStorage.key(i);
        if (name && name.indexOf(PREFIX) === 0) { doomed.push(name); }
      }
      doomed.forEach(function (name) { localStorage.removeItem(name); });
    } catch (e) { /* storage off: nothing kept */ }
  }

  var marker = document.querySelector("[data-signed-in-as]");
  if (marker) {
    var who = marker.getAttribute("data-signed-in-as");
    try {
      var owner = localStorage.getItem(OWNER);
      if (owner !== null && owner !== who) { clearAll(); }
      localStorage.setItem(OWNER, who);
    } catch (e) { /* storage off */ }
  }

  function isSignOut(form) {
    var action = form.getAttribute("action") || window.location.pathname;
    return form.hasAttribute("data-sign-out") || /\/accounts\/logout\/?$/.test(action);
  }

  function isText(el) {
    if (!el || !el.form) { return false; }
    if (el.tagName === "TEXTAREA") { return true; }
    return el.tagName === "INPUT" && ["text", "search", "email", "tel", "url", "number"].indexOf(el.type) >= 0;
  }

  function forget(form) { dirty = dirty.filter(function (f) { return f !== form; }); }

  // Typing in a form marks it unsent; sending it, or its autosave arriving, does not.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (isText(el) && !isSignOut(el.form) && !el.form.hasAttribute("data-no-unsaved-warning") && dirty.indexOf(el.form) === -1) {
      dirty.push(el.form);
    }
  }, true);
  document.addEventListener("tessera:saved", function () {
    document.querySelectorAll("form[data-autosave]").forEach(forget);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (event.detail && event.detail.successful && elt && elt.closest) {
      var form = elt.closest("form");
      if (form) { forget(form); }
    }
  });

  // A worksheet's text kept because saving failed, or a diary entry typed and never
  // sent (diary.js marks a sent one "_sent"), possibly on another page.
  function unsentOnDevice() {
    try {
      for (var i = 0; i < localStorage.length; i += 1) {
        var name = localStorage.key(i);
        if (name && name.indexOf(UNSAVED_WORKSHEET) === 0) { return true; }
        if (name && name.indexOf(UNSENT_DIARY) === 0) {
          var copy = JSON.parse(localStorage.getItem(name) || "null");
          if (copy && !copy._sent && hasText(copy)) { return true; }
        }
      }
    } catch (e) { /* storage off */ }
    return false;
  }

  function hasText(copy) {
    return Object.keys(copy).some(function (name) {
      return name !== "for_date" && name !== "submission_key" && String(copy[name] || "").trim() !== "";
    });
  }

  var warning = document.getElementById("unsaved-warning");
  var pendingSignOut = null;

  function ask(form) {
    pendingSignOut = form;
    if (typeof warning.showModal === "function") { warning.showModal(); } else { warning.setAttribute("open", ""); }
    var back = warning.querySelector("[data-unsaved-back]");
    if (back) { back.focus(); }
  }

  function closeWarning() {
    if (typeof warning.close === "function" && warning.open) { warning.close(); } else { warning.removeAttribute("open"); }
  }

  if (warning) {
    warning.querySelector("[data-unsaved-back]").addEventListener("click", function () {
      closeWarning();
      pendingSignOut = null;
      var form = dirty[0];
      var field = form && Array.prototype.filter.call(form.elements, isText)[0];
      if (field) { field.focus(); }
    });
    warning.querySelector("[data-unsaved-discard]").addEventListener("click", function () {
      var form = pendingSignOut;
      closeWarning();
      clearAll();
      if (form) { form.submit(); }  // submit() fires no submit event: no second question
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute) { return; }
    if (!isSignOut(form)) { forget(form); return; }
    if (warning && (dirty.length || unsentOnDevice())) {
      event.preventDefault();
      event.stopPropagation();
      ask(form);
      return;
    }
    clearAll();
  }, true);
})();
