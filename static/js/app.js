// The portal's shared behaviour: toasts in the notifications area, and one place that turns a
// failed htmx request into something the person sees (never a silent nothing).
(function () {
  "use strict";

  function notify(text, level) {
    var area = document.getElementById("notifications");
    if (!area || !text) { return; }
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

  function show(toast, sticky) {
    if (window.bootstrap) {
      var instance = window.bootstrap.Toast.getOrCreateInstance(toast, { autohide: !sticky, delay: 6000 });
      toast.addEventListener("hidden.bs.toast", function () { toast.remove(); });
      instance.show();
    } else {
      toast.classList.add("show");
    }
  }

  window.akimat = { notify: notify };

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
