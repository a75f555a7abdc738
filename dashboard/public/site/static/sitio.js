// Draws each chart of a static page from the figure written in it (no server, no CDN).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".static-chart").forEach(function (box) {
    var data = JSON.parse(box.querySelector("script.chart-data").textContent);
    var figure = data.figure || {};
    Plotly.newPlot(box, figure.data || [], figure.layout || {}, data.config || {});
  });
});
