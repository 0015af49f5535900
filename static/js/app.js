// The portal's shared behaviour: toasts in the notifications area, and one place that turns a
// failed htmx request into something the person sees (never a silent nothing).
(function () {
  "use strict";

  // At most this many toasts at once: the newest replaces the oldest, so a burst of saves
  // never stacks over the page. Every toast goes by itself; an error stays twice as long
  // (Bootstrap pauses the count while the pointer or the focus is on a toast).
  var MOST_TOASTS = 2;
  var DELAY = 6000;

  function notify(text, level) {
    var area = document.getElementById("notifications");
    if (!area || !text) { return; }
    area.querySelectorAll(".toast").forEach(function (older) {
      if (older.querySelector(".toast-body").textContent === text) { drop(older); }
    });
    var toast = document.createElement("div");
    toast.className = "toast align-items-center border-0 text-bg-" + (level || "info");
    toast.setAttribute("role", level === "danger" ? "alert" : "status");
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", document.body.dataset.msgClose || "Close");
    row.appendChild(body);
    row.appendChild(close);
    toast.appendChild(row);
    area.appendChild(toast);
    show(toast, level === "danger");
  }

  function drop(toast) {
    var instance = window.bootstrap && window.bootstrap.Toast.getInstance(toast);
    if (instance) { instance.dispose(); }
    toast.remove();
  }

  function show(toast, important) {
    var area = toast.parentNode;
    if (!area) { return; }  // already replaced by a newer one
    var shown = area.querySelectorAll(".toast");
    for (var i = 0; i < shown.length - MOST_TOASTS; i += 1) { drop(shown[i]); }
    document.body.classList.add("has-toasts");
    toast.addEventListener("hidden.bs.toast", function () { toast.remove(); });
    if (window.bootstrap) {
      var delay = important ? 2 * DELAY : DELAY;
      window.bootstrap.Toast.getOrCreateInstance(toast, { autohide: true, delay: delay }).show();
    } else {
      toast.classList.add("show");
      window.setTimeout(function () { toast.remove(); }, DELAY);
    }
  }

  // The page keeps room below its content while toasts are shown, so none covers its end.
  new MutationObserver(function () {
    var area = document.getElementById("notifications");
    if (area && !area.querySelector(".toast")) { document.body.classList.remove("has-toasts"); }
  }).observe(document.getElementById("notifications") || document.createElement("div"), { childList: true });

  window.akimat = { notify: notify };

  // My tasks' "Show more" asks for the rows after those its list shows now (tasks/views/my.py):
  // an action may have taken rows out of the list or put some in since the page was drawn.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var key = event.detail.elt.getAttribute("data-more-section");
    var list = key && document.getElementById(key + "-rows");
    if (!list) { return; }
    event.detail.parameters[key + "_shown"] = list.querySelectorAll(":scope > li:not([id$='-more'])").length;
  });

  // Progress bars carry their width in data-width: the Content Security Policy refuses style
  // attributes, but a width set through the style object is allowed.
  function sizeBars(root) {
    root.querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0)) + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { sizeBars(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) { sizeBars(event.target); });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#notifications .toast[data-autoshow]").forEach(function (toast) {
      show(toast, toast.classList.contains("text-bg-danger"));
    });
  });

  // A server response may raise {"notify": {"text": "...", "level": "success"}} through HX-Trigger.
  document.body.addEventListener("notify", function (event) {
    var detail = event.detail || {};
    notify(detail.text || detail.value, detail.level || "info");
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var data = document.body.dataset;
    if (status === 401) {
      notify(data.msgSession, "warning");
      window.location.reload();
      return;
    }
    var text = { 403: data.msgForbidden, 404: data.msgNotFound }[status] || data.msgServerError;
    notify(text, "danger");
  });

  document.body.addEventListener("htmx:sendError", function () {
    notify(document.body.dataset.msgNetwork, "danger");
  });
})();
