/* A "Chart" result view for YASR (the results half of YASGUI), drawn with the vendored Chart.js.
   Works on SELECT results with at least one numeric column: choose the chart type, the label column and the value
   column; the download button saves the chart as PNG. Registered by editor.js as window.NckgYasrChart. */
(function () {
  "use strict";

  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt)$/;

  function isNumeric(binding) {
    return binding && binding.type === "literal" && binding.datatype && NUMERIC.test(binding.datatype)
      && !isNaN(parseFloat(binding.value));
  }
  function text(binding) {
    if (!binding) return "";
    if (binding.type === "uri") return binding.value.replace(/^.*[#/]/, "");
    return binding.value;
  }
  function option(select, value, label, selected) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label; o.selected = !!selected;
    select.appendChild(o);
  }
  function labelled(labelText, control) {
    var label = document.createElement("label");
    label.textContent = labelText + " ";
    label.appendChild(control);
    return label;
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
    this.chart = null;
  }

  ChartPlugin.prototype.columns = function () {
    var results = this.yasr.results;
    var variables = results.getVariables() || [];
    var bindings = results.getBindings() || [];
    var numeric = variables.filter(function (v) {
      return bindings.some(function (b) { return isNumeric(b[v]); });
    });
    return { all: variables, numeric: numeric, bindings: bindings };
  };

  ChartPlugin.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    if (!results || !results.getVariables || (results.getError && results.getError())) return false;
    var variables = results.getVariables();
    if (!variables || !variables.length || !results.getBindings()) return false;
    return this.columns().numeric.length > 0;
  };

  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "nckg-chart-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.innerHTML = '<svg viewBox="0 0 16 16" width="14" height="14"><rect x="1" y="8" width="3" height="7"/>' +
      '<rect x="6" y="4" width="3" height="11"/><rect x="11" y="1" width="3" height="14"/></svg>';
    return icon;
  };

  ChartPlugin.prototype.draw = function () {
    var self = this;
    var cols = this.columns();
    var root = document.createElement("div");
    root.className = "nckg-yasr-chart";
    var controls = document.createElement("div");
    controls.className = "nckg-yasr-chart-controls";
    var type = document.createElement("select");
    [["bar", "Bar"], ["line", "Line"], ["scatter", "Scatter (x numeric)"]].forEach(function (t, i) { option(type, t[0], t[1], i === 0); });
    var x = document.createElement("select");
    var textColumns = cols.all.filter(function (v) { return cols.numeric.indexOf(v) === -1; });
    var firstText = textColumns.find(function (v) {
      return cols.bindings.some(function (b) { return b[v] && b[v].type === "literal"; });
    }) || textColumns[0] || cols.all[0];
    cols.all.forEach(function (v) { option(x, v, "?" + v, v === firstText); });
    var y = document.createElement("select");
    cols.numeric.forEach(function (v, i) { option(y, v, "?" + v, i === cols.numeric.length - 1 || (v !== firstText && i === 0 && cols.numeric.length === 1)); });
    if (cols.numeric.length > 1 && cols.numeric.indexOf(firstText) !== -1) y.value = cols.numeric.find(function (v) { return v !== firstText; });
    controls.appendChild(labelled("Chart", type));
    controls.appendChild(labelled("Labels / x", x));
    controls.appendChild(labelled("Values / y", y));
    var holder = document.createElement("div");
    holder.className = "nckg-yasr-chart-canvas";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    holder.appendChild(canvas);
    root.appendChild(controls);
    root.appendChild(holder);
    this.yasr.resultsEl.appendChild(root);
    function render() { self.render(canvas, type.value, x.value, y.value, cols.bindings); }
    [type, x, y].forEach(function (s) { s.addEventListener("change", render); });
    render();
  };

  ChartPlugin.prototype.render = function (canvas, type, xVar, yVar, bindings) {
    if (this.chart) this.chart.destroy();
    var rows = bindings.filter(function (b) { return isNumeric(b[yVar]); });
    var data;
    if (type === "scatter") {
      rows = rows.filter(function (b) { return isNumeric(b[xVar]); });
      data = { datasets: [{ label: "?" + yVar + " against ?" + xVar, backgroundColor: "#1b6ca8",
        data: rows.map(function (b) { return { x: parseFloat(b[xVar].value), y: parseFloat(b[yVar].value) }; }) }] };
    } else {
      data = { labels: rows.map(function (b) { return text(b[xVar]); }),
               datasets: [{ label: "?" + yVar, backgroundColor: "rgba(27,108,168,0.75)", borderColor: "#1b6ca8",
                            data: rows.map(function (b) { return parseFloat(b[yVar].value); }) }] };
    }
    canvas.setAttribute("aria-label", type + " chart of ?" + yVar + " by ?" + xVar + ", " + rows.length + " points");
    this.chart = new Chart(canvas, {
      type: type, data: data,
      options: { animation: false, maintainAspectRatio: false,
                 scales: { x: { title: { display: true, text: "?" + xVar } }, y: { title: { display: true, text: "?" + yVar } } } }
    });
    canvas.setAttribute("data-points", String(rows.length));
  };

  ChartPlugin.prototype.download = function (filename) {
    var chart = this.chart;
    if (!chart) return undefined;
    return { getData: function () { return chart.toBase64Image(); }, contentType: "image/png",
             title: "Download chart (PNG)", filename: (filename || "queryResults") + ".png" };
  };

  ChartPlugin.prototype.destroy = function () {
    if (this.chart) { this.chart.destroy(); this.chart = null; }
  };

  window.NckgYasrChart = ChartPlugin;
})();
