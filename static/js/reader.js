/* reader.js — a document page: deep links, highlight, citations.
 *
 * Deep links. Opening doc/<id>.html#op7 (or #op7-a, #pp3, #fn2, #att1-p4 ...) scrolls to that
 * element (CSS scroll-margin-top keeps it clear of the top edge) and marks it with the class
 * "is-target" (the CSS :target rule does the same without JS). Closed <details> around the
 * target are opened. A few informal forms are accepted and rewritten to the canonical anchor:
 * #7 #par7 #p7 -> #op7, #7a #op7a #op7.a -> #op7-a, #note2 #n2 -> #fn2.
 *
 * Other versions. Links marked data-keep-anchor (the same document in another language, the
 * side-by-side view) carry the paragraph in the address bar over: on #op7, "English" leads
 * to the English page at #op7. Their href is kept up to date, so that copying or opening the
 * link in a new tab does the same.
 *
 * Citations. Every citable element carries data-cite (its paragraph label, in the page's
 * language, e.g. "par. 7 a)", "al. 3 du préambule", "note 2"); the article carries
 * data-citation (the prefix: body, symbol or kind and title, date). The "Cite" button copies
 *
 *     {prefix}, {label} <{page URL}#{id}>
 *
 * (the label is left out when empty; the document's own "Cite" has no #id). The format is
 * documented in src/resarchive/render.py, which builds the same strings for its tests.
 * Copying uses navigator.clipboard, else a selected <textarea> and execCommand("copy"); the
 * citation is also shown in a small box under the paragraph, selected, if copying failed.
 */
