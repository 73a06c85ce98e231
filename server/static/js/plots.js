/* Charts of the plot pages and cluster pages, drawn with the vendored Chart.js from data embedded in the page
   (<script type="application/json">); each <canvas data-plot=NAME data-source=ID> gets one chart. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  var COLOURS = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30638e", "#c05746", "#3d5a80",
                 "#e07a5f", "#81b29a", "#6d597a"];
  var FONT = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 13 };
  Chart.defaults.font = FONT;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function colour(i, alpha) {
    var hex = COLOURS[i % COLOURS.length];
    if (alpha === undefined) return hex;
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function minus(x) { return String(x).replace(/^-/, "\u2212"); }
  function axis(title, extra) { return Object.assign({ title: { display: true, text: title } }, extra || {}); }
  function pick(row, key, fallback) { return row[key] !== null && row[key] !== undefined ? row[key] : fallback; }
  function tail(iri) { return iri ? String(iri).replace(/^.*[#/]/, "") : ""; }

  /* FE vs potential: the series grouped by the server (cluster, product, metric, reference electrode). */
  function feSeries(data) { return Array.isArray(data) ? data : data.series || []; }

  var RENDER = {
    "fe-potential": function (canvas, data) {
      var series = feSeries(data);
      return {
        type: "scatter",
        data: { datasets: series.map(function (s, i) {
          return { label: s.name, data: s.points.map(function (p) { return { x: p.x, y: p.y }; }),
                   showLine: s.points.length > 1, borderColor: colour(i), backgroundColor: colour(i, 0.75),
                   pointStyle: s.reference === "vs RHE" ? "circle" : "triangle",
                   pointRadius: 6, pointHoverRadius: 8 };
        }) },
        options: {
          scales: { x: axis("Applied potential (V; vs RHE, or reference not stated)", { grace: "5%" }),
                    y: axis("Faradaic efficiency (%)", { min: 0, max: 100 }) },
          plugins: { legend: { position: "bottom", labels: { usePointStyle: true } }, tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + ctx.parsed.y + " % at " + minus(ctx.parsed.x) + " V"; } } } }
        },
        points: series.reduce(function (n, s) { return n + s.points.length; }, 0)
      };
    },
    "comparisons": function (canvas, data) {
      var rows = data.rows.filter(function (r) { return typeof r.ratio === "number"; });
      var ratios = rows.map(function (r) { return r.ratio; });
      var logScale = ratios.length && Math.max.apply(null, ratios) / Math.max(Math.min.apply(null, ratios), 1e-9) > 20;
      canvas.height = Math.max(260, rows.length * 34 + 80);
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.betterLabel + " vs " + r.worseLabel; }),
          datasets: [{ label: "Ratio (better / worse)", data: ratios,
                       backgroundColor: rows.map(function (r, i) { return colour(i, 0.8); }) }]
        },
        options: {
          indexAxis: "y",
          scales: { x: axis("Ratio (better / worse)" + (logScale ? ", log scale" : ""), logScale ? { type: "logarithmic" } : { beginAtZero: true }) },
          plugins: { legend: { display: false }, tooltip: { callbacks: { afterLabel: function (ctx) {
            var r = rows[ctx.dataIndex];
            return [pick(r, "metricLabel", tail(r.metric)), pick(r, "reactionLabel", tail(r.reaction)),
                    r.differenceLabel ? "difference: " + r.differenceLabel : "", r.ratioText ? "\u201c" + r.ratioText + "\u201d" : ""]
                   .filter(Boolean);
          } } } }
        },
        points: rows.length
      };
    },
    "band-edges": function (canvas, data) {
      var rows = data.rows;
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.clusterLabel; }),
          datasets: [
            { label: "VBM \u2192 CBM", data: rows.map(function (r) {
                return (typeof r.cbm === "number" && typeof r.vbm === "number") ? [r.cbm, r.vbm] : null; }),
              backgroundColor: colour(0, 0.35), borderColor: colour(0), borderWidth: 1, maxBarThickness: 90 },
            { type: "scatter", label: "CBM", data: rows.map(function (r, i) { return typeof r.cbm === "number" ? { x: r.clusterLabel, y: r.cbm } : null; }).filter(Boolean),
              backgroundColor: colour(1), pointRadius: 7, pointStyle: "triangle" },
            { type: "scatter", label: "VBM", data: rows.map(function (r, i) { return typeof r.vbm === "number" ? { x: r.clusterLabel, y: r.vbm } : null; }).filter(Boolean),
              backgroundColor: colour(3), pointRadius: 7, pointStyle: "rectRot" }
          ]
        },
        options: {
          scales: { x: axis("Cluster"), y: axis("Potential (V, as stated in the review)", { reverse: true }) },
          plugins: { legend: { position: "bottom" } }
        },
        points: rows.length
      };
    },
    "half-reactions": function (canvas, data) {
      var rows = data.rows;
      canvas.height = Math.max(300, rows.length * 30 + 80);
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return (r.label || tail(r.halfReaction)) + (r.equation ? "  (" + r.equation + ")" : ""); }),
          datasets: [{ label: "E\u2070 (V vs RHE)", data: rows.map(function (r) { return r.e0; }),
                       backgroundColor: rows.map(function (r) { return r.e0 < 0 ? colour(1, 0.8) : colour(0, 0.8); }) }]
        },
        options: {
          indexAxis: "y",
          scales: { x: axis("E\u2070 (V vs RHE, pH 7)") },
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (ctx) {
            return "E\u2070 = " + minus(ctx.parsed.x) + " V"; } } } }
        },
        points: rows.length
      };
    },
    "cluster-percent": function (canvas, data) {
      return {
        type: "bar",
        data: { labels: data.map(function (p) { return p.label; }),
                datasets: [{ label: "%", data: data.map(function (p) { return p.value; }), backgroundColor: colour(0, 0.8) }] },
        options: { indexAxis: "y", scales: { x: axis("%", { min: 0, max: 100 }) }, plugins: { legend: { display: false } } },
        points: data.length
      };
    }
  };

  document.querySelectorAll("canvas[data-plot]").forEach(function (canvas) {
    var render = RENDER[canvas.getAttribute("data-plot")];
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!render || !source) return;
    var spec = render(canvas, JSON.parse(source.textContent));
    var points = spec.points;
    delete spec.points;
    if (canvas.parentElement) canvas.parentElement.style.height = canvas.height + "px";
    new Chart(canvas, spec);
    canvas.setAttribute("data-rendered", "true");
    canvas.setAttribute("data-points", String(points));
  });
})();
