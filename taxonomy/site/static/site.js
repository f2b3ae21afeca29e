// taxo: instant search, filter and sort of the catalog index. No network, no eval.
// The data comes from search-index.js (window.TAXO_INDEX), loaded by <script src> so it
// works from file:// too. Rows are rendered in the HTML (all of them, for readers without
// JavaScript); this picks, orders and re-attaches the matching ones.
(function () {
  "use strict";
  var list = document.getElementById("entries");
  var data = window.TAXO_INDEX;
  if (!list || !Array.isArray(data)) { return; }
  document.documentElement.classList.add("js");

  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var domain = document.getElementById("domain");
  var sort = document.getElementById("sort");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");

  var byId = new Map();
  Array.prototype.forEach.call(list.children, function (li) { byId.set(li.getAttribute("data-id"), li); });
  var rows = [];
  data.forEach(function (r, i) {
    var li = byId.get(r.id);
    if (li) { rows.push({ r: r, li: li, order: i }); }
  });

  // Thousands of rows in the list cost the browser hundreds of milliseconds of layout per
  // keystroke, so the list holds only the first LIMIT matches; "Show all" lifts the limit.
  var LIMIT = 200, showAll = false;
  var more = document.getElementById("more");

  function apply() {
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var c = category.value, d = domain.value, count = 0;
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i].r, ok = (!c || r.c === c) && (!d || r.d === d);
      for (var k = 0; ok && k < terms.length; k++) { ok = r.t.indexOf(terms[k]) !== -1; }
      if (ok && (++count <= LIMIT || showAll)) { fragment.appendChild(rows[i].li); }
    }
    list.replaceChildren(fragment);
    shown.textContent = count + (count === 1 ? " entry" : " entries");
    none.hidden = count !== 0;
    more.hidden = showAll || count <= LIMIT;
    more.textContent = "Show all " + count + " entries";
  }

  function changed() { showAll = false; apply(); }

  function reorder() {
    var byYear = sort.value === "year";
    rows.sort(function (a, b) {
      if (byYear) {
        var ya = a.r.y == null ? Infinity : a.r.y, yb = b.r.y == null ? Infinity : b.r.y;
        if (ya !== yb) { return ya - yb; }
      }
      return a.order - b.order;   // the index is already sorted by name
    });
    apply();
  }

  // State in the query string, so a filtered index can be linked (works from file:// too).
  var params = new URLSearchParams(window.location.search);
  q.value = params.get("q") || "";
  category.value = params.get("category") || "";
  domain.value = params.get("domain") || "";
  sort.value = params.get("sort") === "year" ? "year" : "name";
  if (category.selectedIndex < 0) { category.value = ""; }
  if (domain.selectedIndex < 0) { domain.value = ""; }

  q.addEventListener("input", changed);
  category.addEventListener("change", changed);
  domain.addEventListener("change", changed);
  more.addEventListener("click", function () { showAll = true; apply(); });
  sort.addEventListener("change", reorder);
  document.getElementById("controls").addEventListener("submit", function (event) { event.preventDefault(); });
  if (sort.value !== "name") { reorder(); }
  apply();
  window.TAXO_READY = true;
})();
