// Charts of the 12-week plans: each <canvas data-chart> reads its figures from the
// <script type="application/json"> named by data-source, so the page works (with the figures in
// a table) even where the chart cannot be drawn. Charts are drawn again after an htmx swap.
(function () {
  "use strict";

  // Chart.js writes numbers in this locale (the browser's by default): «14,3» in ru and kk.
  function pageLanguage() {
    return document.documentElement.lang || "ru";
  }

  function figures(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function weekLabels(count, word) {
    var labels = [];
    for (var n = 1; n <= count; n += 1) { labels.push(word + " " + n); }
    return labels;
  }

  function flat(value, count) {
    var line = [];
    for (var n = 0; n < count; n += 1) { line.push(value); }
    return line;
  }

  function lagChart(canvas, data) {
    var count = data.readings.length;
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: weekLabels(count, canvas.dataset.labelWeek),
        datasets: [
          { label: canvas.dataset.labelReadings, data: data.readings, borderColor: "#0a4a9f",
            backgroundColor: "#0a4a9f", spanGaps: true, tension: 0.2 },
          { label: canvas.dataset.labelStart, data: flat(data.start, count), borderColor: "#6c757d",
            borderDash: [4, 4], pointRadius: 0 },
          { label: canvas.dataset.labelTarget, data: flat(data.target, count), borderColor: "#198754",
            borderDash: [8, 4], pointRadius: 0 }
        ]
      },
      options: { locale: pageLanguage(), animation: false, responsive: true, plugins: { legend: { position: "bottom" } },
        scales: { y: { title: { display: true, text: data.unit } } } }
    });
  }

  function weeksChart(canvas, data) {
    var colours = data.scores.map(function (score) {
      if (score === null) { return "#adb5bd"; }
      return score >= 85 ? "#198754" : (score >= 65 ? "#cc8a00" : "#c0392b");
    });
    return new window.Chart(canvas, {
      data: {
        labels: weekLabels(data.labels.length, canvas.dataset.labelWeek),
        datasets: [
          { type: "bar", label: canvas.dataset.labelScore, data: data.scores, backgroundColor: colours },
          { type: "line", label: canvas.dataset.labelTarget, data: flat(data.target, data.labels.length),
            borderColor: "#198754", borderDash: [8, 4], pointRadius: 0 }
        ]
      },
      options: { locale: pageLanguage(), animation: false, responsive: true, plugins: { legend: { position: "bottom" } },
        scales: { y: { min: 0, max: 100 } } }
    });
  }

  function draw(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = figures(canvas);
      if (!data || canvas.dataset.drawn) { return; }
      canvas.dataset.drawn = "yes";
      if (canvas.dataset.chart === "lag") { lagChart(canvas, data); }
      if (canvas.dataset.chart === "weeks") { weeksChart(canvas, data); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
