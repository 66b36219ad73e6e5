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
  // The graph's own organisations, from this server's search index (/search/suggest): type "<" and part of a
  // name or code (<newcastle gat, or <https://w3id.org/ccg-graph/id/ccg/13) and pick the IRI.
  var ID_BASE = "https://w3id.org/ccg-graph/id/";
  var suggestUrl = new URL("search/suggest", document.baseURI).href;
  function typedIri(yasqe) {
    var token = yasqe.getCompleteToken();
    var text = token && token.string;
    if (!text || text.charAt(0) !== "<" || text.indexOf(">") >= 0 || text.length < 3) { return null; }
    text = text.slice(1);
    if (text.indexOf(ID_BASE) === 0) { text = text.slice(ID_BASE.length).split("/").pop(); }
    return text.length ? text : null;
  }
  Yasgui.Yasqe.registerAutocompleter({
    name: "ccg-names",
    bulk: false,
    autoShow: true,
    isValidCompletionPosition: function (yasqe) { return typedIri(yasqe) !== null; },
    get: function (yasqe) {
      var text = typedIri(yasqe);
      if (!text) { return Promise.resolve([]); }
      return fetch(suggestUrl + "?" + new URLSearchParams({ q: text, limit: "10" }).toString())
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { return found.map(function (s) { return "<" + s.id + ">"; }); })
        .catch(function () { return []; });
    }
  }, true);
  Yasgui.Yasqe.defaults.prefixCcApi =
    "data:application/json," + encodeURIComponent(JSON.stringify(config.prefixes));
  Yasgui.defaults.endpointCatalogueOptions.getData = function () { return [{ endpoint: endpoint }]; };
  // A link made with the editor's share button carries the tab in the page's URL (query=...): it wins.
  var shared = new URLSearchParams(window.location.search).has("query");

  var yasgui;
  try {
    yasgui = new Yasgui(document.getElementById("yasgui"), {
      persistenceId: null,          // a fresh editor on every visit: no stale endpoint from local storage
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
  if (!shared) { setQuery(config.initialQuery); }

  var select = document.getElementById("example-select");
  var purpose = document.getElementById("example-purpose");
  var linksEl = document.getElementById("download-links");

  var FORMATS = [
    // [format= value, label, file extension, for graph queries (CONSTRUCT/DESCRIBE) or for results]
    ["csv", "CSV", "csv", false], ["tsv", "TSV", "tsv", false], ["json", "JSON", "srj", false],
    ["xml", "XML", "srx", false], ["turtle", "Turtle", "ttl", true], ["ntriples", "N-Triples", "nt", true],
    ["jsonld", "JSON-LD", "jsonld", true]
  ];

  function activeYasqe() { return yasgui.getTab().getYasqe(); }

  // The prefix block is folded to one line so the query itself is in view; a click unfolds it.
  function setQuery(text) {
    yasgui.getTab().setQuery(text);
    activeYasqe().collapsePrefixes(true);
  }

  function downloadHref(format) {
    return config.endpoint + "?" + new URLSearchParams({ query: activeYasqe().getValue(), format: format }).toString();
  }

  // The links are made once and only shown, hidden and re-pointed afterwards: replacing them while the
  // editor loses focus (which happens on the mouse-down of a click on one) would swallow that click.
  var links = FORMATS.map(function (f) {
    var a = document.createElement("a");
    a.className = "download-link";
    a.setAttribute("data-format", f[0]);
    a.setAttribute("download", "ccg-graph-results." + f[2]);
    a.textContent = f[1];
    a.href = f[0];
    // Re-pointed at the moment of the click, so the download is always of the query in the editor now.
    a.addEventListener("click", function () { a.href = downloadHref(f[0]); });
    linksEl.appendChild(a);
    linksEl.appendChild(document.createTextNode(" "));
    return { el: a, format: f[0], graph: f[3] };
  });
  var updateNote = document.createElement("span");
  updateNote.textContent = "(not for updates)";
  linksEl.appendChild(updateNote);

  function updateDownloads() {
    var yasqe = activeYasqe();
    var isUpdate = yasqe.getQueryMode && yasqe.getQueryMode() === "update";
    var type = (yasqe.getQueryType && yasqe.getQueryType()) || "SELECT";
    var graph = type === "CONSTRUCT" || type === "DESCRIBE";
    links.forEach(function (link) {
      link.el.hidden = isUpdate || link.graph !== graph;
      link.el.href = downloadHref(link.format);
    });
    updateNote.hidden = !isUpdate;
  }

  function loadExample(name) {
    var example = examples[name];
    if (!example) { return; }
    select.value = name;
    setQuery(example.text);
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

  var pending = null;
  function updateSoon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(updateDownloads, 150);
  }
  yasgui.on("tabChange", updateSoon);
  yasgui.on("tabSelect", updateSoon);
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
