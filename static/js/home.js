/* home.js — the home page: filter the list of documents by body, year, kind and language.
 *
 * Without JS the form stays hidden and every document is listed. With it, the form is shown,
 * rows that do not match are hidden (hidden attribute), empty groups too, the count is
 * updated, and the choice is kept in the query string (index.html?body=...&year=2018) so a
 * filtered view can be bookmarked and shared; opening such a URL applies it.
 */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var KEYS = ["body", "year", "kind", "language"];
  var rows = Array.prototype.slice.call(document.querySelectorAll(".doc-row"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("filter-empty");
  var selects = {};
  KEYS.forEach(function (key) { selects[key] = form.elements[key]; });

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }

  function readQuery() {
    var query = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) {
      var value = query.get(key);
      selects[key].value = value !== null && hasOption(selects[key], value) ? value : "";
    });
  }

  function writeQuery() {
    var query = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) {
      if (selects[key].value) query.set(key, selects[key].value);
      else query.delete(key);
    });
    var search = query.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    try {
      history.replaceState(null, "", url);
    } catch (e) { /* file:// in some browsers */ }
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var match = KEYS.every(function (key) {
        return !selects[key].value || row.getAttribute("data-" + key) === selects[key].value;
      });
      row.hidden = !match;
      if (match) shown += 1;
    });
    groups.forEach(function (group) {
      var visible = group.querySelectorAll(".doc-row:not([hidden])").length;
      group.hidden = visible === 0;
      var badge = group.querySelector(".group-count");
      if (badge) badge.textContent = String(visible);
    });
    var word = count.getAttribute("data-documents") || "documents";
    count.textContent = shown === rows.length
      ? rows.length + " " + word
      : shown + " / " + rows.length + " " + word;
    empty.hidden = shown !== 0;
    writeQuery();
  }

  form.hidden = false;
  readQuery();
  apply();
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  window.addEventListener("popstate", function () { readQuery(); apply(); });
})();
