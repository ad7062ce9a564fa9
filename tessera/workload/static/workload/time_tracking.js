// Measures the time a staff member spends on a page of an episode (tessera.workload).
// While the page is visible and the person has used it (a key, the pointer, scrolling)
// within the last 60 seconds, it tells the server every 30 seconds; the server adds the
// time since the previous heartbeat, capped. Without JavaScript nothing is measured and
// time can be added by hand.
(function () {
  "use strict";
  var marker = document.querySelector("[data-time-tracking]");
  if (!marker || !window.fetch) { return; }
  var url = marker.getAttribute("data-time-tracking");
  var INTERVAL = 30000;
  var IDLE_AFTER = 60000;
  var lastActivity = Date.now();

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function inUse() {
    return document.visibilityState === "visible" && Date.now() - lastActivity < IDLE_AFTER;
  }

  function beat() {
    if (!inUse()) { return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      keepalive: true
    }).catch(function () { /* a lost heartbeat only loses a few seconds */ });
  }

  function touched() { lastActivity = Date.now(); }
  ["keydown", "pointerdown", "pointermove", "scroll", "wheel", "touchstart"].forEach(function (name) {
    window.addEventListener(name, touched, { passive: true, capture: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { touched(); beat(); }
  });
  beat();
  window.setInterval(beat, INTERVAL);
})();
