// The logbook's behaviour: Ctrl+Enter saves, tag suggestions, link pickers, meeting-only
// fields, and the indicator chart. Everything is delegated from the document, so content that
// htmx swaps in works without re-binding.
(function () {
  "use strict";

  // Ctrl+Enter (Cmd+Enter on a Mac) in a text area saves its form; htmx forms stay on the page.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter") { return; }
    if ((event.ctrlKey || event.metaKey) && target.matches("textarea[data-ctrl-enter]")) {
      event.preventDefault();
      if (target.form) { target.form.requestSubmit(); }
      return;
    }
    // Enter in a picker's search field picks the first match instead of sending the form.
    var picker = target.closest("[data-picker]");
    if (picker && target.matches("input[type=search]")) {
      event.preventDefault();
      var first = picker.querySelector("[data-picker-add]");
      if (first) { first.click(); }
    }
  });

  function addChip(picker, id, label) {
    var name = picker.dataset.picker;
    var list = picker.querySelector(".picker-chosen");
    if (list.querySelector('input[value="' + id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "badge text-bg-light border d-inline-flex align-items-center gap-1 fw-normal";
    var text = document.createElement("span");
    text.textContent = label;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = id;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close";
    remove.setAttribute("data-picker-remove", "");
    remove.setAttribute("aria-label", (picker.dataset.removeLabel || "Remove") + " " + label);
    item.append(text, input, remove);
    list.appendChild(item);
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-picker-add]");
    if (add) {
      var picker = add.closest("[data-picker]");
      addChip(picker, add.dataset.id, add.dataset.label);
      var search = picker.querySelector("input[type=search]");
      add.parentElement.innerHTML = "";
      search.value = "";
      search.focus();
      return;
    }
    var remove = event.target.closest("[data-picker-remove]");
    if (remove) {
      var field = remove.closest("[data-picker]").querySelector("input[type=search]");
      remove.closest("li").remove();
      field.focus();
      return;
    }
    var tag = event.target.closest("[data-tag-pick]");
    if (tag) {
      var input = document.getElementById(tag.dataset.tagField);
      if (!input) { return; }
      var parts = input.value.split(",");
      parts[parts.length - 1] = " " + tag.dataset.tagPick;
      input.value = parts.map(function (p) { return p.trim(); }).filter(Boolean).join(", ") + ", ";
      tag.closest(".tag-options, [id$=-options]").innerHTML = "";
      input.focus();
    }
  });

  // Duration and participants belong to meetings only.
  function showMeetingFields(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) { return; }
    form.querySelectorAll("[data-meeting-only]").forEach(function (block) {
      block.hidden = kind.value !== "meeting";
    });
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-entry-form]");
    if (form && event.target.name === "kind") { showMeetingFields(form); }
  });

  // After a quick entry is saved the fresh form comes back: keep typing where you were.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "quick-entry") {
      var form = document.getElementById("quick-entry");
      var body = form && form.querySelector("textarea");
      if (body) { body.focus(); }
    }
  });

  function drawChart() {
    var canvas = document.getElementById("indicator-chart");
    var source = document.getElementById("indicator-chart-data");
    if (!canvas || !source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || "ru";
    var day = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short" });
    var xs = data.readings.map(function (p) { return p.x; }).concat(data.markers.map(function (m) { return m.x; }));
    var first = Math.min.apply(null, xs.length ? xs : [Date.now()]);
    var last = Math.max.apply(null, xs.length ? xs : [Date.now()]);
    var values = data.readings.map(function (p) { return p.y; }).concat([data.baseline]);
    if (data.target !== null) { values.push(data.target); }
    var top = Math.max.apply(null, values);
    // Entries sit just below the lowest line, so they never hide a reading.
    var pad = (top - Math.min.apply(null, values)) * 0.1 || 1;
    var bottom = Math.min.apply(null, values) - pad;
    var level = function (y) { return [{ x: first, y: y }, { x: last, y: y }]; };
    var datasets = [
      { label: data.labels.readings, data: data.readings, showLine: true, borderColor: "#0a4a9f", backgroundColor: "#0a4a9f", pointRadius: 4 },
      { label: data.labels.baseline, data: level(data.baseline), showLine: true, borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0 }
    ];
    if (data.target !== null) {
      datasets.push({ label: data.labels.target, data: level(data.target), showLine: true, borderColor: "#146c43", borderDash: [2, 3], pointRadius: 0 });
    }
    if (data.markers.length) {
      datasets.push({
        label: data.labels.markers,
        data: data.markers.map(function (m) { return { x: m.x, y: bottom, title: m.title, url: m.url }; }),
        pointStyle: "triangle", pointRadius: 8, pointHoverRadius: 10,
        backgroundColor: "#b35c00", borderColor: "#b35c00"
      });
    }
    var chart = new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        locale: lang,  // numbers as the page writes them: «14,3» in ru and kk
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { type: "linear", ticks: { callback: function (v) { return day.format(new Date(v)); } } },
          y: { suggestedMin: bottom - pad / 2, title: { display: true, text: data.unit } }
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (item) {
                var raw = item.raw;
                if (raw.title) { return day.format(new Date(raw.x)) + ": " + raw.title; }
                return item.dataset.label + ": " + raw.y + " " + data.unit;
              }
            }
          }
        },
        onClick: function (event, elements) {
          var hit = elements[0];
          if (!hit) { return; }
          var raw = datasets[hit.datasetIndex].data[hit.index];
          if (raw.url) { window.location.href = raw.url; }
        }
      }
    });
    canvas.dataset.rendered = String(chart.data.datasets.length);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-entry-form]").forEach(showMeetingFields);
    drawChart();
  });
})();