(function () {
  "use strict";

  // Informal fragments and the kind of anchor each stands for, tried in order: the table
  // INFORMAL_FORMS of src/resarchive/anchors.py (tests/test_anchors.py holds them equal).
  var INFORMAL_FORMS = [
    [/^(?:op|par|para|p)?[-.]?(\d+)(?:[-.]?([a-z]))?$/i, "op"],
    [/^(?:pp|al)[-.]?(\d+)$/i, "pp"],
    [/^(?:note|n)[-.]?(\d+)$/i, "fn"]
  ];

  function informalCandidates(id) {
    var out = [];
    INFORMAL_FORMS.forEach(function (form) {
      var m = form[0].exec(id);
      if (m) out.push(form[1] + m[1] + (m[2] ? "-" + m[2].toLowerCase() : ""));
    });
    return out;
  }

  if (typeof module === "object" && module && module.exports) {  // Node: the tests
    module.exports = { informalCandidates: informalCandidates, INFORMAL_FORMS: INFORMAL_FORMS };
    return;
  }
  var article = document.getElementById("document");
  if (!article) return;

  var TARGET_CLASS = "is-target";
  var current = null;

  // ------------------------------------------------------------------ deep links

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  function resolve(hash) {
    if (!hash || hash.length < 2) return null;
    var id = hash.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch (e) { /* keep it as typed */ }
    var el = byId(id);
    if (el) return el;
    var candidates = informalCandidates(id);
    for (var k = 0; k < candidates.length; k++) {
      el = byId(candidates[k]);
      if (el) return el;
    }
    return null;
  }

  function openDetails(el) {
    for (var node = el.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
    }
  }

  function highlight(scroll) {
    var el = resolve(window.location.hash);
    if (current && current !== el) current.classList.remove(TARGET_CLASS);
    current = el;
    if (!el) return;
    openDetails(el);
    if (("#" + el.id) !== window.location.hash) {
      // an informal form (#7a): show the canonical anchor in the address bar
      history.replaceState(null, "", "#" + el.id);
    }
    el.classList.remove(TARGET_CLASS);
    void el.offsetWidth; // restart the CSS flash when the same element is targeted again
    el.classList.add(TARGET_CLASS);
    if (scroll) el.scrollIntoView({ block: "start" });
  }

  var keepers = document.querySelectorAll("a[data-keep-anchor]");

  function keepAnchor() {
    var hash = current ? "#" + current.id : "";
    for (var k = 0; k < keepers.length; k++) {
      keepers[k].href = keepers[k].getAttribute("href").split("#")[0] + hash;
    }
  }

  window.addEventListener("hashchange", function () { highlight(true); keepAnchor(); });
  highlight(true);
  keepAnchor();

  // ------------------------------------------------------------------ print

  var pageUrl = window.location.href.split("#")[0];
  var urlSlots = article.querySelectorAll(".page-url");
  for (var i = 0; i < urlSlots.length; i++) urlSlots[i].textContent = pageUrl;

  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    var closed = article.querySelectorAll("details:not([open])");
    for (var k = 0; k < closed.length; k++) {
      closed[k].open = true;
      openedForPrint.push(closed[k]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (openedForPrint.length) openedForPrint.pop().open = false;
  });

  // ------------------------------------------------------------------ citations

  var buttons = article.querySelectorAll("button.cite");
  for (var j = 0; j < buttons.length; j++) buttons[j].hidden = false;

  var status = document.getElementById("cite-status");
  var box = null;
  var boxSeq = 0;

  function citationFor(holder) {
    var url = window.location.href.split("#")[0];
    if (holder.id) url += "#" + holder.id;
    var parts = [article.getAttribute("data-citation"), holder.getAttribute("data-cite")];
    return parts.filter(function (p) { return p; }).join(", ") + " <" + url + ">";
  }

  function fallbackCopy(text, restoreFocus) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.setAttribute("aria-hidden", "true");
    area.className = "clipboard-buffer";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    if (restoreFocus) restoreFocus.focus();
    return ok;
  }

  function copy(text, button) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(text, button); }
      );
    }
    return Promise.resolve(fallbackCopy(text, button));
  }

  function closeBox() {
    if (box && box.parentNode) box.parentNode.removeChild(box);
    box = null;
  }

  function showBox(holder, button, text, copied) {
    closeBox();
    boxSeq += 1;
    box = document.createElement("div");
    box.className = "cite-box" + (copied ? "" : " cite-box-failed");
    var title = document.createElement("p");
    title.className = "cite-box-title";
    title.id = "cite-box-title-" + boxSeq;
    title.textContent = article.getAttribute(copied ? "data-cite-copied" : "data-cite-failed");
    var area = document.createElement("textarea");
    area.className = "cite-text";
    area.readOnly = true;
    area.rows = 3;
    area.value = text;
    area.setAttribute("aria-labelledby", title.id);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "cite-close";
    close.textContent = article.getAttribute("data-close");
    close.addEventListener("click", function () {
      closeBox();
      button.focus();
    });
    box.appendChild(title);
    box.appendChild(area);
    box.appendChild(close);
    var tools = button.closest(".tools, .doc-tools");
    tools.parentNode.insertBefore(box, tools.nextSibling);
    // tall enough to show the whole citation (a URL is long on a phone)
    area.rows = 2;
    while (area.scrollHeight > area.clientHeight + 1 && area.rows < 12) area.rows += 1;
    if (!copied) {
      area.focus();
      area.select();
    }
  }

  function cite(button) {
    var holder = button.closest("[data-cite]");
    if (!holder) return;
    var text = citationFor(holder);
    copy(text, button).then(function (copied) {
      showBox(holder, button, text, copied);
      if (status) {
        status.textContent = "";
        status.textContent = article.getAttribute(copied ? "data-cite-copied" : "data-cite-failed") + " " + text;
      }
      if (copied && !button.classList.contains("is-done")) {
        // "Citer" -> "Copié" for two seconds; the accessible name follows the visible text
        var label = button.textContent;
        var name = button.getAttribute("aria-label");
        var done = article.getAttribute("data-copied");
        button.textContent = done;
        if (name) button.setAttribute("aria-label", name.replace(label, done));
        button.classList.add("is-done");
        window.setTimeout(function () {
          button.textContent = label;
          if (name) button.setAttribute("aria-label", name);
          button.classList.remove("is-done");
        }, 2000);
      }
    });
  }

  article.addEventListener("click", function (event) {
    var button = event.target.closest("button.cite");
    if (button && article.contains(button)) cite(button);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box) {
      var button = box.previousElementSibling && box.previousElementSibling.querySelector("button.cite");
      closeBox();
      if (button) button.focus();
    }
  });
})();
