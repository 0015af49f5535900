// The dashboard's trend over the 12-week cycle: the figures come from the snapshots, in the
// <script type="application/json"> named by the canvas's data-source. Overdue and "more than
// 10 working days" on the left axis, the execution score (percent) on the right.
(function () {
  "use strict";

  function draw(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart='trend']").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.source);
      if (!source || canvas.dataset.drawn) { return; }
      var data = JSON.parse(source.textContent);
      canvas.dataset.drawn = "yes";
      new window.Chart(canvas, {
        data: {
          labels: data.labels,
          datasets: [
            { type: "line", label: canvas.dataset.labelOverdue, data: data.overdue,
              borderColor: "#b02a37", backgroundColor: "#b02a37", pointRadius: 0, tension: 0.2, yAxisID: "y" },
            { type: "line", label: canvas.dataset.labelOver10, data: data.over_10,
              borderColor: "#6f42c1", backgroundColor: "#6f42c1", borderDash: [6, 3], pointRadius: 0,
              tension: 0.2, yAxisID: "y" },
            { type: "line", label: canvas.dataset.labelScore, data: data.week_score,
              borderColor: "#198754", backgroundColor: "#198754", pointRadius: 0, spanGaps: true,
              tension: 0.2, yAxisID: "score" }
          ]
        },
        options: {
          // The page's language, not the browser's: «14,3» in ru and kk.
          locale: document.documentElement.lang || "ru",
          animation: false, responsive: true, interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom" } },
          scales: {
            y: { beginAtZero: true, position: "left" },
            score: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false } }
          }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
