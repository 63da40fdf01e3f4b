// socialrx: the SPARQL editor around the vendored YASGUI (left as shipped). One tab, which the catalogue's examples
// and "Open in the SPARQL editor" links fill through the address fragment (#query=…); result IRIs of this site link
// to its pages; the editor's text area gets a label; the row-limit notice shows when the endpoint cut the results.
(function () {
  "use strict";
  var config = document.getElementById("sparql-config");
  var mount = document.getElementById("yasgui");
  if (!config || !mount || typeof Yasgui === "undefined") return;
  var cfg = JSON.parse(config.textContent);

  function queryInFragment() {
    var m = /(?:^#|&)query=([^&]*)/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function clearFragment() {
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  }

  Yasgui.Yasqe.defaults.value = queryInFragment() || cfg.query || cfg.defaultQuery;
  clearFragment();
  // Class and property completion ask an outside service (LOV); the page must work offline.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.lineWrapping = true; // long lines wrap: nothing to scroll sideways on a phone
  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; }, keys: [] },
    persistenceId: null, // no tabs kept from earlier visits: the page opens with one
    populateFromUrl: false, // the fragment is ours (see above), not a share link that opens another tab
  });

  function oneTab() {
    var keep = yasgui.getTab();
    Object.keys(yasgui.getTabs ? yasgui.getTabs() : {}).forEach(function (id) {
      if (keep && id !== keep.getId()) yasgui.getTab(id).close();
    });
    return keep;
  }
  function show(text) {
    var tab = oneTab();
    if (tab && text) tab.setQuery(text);
  }
  window.addEventListener("hashchange", function () {
    var text = queryInFragment();
    clearFragment();
    if (text) {
      show(text);
      mount.scrollIntoView({ block: "start" });
    }
  });

  var ours = cfg.baseIri;
  function localise(root) {
    root.querySelectorAll("a[href^='" + ours + "']").forEach(function (a) {
      a.setAttribute("href", cfg.root + "/" + a.getAttribute("href").slice(ours.length));
      a.removeAttribute("target");
    });
  }
  function label(root) {
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (t) {
      t.setAttribute("aria-label", "SPARQL query");
    });
    root.querySelectorAll("select:not([aria-label])").forEach(function (s) {
      s.setAttribute("aria-label", s.closest(".yasr") ? "How to show the results" : "Choice");
    });
    root.querySelectorAll("input:not([aria-label]):not([type=hidden])").forEach(function (i) {
      var named = i.id && document.querySelector("label[for='" + i.id + "']");
      if (!named && !i.closest("label")) i.setAttribute("aria-label", i.placeholder || "Filter the results");
    });
    root.querySelectorAll("button:not([aria-label])").forEach(function (b) {
      if (!b.textContent.trim()) b.setAttribute("aria-label", b.getAttribute("title") || "Editor action");
    });
  }
  function tidy() {
    localise(mount);
    label(mount);
  }
  new MutationObserver(tidy).observe(mount, { childList: true, subtree: true });
  tidy();

  // The endpoint says "X-SPARQL-Truncated: true" when it cut the results at the row limit; show it.
  var notice = document.getElementById("sparql-truncated");
  var watched = new WeakSet();
  yasgui.on("query", function (instance, tab) {
    var yasqe = tab.getYasqe();
    if (!yasqe || watched.has(yasqe)) return;
    watched.add(yasqe);
    yasqe.on("queryResponse", function (editor, response) {
      var headers = response && response.headers;
      var cut = headers && (typeof headers.get === "function" ? headers.get("x-sparql-truncated") : headers["x-sparql-truncated"]);
      notice.hidden = cut !== "true";
    });
  });
})();
