// taxo: instant search, filter and sort of the catalog index. No network, no eval.
// The data comes from search-index.js (window.TAXO_INDEX, window.TAXO_SEARCH), loaded by
// <script src> so it works from file:// too. Rows are rendered in the HTML (all of them, for
// readers without JavaScript); this picks, orders and re-attaches the matching ones.
//
// The ranking is taxonomy/search.py's, on the same records and weights: words(), editDistance(),
// matchStrength(), rank() and closeness() below mirror the Python functions of those names, and
// tests/site/test_search_parity.py checks that both give the same order.
(function () {
  "use strict";
  var list = document.getElementById("entries");
  var data = window.TAXO_INDEX, R = window.TAXO_SEARCH;
  if (!list || !Array.isArray(data) || !R) { return; }
  document.documentElement.classList.add("js");

  // ---- the shared ranking (taxonomy/lookup.py, taxonomy/search.py) ----

  function words(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").match(/[a-z0-9]+/g) || [];
  }

  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
    var before = [], previous = [], current, i, j, value;
    for (j = 0; j <= b.length; j++) { previous.push(j); }
    for (i = 1; i <= a.length; i++) {
      current = [i];
      var smallest = i;
      for (j = 1; j <= b.length; j++) {
        value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, before[j - 2] + 1);
        }
        current.push(value);
        smallest = Math.min(smallest, value);
      }
      if (smallest > limit) { return limit + 1; }
      before = previous;
      previous = current;
    }
    return Math.min(previous[b.length], limit + 1);
  }

  function matchStrength(word, token) {
    if (word === token) { return R.exact; }
    if (word.length >= R.prefix_min && token.startsWith(word)) { return R.prefix; }
    var allowed = word.length >= R.typo_min[1] ? 2 : word.length >= R.typo_min[0] ? 1 : 0;
    if (allowed && editDistance(word, token, allowed) <= allowed) { return R.typo; }
    return 0;
  }

  // Every distinct word of the index once: a query word is compared with each of them once,
  // and a row's fields are lists of word numbers (fast enough for 10,000 entries per keystroke).
  var vocabulary = [], numbers = new Map();
  function intern(text) {
    var out = [];
    text.split(" ").forEach(function (token) {
      if (!token) { return; }
      var n = numbers.get(token);
      if (n === undefined) { n = vocabulary.length; vocabulary.push(token); numbers.set(token, n); }
      out.push(n);
    });
    return out;
  }

  var strengthCache = new Map();
  function strengths(word) {
    var known = strengthCache.get(word);
    if (known) { return known; }
    var out = new Float64Array(vocabulary.length);
    for (var n = 0; n < vocabulary.length; n++) { out[n] = matchStrength(word, vocabulary[n]); }
    if (strengthCache.size > 64) { strengthCache.clear(); }
    strengthCache.set(word, out);
    return out;
  }

  // (row, score) of the matching rows, best first, as taxonomy.search.rank orders them.
  function rank(candidates, query) {
    var wanted = words(query), joined = wanted.join(""), fields = R.fields, scored = [], most = 0;
    var perWord = wanted.map(strengths);
    candidates.forEach(function (row) {
      var matched = 0, total = 0;
      for (var w = 0; w < wanted.length; w++) {
        var best = 0, strength = perWord[w];
        for (var f = 0; f < fields.length; f++) {
          var tokens = row.tokens[f], weight = fields[f][1];
          for (var t = 0; t < tokens.length; t++) { best = Math.max(best, weight * strength[tokens[t]]); }
        }
        if (best > 0) { matched += 1; total += best; }
      }
      if (!matched) { return; }
      if (row.keys.indexOf(joined) !== -1) {
        total += R.key_exact;
      } else {
        var bonus = 0;
        row.keys.forEach(function (key) {
          if (joined.length >= R.prefix_min && key.startsWith(joined)) {
            bonus = Math.max(bonus, R.key_prefix * joined.length / key.length);
          }
        });
        total += bonus;
      }
      most = Math.max(most, matched);
      scored.push({ row: row, matched: matched, score: total });
    });
    scored = scored.filter(function (s) { return s.matched === most; });
    scored.sort(function (a, b) {
      if (a.score !== b.score) { return b.score - a.score; }
      return a.row.r.id < b.row.r.id ? -1 : a.row.r.id > b.row.r.id ? 1 : 0;
    });
    return scored;
  }

  function closeness(queryWords, keyWords) {
    var wanted = queryWords.join(""), key = keyWords.join("");
    if (!wanted || !key) { return 0; }
    if (wanted === key) { return 4; }
    var cover = wanted.length / key.length;
    if (wanted.length >= 2 && key.startsWith(wanted)) { return 3 + cover; }
    if (wanted.length >= 3 && keyWords.some(function (w) { return w.startsWith(wanted); })) { return 2 + cover; }
    if (wanted.length >= 3 && key.indexOf(wanted) !== -1) { return 1 + cover; }
    var longest = Math.max(wanted.length, key.length), limit = Math.floor(longest * 2 / 5);
    var distance = editDistance(wanted, key, limit);
    return distance <= limit ? 1 - distance / longest : 0;
  }

  // The ids of the entries nearest to the query, as taxonomy.lookup.suggest orders them.
  function suggest(query, limit) {
    var wanted = words(query), best = new Map();
    rows.forEach(function (row) {
      row.r.k.forEach(function (key) {
        var score = closeness(wanted, key.split(" "));
        if (score > (best.get(row.r.id) || 0)) { best.set(row.r.id, score); }
      });
    });
    return Array.from(best.keys()).sort(function (a, b) {
      if (best.get(a) !== best.get(b)) { return best.get(b) - best.get(a); }
      return a < b ? -1 : a > b ? 1 : 0;
    }).slice(0, limit);
  }

  // ---- the page ----

  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var domain = document.getElementById("domain");
  var sort = document.getElementById("sort");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");
  var nearest = document.getElementById("nearest");

  var byId = new Map();
  Array.prototype.forEach.call(list.children, function (li) { byId.set(li.getAttribute("data-id"), li); });
  var rows = [];
  data.forEach(function (r, i) {
    var li = byId.get(r.id);
    if (li) {
      rows.push({ r: r, li: li, order: i, tokens: r.f.map(intern),
                  keys: r.k.map(function (k) { return k.replace(/ /g, ""); }) });
    }
  });
  var rowById = new Map(rows.map(function (row) { return [row.r.id, row]; }));

  // Thousands of rows in the list cost the browser hundreds of milliseconds of layout per
  // keystroke, so the list holds only the first LIMIT matches; "Show all" lifts the limit.
  var LIMIT = 200, showAll = false;
  var more = document.getElementById("more");

  function byName(a, b) { return a.order - b.order; }     // the index is already sorted by name
  function byYear(a, b) {
    var ya = a.r.y == null ? Infinity : a.r.y, yb = b.r.y == null ? Infinity : b.r.y;
    return ya !== yb ? ya - yb : a.order - b.order;
  }

  // The rows to show, in order: ranked by the query, or by name or year when asked.
  function matching() {
    var c = category.value, d = domain.value;
    var candidates = rows.filter(function (row) { return (!c || row.r.c === c) && (!d || row.r.d === d); });
    var found = words(q.value).length ? rank(candidates, q.value).map(function (s) { return s.row; }) : candidates;
    if (sort.value === "year") { return found.slice().sort(byYear); }
    if (sort.value === "name" || !words(q.value).length) { return found.slice().sort(byName); }
    return found;
  }

  function showNearest(count) {
    nearest.replaceChildren();
    if (count || !words(q.value).length) { return; }
    var ids = suggest(q.value, 3);
    if (!ids.length) { return; }
    nearest.append(" Did you mean ");
    ids.forEach(function (id, i) {
      var link = rowById.get(id).li.querySelector("a"), a = document.createElement("a");
      a.href = link.getAttribute("href");
      a.textContent = link.textContent;   // contributed text: never parsed as HTML
      nearest.append(a);
      if (i < ids.length - 1) { nearest.append(i === ids.length - 2 ? " or " : ", "); }
    });
    nearest.append("?");
  }

  function apply() {
    var found = matching(), count = found.length;
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < found.length && (showAll || i < LIMIT); i++) { fragment.appendChild(found[i].li); }
    list.replaceChildren(fragment);
    shown.textContent = count + (count === 1 ? " entry" : " entries");
    none.hidden = count !== 0;
    showNearest(count);
    more.hidden = showAll || count <= LIMIT;
    more.textContent = "Show all " + count + " entries";
  }

  // State in the query string, so a search can be linked and survives reload and Back.
  function remember() {
    var params = new URLSearchParams();
    if (q.value) { params.set("q", q.value); }
    if (category.value) { params.set("category", category.value); }
    if (domain.value) { params.set("domain", domain.value); }
    if (sort.value) { params.set("sort", sort.value); }
    var search = params.toString();
    try {
      window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    } catch (error) { /* a browser that refuses to rewrite a file: address keeps the old one */ }
  }

  function changed() { showAll = false; apply(); remember(); }

  var params = new URLSearchParams(window.location.search);
  q.value = params.get("q") || "";
  category.value = params.get("category") || "";
  domain.value = params.get("domain") || "";
  sort.value = params.get("sort") || "";
  if (category.selectedIndex < 0) { category.value = ""; }
  if (domain.selectedIndex < 0) { domain.value = ""; }
  if (sort.selectedIndex < 0) { sort.value = ""; }

  q.addEventListener("input", changed);
  category.addEventListener("change", changed);
  domain.addEventListener("change", changed);
  sort.addEventListener("change", changed);
  more.addEventListener("click", function () { showAll = true; apply(); });

  // Enter opens the top hit.
  document.getElementById("controls").addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("li > a");
    if (first && words(q.value).length) { window.location.href = first.href; }
  });

  // "/" focuses the search box from anywhere on the page but another field.
  document.addEventListener("keydown", function (event) {
    var target = event.target, tag = target && target.tagName;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable)) { return; }
    event.preventDefault();
    q.focus();
    q.select();
  });

  apply();
  window.TAXO_READY = true;
})();
