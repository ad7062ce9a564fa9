/* Compose tools: put a filled-in feedback template into the reply (textarea#id_body).
   Progressive enhancement only: without this script the picker opens a page with the
   text to copy. htmx fetches the fragment; this puts its text where the caret is. */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "feedback-fill-result") { return; }
    var source = target.querySelector("textarea[data-feedback-fill]");
    var box = document.getElementById("id_body");
    if (!source || !box) { return; }
    var text = source.value;
    var current = box.value;
    if (!current.trim()) {
      box.value = text;
    } else {
      var start = typeof box.selectionStart === "number" ? box.selectionStart : current.length;
      var end = typeof box.selectionEnd === "number" ? box.selectionEnd : start;
      if (start === 0 && end === 0) { start = end = current.length; text = "\n\n" + text; }
      box.value = current.slice(0, start) + text + current.slice(end);
    }
    source.remove();
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  });
})();
