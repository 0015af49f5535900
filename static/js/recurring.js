// "Repeat" on the task form: the schedule's fields show once "Repeat this task" is ticked, and of
// them only those the chosen frequency uses (weekdays for weekly, the day for monthly). Without
// JavaScript every field shows, and the server checks them the same way.
(function () {
  "use strict";

  function sync(root) {
    var toggle = root.querySelector('input[name="repeat-repeat"]');
    var fields = root.querySelector("[data-repeat-fields]");
    if (!toggle || !fields) { return; }
    fields.hidden = !toggle.checked;
    var chosen = root.querySelector('input[name="repeat-every"]:checked');
    var every = chosen ? chosen.value : "";
    root.querySelectorAll("[data-repeat-for]").forEach(function (part) {
      part.hidden = part.dataset.repeatFor !== every;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-repeat]").forEach(function (root) {
      sync(root);
      root.addEventListener("change", function () { sync(root); });
    });
  });
})();
