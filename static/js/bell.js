// The bell's live count (tasks/bell.py): the poll tells the server how many unread it shows, so
// the answer can say how many are new; a hidden tab does not poll, and asks at once on return.
(function () {
  "use strict";

  function poller(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.id === "bell-poll" ? elt : null;
  }

  document.body.addEventListener("htmx:confirm", function (event) {
    if (poller(event) && document.visibilityState === "hidden") { event.preventDefault(); }
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (!poller(event)) { return; }
    var counter = document.getElementById("bell-counter");
    if (counter) { event.detail.parameters.shown = counter.dataset.count || "0"; }
  });

  document.addEventListener("visibilitychange", function () {
    var elt = document.getElementById("bell-poll");
    if (elt && document.visibilityState === "visible" && window.htmx) {
      window.htmx.trigger(elt, "bell-refresh");
    }
  });
})();
