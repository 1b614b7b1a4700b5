// The query page's form becomes the YASGUI editor where YASGUI is vendored: the examples as
// tabs, the endpoint's predefined prefixes known to its completion, and nothing fetched from
// other hosts (its completers that ask Linked Open Vocabularies are left out).
(function () {
  "use strict";
  if (typeof Yasgui !== "function") { return; }
  var setup = JSON.parse(document.getElementById("sparql-setup").textContent);
  var endpoint = new URL(document.getElementById("query-form").getAttribute("action"), location.href).href;
  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "skillgraphPrefixes",
    persistenceId: null,
    get: setup.prefixes.map(function (pair) { return pair[0] + ": <" + pair[1] + ">"; })
  }, false);
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "skillgraphPrefixes"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });
  setup.examples.forEach(function (example, index) {
    yasgui.addTab(index === setup.chosen - 1, { name: example[0], yasqe: { value: example[1] } });
  });
  document.getElementById("query-form").hidden = true;

  // What YASGUI's markup lacks for assistive technology, put right after each change: the
  // endpoint and editor fields named, and each tab pointing only at a panel that exists.
  var root = document.getElementById("yasgui");
  function repair() {
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", "SPARQL endpoint");
    });
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (area) {
      area.setAttribute("aria-label", "SPARQL query");
    });
    root.querySelectorAll("select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", "Rows shown");
    });
    root.querySelectorAll("[role=tab][aria-controls]").forEach(function (tab) {
      if (!document.getElementById(tab.getAttribute("aria-controls"))) {
        tab.removeAttribute("aria-controls");
      }
    });
  }
  repair();
  new MutationObserver(repair).observe(root, { childList: true, subtree: true });
})();
