// What Tessera keeps in this browser (unsent worksheet and diary text, under keys
// starting "tessera-") belongs to the person signed in. It is removed when they sign
// out, and when someone else signs in on the same browser.
(function () {
  "use strict";
  var PREFIX = "tessera-";
  var OWNER = "tessera-owner";

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

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute) { return; }
    // The header's sign-out button, and allauth's own sign-out page.
    var action = form.getAttribute("action") || window.location.pathname;
    if (form.hasAttribute("data-sign-out") || /\/accounts\/logout\/?$/.test(action)) {
      clearAll();
    }
  }, true);
})();
