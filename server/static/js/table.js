/* Sortable and filterable tables (progressive enhancement: the server renders complete tables).
   Sorting: every <th> of a `table.sortable` header becomes a button; aria-sort tells assistive technology.
   Filtering: <input data-filter-table="ID"> hides rows not containing every typed word, compared by letters and
   digits only (NFKC: "Cu₂₆" = "cu26", "[Cu32(PET)24H8Cl2]" = "cu32pet24h8cl2"; the same key as nckg.search) in the
   row's text or its data-search keys; <input type=checkbox data-filter-measured="ID"> keeps rows whose
   data-measurements > 0; <select data-facet="NAME" data-facet-table="ID"> keeps rows whose data-NAME (values
   separated by "|") holds the chosen value. */
(function () {
  "use strict";

  function sortKey(cell, type) {
    var raw = cell ? (cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent) : "";
    raw = raw.trim();
    if (type === "number") {
      var n = parseFloat(raw.replace("\u2212", "-"));
      return isNaN(n) ? null : n;
    }
    return raw === "" || raw === "\u2013" ? null : raw.toLocaleLowerCase();
  }

  function sortBy(table, index, type, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var factor = direction === "descending" ? -1 : 1;
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[index], type), y = sortKey(b.cells[index], type);
      if (x === null && y === null) return 0;
      if (x === null) return 1; /* blanks last in both directions */
      if (y === null) return -1;
      if (type === "number") return factor * (x - y);
      return factor * x.localeCompare(y, undefined, { numeric: true });
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function makeSortable(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", direction);
        sortBy(table, index, th.getAttribute("data-type") || "text", direction);
        table.dispatchEvent(new CustomEvent("nckg:sorted", { detail: { column: index, direction: direction } }));
      });
    });
  }

  /* The search key of a text: NFKC-folded, lower case, letters and digits only (nckg.search.search_key). */
  function searchKey(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  function setUpFilter(table) {
    var input = document.querySelector('[data-filter-table="' + table.id + '"]');
    var measured = document.querySelector('[data-filter-measured="' + table.id + '"]');
    var facets = Array.prototype.slice.call(document.querySelectorAll('[data-facet-table="' + table.id + '"]'));
    var status = document.getElementById(table.getAttribute("aria-describedby") || "");
    if (!input && !measured && !facets.length) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) {
      return row.textContent.split(/\s+/).map(searchKey).join(" ") + " " +
        (row.getAttribute("data-search") || "");
    });
    function apply() {
      var words = input ? input.value.split(/\s+/).map(searchKey).filter(Boolean) : [];
      var onlyMeasured = measured && measured.checked;
      var chosen = facets.filter(function (f) { return f.value; });
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        if (ok && onlyMeasured) ok = parseInt(row.getAttribute("data-measurements") || "0", 10) > 0;
        if (ok) ok = chosen.every(function (f) {
          return (row.getAttribute("data-" + f.getAttribute("data-facet")) || "").split("|").indexOf(f.value) !== -1;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (status) status.textContent = shown + " of " + rows.length + " clusters shown";
    }
    if (input) input.addEventListener("input", apply);
    if (measured) measured.addEventListener("change", apply);
    facets.forEach(function (f) { f.addEventListener("change", apply); });
    apply();
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (table.tHead && table.tBodies.length) {
      makeSortable(table);
      setUpFilter(table);
    }
  });
})();
