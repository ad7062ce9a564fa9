// What worksheet.js and diary.js share: a copy of a form's text kept in this browser
// (localStorage, under a key starting "tessera-", which local-data.js removes when the
// person signs out) and put back into the form. Storage that is full or switched off
// is no error: then nothing is kept.
window.TesseraRestore = (function () {
  "use strict";

  // The form's fields by name, without the ones named in skip (the CSRF token and
  // the like, which belong to the page and not to what the person wrote).
  function values(form, skip) {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (skip.indexOf(name) === -1) { out[name] = value; }
    });
    return out;
  }

  function keep(key, form, skip) {
    try { localStorage.setItem(key, JSON.stringify(values(form, skip))); } catch (e) { /* storage full or off */ }
  }

  // The copy kept under key, or null.
  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function has(key) {
    try { return localStorage.getItem(key) !== null; } catch (e) { return false; }
  }

  function forget(key) {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  // Puts a kept copy back into the form's fields.
  function fill(form, copy) {
    Object.keys(copy).forEach(function (name) {
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (field) {
        if (field.type === "radio") { field.checked = field.value === copy[name]; }
        else { field.value = copy[name]; }
      });
    });
  }

  return { values: values, keep: keep, read: read, has: has, forget: forget, fill: fill };
})();
