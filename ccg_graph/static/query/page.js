/* The query page's enhancement: YASGUI (shipped in static/query/vendor/) over this server's /sparql.
 * Without it the page keeps its plain HTML form, and this script says why the editor is missing. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("query-page-config").textContent);
  var statusEl = document.getElementById("editor-status");

  function notice(text, reason) {
    var p = document.createElement("p");
    p.className = "notice notice-warning";
    p.setAttribute("data-reason", reason);
    p.textContent = text;
    statusEl.appendChild(p);
  }

  if (typeof window.Yasgui === "undefined") {
    document.body.setAttribute("data-editor", "unavailable");
    if (!statusEl.querySelector("[data-reason='assets-missing']")) {
      notice("The enhanced editor could not load (its script did not arrive), so the plain form below is shown: " +
        "it runs the same queries.", "load-failed");
    }
    return;
  }

  var Yasgui = window.Yasgui;
  // Resolved against the page, so the page works behind any host or path prefix.
  var endpoint = new URL(config.endpoint, document.baseURI).href;
  var examples = {};
  config.examples.forEach(function (e) { examples[e.name] = e; });

  // Nothing may leave this server: the class and property completers ask a public vocabulary service (LOV)
  // on the internet, so only the local ones are on; prefix completion reads the project's prefixes.
  // These are set on the defaults because YASGUI merges arrays in a config index by index.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.prefixCcApi =
    "data:application/json," + encodeURIComponent(JSON.stringify(config.prefixes));
  Yasgui.defaults.endpointCatalogueOptions.getData = function () { return [{ endpoint: endpoint }]; };

  var yasgui;
  try {
    yasgui = new Yasgui(document.getElementById("yasgui"), {
      persistenceId: null,          // a fresh editor on every visit: no stale endpoint from local storage
      populateFromUrl: false,
      copyEndpointOnNewTab: true,
      requestConfig: { endpoint: endpoint, method: "POST" },
      yasr: { prefixes: config.prefixes }
    });
  } catch (err) {
    document.body.setAttribute("data-editor", "unavailable");
    notice("The enhanced editor could not start (" + err + "), so the plain form below is shown.", "start-failed");
    return;
  }

  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(config.initialQuery);

  var select = document.getElementById("example-select");
  var purpose = document.getElementById("example-purpose");
  var linksEl = document.getElementById("download-links");

  var RESULT_FORMATS = [["csv", "CSV"], ["tsv", "TSV"], ["json", "JSON"], ["xml", "XML"]];
  var GRAPH_FORMATS = [["turtle", "Turtle"], ["ntriples", "N-Triples"], ["jsonld", "JSON-LD"]];
  var EXTENSIONS = { csv: "csv", tsv: "tsv", json: "srj", xml: "srx", turtle: "ttl", ntriples: "nt", jsonld: "jsonld" };

  function activeYasqe() { return yasgui.getTab().getYasqe(); }

  function updateDownloads() {
    var yasqe = activeYasqe();
    var query = yasqe.getValue();
    var type = (yasqe.getQueryType && yasqe.getQueryType()) || "SELECT";
    linksEl.textContent = "";
    if (yasqe.getQueryMode && yasqe.getQueryMode() === "update") {
      linksEl.textContent = "(not for updates)";
      return;
    }
    var formats = (type === "CONSTRUCT" || type === "DESCRIBE") ? GRAPH_FORMATS : RESULT_FORMATS;
    formats.forEach(function (f, i) {
      var a = document.createElement("a");
      var params = new URLSearchParams({ query: query, format: f[0] });
      a.href = config.endpoint + "?" + params.toString();
      a.setAttribute("download", "ccg-graph-results." + EXTENSIONS[f[0]]);
      a.className = "download-link";
      a.setAttribute("data-format", f[0]);
      a.textContent = f[1];
      if (i > 0) { linksEl.appendChild(document.createTextNode(" ")); }
      linksEl.appendChild(a);
    });
  }

  function loadExample(name) {
    var example = examples[name];
    if (!example) { return; }
    select.value = name;
    yasgui.getTab().setQuery(example.text);
    purpose.textContent = example.purpose;
    updateDownloads();
  }

  select.addEventListener("change", function () {
    if (select.value) { loadExample(select.value); } else { purpose.textContent = ""; }
  });

  Array.prototype.forEach.call(document.querySelectorAll("a.example-open"), function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      loadExample(a.getAttribute("data-example"));
      document.getElementById("enhanced").scrollIntoView();
      activeYasqe().focus();
    });
  });

  yasgui.on("tabChange", updateDownloads);
  yasgui.on("tabSelect", function () { window.setTimeout(updateDownloads, 0); });
  yasgui.on("query", function () { document.body.setAttribute("data-query-state", "running"); });
  yasgui.on("queryResponse", function () { document.body.setAttribute("data-query-state", "answered"); });

  if (select.value && examples[select.value]) { purpose.textContent = examples[select.value].purpose; }
  updateDownloads();

  document.getElementById("plain").hidden = true;
  document.getElementById("enhanced").hidden = false;
  yasgui.getTab().getYasqe().refresh();
  document.body.setAttribute("data-editor", "ready");
  window.ccgQueryPage = { yasgui: yasgui, endpoint: endpoint };
})();
