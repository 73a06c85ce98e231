/* The query editor page: YASGUI on the local SPARQL endpoint, with the catalogue's example questions, the
   project prefixes, shareable links (/editor?query=...) and the Chart result view. No network beyond this site. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var status = document.getElementById("editor-status");
  function say(message, failed) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("error", !!failed);
  }

  if (typeof Yasgui === "undefined") { say("The editor could not load.", true); return; }
  if (window.NckgYasrChart && typeof Chart !== "undefined") Yasgui.Yasr.registerPlugin("chart", window.NckgYasrChart);

  /* A syntax error reads as one line; the parser's full text (asked for with verbose=1) opens in a <details>. */
  function syntaxErrorRenderer(error) {
    var text = error && error.text, marker = "\n\nParser message: ";
    if (!text || text.indexOf(marker) < 0) return Promise.resolve(undefined);
    var at = text.indexOf(marker), box = document.createElement("div");
    box.className = "query-error";
    var line = document.createElement("p");
    line.className = "query-error-message";
    line.textContent = text.slice(0, at).replace(/^\d{3} [^:]*: /, "").trim();
    var details = document.createElement("details");
    details.className = "query-error-detail";
    var summary = document.createElement("summary");
    summary.textContent = "Parser message";
    var pre = document.createElement("pre");
    pre.textContent = text.slice(at + marker.length).trim();
    details.appendChild(summary);
    details.appendChild(pre);
    box.appendChild(line);
    box.appendChild(details);
    return Promise.resolve(box);
  }
  Yasgui.Yasr.defaults.errorRenderers = [syntaxErrorRenderer].concat(Yasgui.Yasr.defaults.errorRenderers || []);

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST", args: [{ name: "verbose", value: "1" }] },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: { resizeable: true, editorHeight: "320px" },
    yasr: { pluginOrder: ["table", "chart", "response"], defaultPlugin: "table", prefixes: config.prefixes }
  });
  window.nckgYasgui = yasgui;

  function tab() { return yasgui.getTab(); }

  /* The endpoint predeclares the common prefixes (a query's own PREFIX wins): teach YASQE's syntax check the same,
     so `rdfs:label` without a PREFIX line is not marked as an error. Applied to every tab's editor. */
  function predeclare(yasqe) {
    if (!yasqe || yasqe.nckgPredeclared || !yasqe.getMode) return;
    var mode = yasqe.getMode();
    var startState = mode && mode.startState;
    if (!startState) return;
    mode.startState = function () {
      var state = startState.apply(this, arguments);
      state.prefixes = Object.assign({}, config.prefixes, state.prefixes || {});
      return state;
    };
    yasqe.nckgPredeclared = true;
    yasqe.setValue(yasqe.getValue());  /* re-tokenise from the first line with the new start state */
  }
  predeclare(tab().getYasqe());
  yasgui.on("tabAdd", function (instance, id) { var t = instance.getTab(id); if (t) predeclare(t.getYasqe()); });
  yasgui.on("tabSelect", function (instance, id) { var t = instance.getTab(id); if (t) predeclare(t.getYasqe()); });
  tab().setEndpoint(config.endpoint);
  tab().setQuery(config.query);

  /* Keyboard users: Esc leaves the code editor (CodeMirror keeps Tab for indentation). */
  var yasqe = tab().getYasqe();
  yasqe.addKeyMap({ Esc: function () { var next = document.getElementById("copy-link"); if (next) next.focus(); } });
  var input = yasqe.getInputField && yasqe.getInputField();
  if (input) {
    input.setAttribute("aria-label", "SPARQL query");
    input.setAttribute("aria-describedby", "editor-help");
  }

  /* Announce the result size once YASR has drawn it (screen readers, and the browser tests). */
  function watch(t) {
    var yasr = t && t.getYasr();
    if (!yasr || yasr.nckgWatched) return;
    yasr.nckgWatched = true;
    yasr.on("drawn", function () {
      var results = yasr.results;
      var error = results && results.getError && results.getError();
      var n = results && results.getBindings && results.getBindings() ? results.getBindings().length : null;
      say(error ? "The query failed; see the message below." :
          n === null ? "Query finished." : n + " result" + (n === 1 ? "" : "s") + ".", !!error);
      document.body.setAttribute("data-query-state", error ? "error" : "done");
    });
  }
  watch(tab());
  yasgui.on("tabSelect", function (instance, id) { watch(instance.getTab(id)); });
  yasgui.on("queryBefore", function () { say("Running the query…"); document.body.setAttribute("data-query-state", "running"); });

  var examples = {};
  (config.examples || []).forEach(function (e) { examples[e.id] = e; });
  var select = document.getElementById("example-select");
  if (select) {
    select.addEventListener("change", function () {
      var e = examples[select.value];
      if (!e) return;
      tab().setQuery(e.sparql);
      tab().setName(e.title.slice(0, 40));
      say("Loaded \u201c" + e.title + "\u201d. Press Ctrl+Enter to run it.");
    });
  }

  document.getElementById("insert-prefixes").addEventListener("click", function () {
    tab().getYasqe().addPrefixes(config.prefixes);
    say("Prefixes inserted.");
  });

  document.getElementById("copy-link").addEventListener("click", function () {
    var link = window.location.origin + window.location.pathname + "?query=" + encodeURIComponent(tab().getQuery());
    window.history.replaceState(null, "", link);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link).then(function () { say("Link copied to the clipboard."); },
                                                function () { say("Link to this query is now in the address bar."); });
    } else {
      say("Link to this query is now in the address bar.");
    }
  });

  if (config.run) tab().query();
})();
