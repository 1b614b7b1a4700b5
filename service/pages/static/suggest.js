// Suggestions under a search box as one types, from /suggest. The form works without it.
(function () {
  "use strict";
  function attach(input) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.hidden = true;
    list.id = input.id + "-suggestions";
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(input.value); }, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { list.hidden = true; }
      if (event.key === "ArrowDown" && !list.hidden && list.firstChild) {
        event.preventDefault();
        list.firstChild.firstChild.focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var item = document.activeElement.parentNode;
      if (event.key === "ArrowDown" && item.nextSibling) { event.preventDefault(); item.nextSibling.firstChild.focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (item.previousSibling ? item.previousSibling.firstChild : input).focus(); }
      if (event.key === "Escape") { list.hidden = true; input.focus(); }
    });
    function show(text) {
      var mine = ++asked;
      if (text.trim().length < 2) { list.hidden = true; return; }
      var url = input.dataset.suggest + "?limit=8&q=" + encodeURIComponent(text) +
        "&language=" + encodeURIComponent(input.dataset.language || "en");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : { items: [] }; })
        .then(function (body) {
          if (mine !== asked) { return; }
          list.textContent = "";
          (body.items || []).forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            var path = item.uri.replace("http://data.europa.eu/esco/", "/esco/");
            a.href = path;
            a.textContent = item.label;
            var meta = document.createElement("span");
            meta.className = "meta";
            meta.textContent = " · " + item.type + (item.matched_text && item.matched_text !== item.label.toLowerCase() ? ": " + item.matched_text : "");
            a.appendChild(meta);
            li.appendChild(a);
            list.appendChild(li);
          });
          list.hidden = !list.firstChild;
        })
        .catch(function () { list.hidden = true; });
    }
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
