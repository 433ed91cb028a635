// Bar charts (Chart.js) drawn from the numbers of the tables next to them; the tables stay the primary,
// accessible representation, the charts are hidden from assistive technology (aria-hidden on their box).
(function () {
  "use strict";

  function draw(canvas, chart) {
    const colour = getComputedStyle(document.documentElement).getPropertyValue("--kern-color-action-default").trim() || "#1c3fa4";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.title, data: chart.values, backgroundColor: colour, borderRadius: 3 }],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false }, title: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Chart === "undefined") return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#131525";
    for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
      const source = document.getElementById(canvas.dataset.source);
      if (!source) continue;
      const chart = JSON.parse(source.textContent)[canvas.dataset.chart];
      if (chart) {
        draw(canvas, chart);
        canvas.dataset.ready = "true";
      }
    }
  });
})();
