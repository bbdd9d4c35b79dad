/* agreed.js — "agreed language" on a document page: the list behind each disclosure.
 *
 * The build marks each paragraph whose wording is found in other documents with a
 * <details class="agreed"> whose summary says it in a line (the paragraph: the id of the
 * element holding it). When one opens
 * for the first time, this reads the document's JSON (#agreed-data: data-record), finds the
 * paragraph's "related" list there and shows it: each entry a link to the other document's
 * paragraph (highlighted there by reader.js), its date, "identical" or its similarity; a
 * nearly identical one has a button that shows the words inserted and deleted against it
 * (read from that document's JSON). Everything is set with textContent or created as
 * elements: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";
  var config = document.getElementById("agreed-data");
  if (!config) { return; }
  var ui = JSON.parse(config.getAttribute("data-ui") || "{}");
  var recordUrl = config.getAttribute("data-record");
  var pageUrl = config.getAttribute("data-page"); // "{id}.html", beside this page
  // search.js's (loaded on every page, after this one: used on a reader's click only)
  function records() { return window.resarchiveRecords; }

  function dataUrl(id) {
    // the record's URL with the other document's id: data/<id>.json
    return recordUrl.replace(/[^/]*\.json$/, encodeURIComponent(id) + ".json");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // Words of `after` against `before`: [op, words] runs, op "=", "+" or "-" (LCS on words).
  function wordDiff(before, after) {
    var a = before.split(/\s+/).filter(Boolean);
    var b = after.split(/\s+/).filter(Boolean);
    var n = a.length, m = b.length;
    var lcs = [];
    for (var i = 0; i <= n; i++) { lcs.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[i].toLowerCase() === b[j].toLowerCase()
          ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    var out = [];
    function push(op, word) {
      var last = out[out.length - 1];
      if (last && last[0] === op) { last[1].push(word); } else { out.push([op, [word]]); }
    }
    i = 0; j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i].toLowerCase() === b[j].toLowerCase()) { push("=", b[j]); i++; j++; }
      else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { push("+", b[j]); j++; }
      else { push("-", a[i]); i++; }
    }
    return out;
  }

  function showChanges(button, entry, mine) {
    button.disabled = true;
    records().load(dataUrl(entry.document)).then(function (record) {
      var theirs = records().paragraph(record, entry.anchor);
      var p = el("p", "agreed-diff");
      wordDiff(theirs ? theirs.text : "", mine.text).forEach(function (run, k) {
        if (k) { p.appendChild(document.createTextNode(" ")); }
        var words = run[1].join(" ");
        p.appendChild(run[0] === "=" ? document.createTextNode(words)
          : el(run[0] === "+" ? "ins" : "del", "", words));
      });
      button.replaceWith(p);
    }).catch(function (err) {
      button.replaceWith(el("span", "agreed-error", err.message));
    });
  }

  function entryNode(entry, mine, first) {
    var li = el("li", "agreed-entry" + (first ? " agreed-first" : ""));
    var a = el("a", "", entry.symbol || entry.document);
    a.href = pageUrl.replace("{id}", encodeURIComponent(entry.document)) + "#" + encodeURIComponent(entry.anchor);
    li.appendChild(a);
    li.appendChild(el("span", "agreed-anchor", " " + entry.anchor));
    if (entry.date) { li.appendChild(el("time", "", " " + entry.date)).setAttribute("datetime", entry.date); }
    var same = entry.similarity >= 1;
    li.appendChild(el("span", "agreed-sim", " · " + (same ? ui.same
      : ui.similar.replace("{p}", String(Math.round(entry.similarity * 100))))));
    if (!same) {
      var button = el("button", "agreed-changes", ui.changes);
      button.type = "button";
      button.addEventListener("click", function () { showChanges(button, entry, mine); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
    }
    return li;
  }

  function fill(box) {
    var anchor = box.parentNode.id;
    var status = el("p", "agreed-status", ui.loading);
    box.insertBefore(status, box.firstElementChild.nextSibling);
    records().load(recordUrl).then(function (record) {
      var mine = records().paragraph(record, anchor);
      if (!mine) { throw new Error(anchor); }
      var list = el("ul", "agreed-list");
      if (mine.first_agreed) { list.appendChild(entryNode(mine.first_agreed, mine, true)); }
      var first = mine.first_agreed;
      mine.related.forEach(function (entry) {
        if (first && entry.document === first.document && entry.anchor === first.anchor) { return; }
        list.appendChild(entryNode(entry, mine, false));
      });
      var total = mine.related_total.identical + mine.related_total.near;
      if (total > mine.related.length) {
        var more = el("li", "agreed-more");
        var link = el("a", "", ui.more.replace("{n}", String(total - mine.related.length)));
        link.href = recordUrl;
        more.appendChild(link);
        list.appendChild(more);
      }
      // the links shown without JS (after the summary) give way to the list
      while (box.lastChild !== box.firstElementChild) { box.removeChild(box.lastChild); }
      box.appendChild(list);
      box.setAttribute("data-state", "done");
    }).catch(function (err) {
      status.textContent = err.message;
      box.setAttribute("data-state", "error");
    });
  }

  var boxes = document.querySelectorAll("details.agreed");
  for (var k = 0; k < boxes.length; k++) {
    boxes[k].addEventListener("toggle", function (event) {
      var box = event.currentTarget;
      if (box.open && !box.hasAttribute("data-state")) {
        box.setAttribute("data-state", "loading");
        fill(box);
      }
    });
  }
})();
