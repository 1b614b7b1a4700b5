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
})();
