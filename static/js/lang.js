/* lang.js — the home and search pages in the reader's language.
 *
 * The build writes these pages once per interface language (index.html in the site's first
 * language, index.en.html, index.es.html ...; the same for search), all in the site's root.
 * The <html> element lists them (data-ui-pages: {code: page}). Loaded in the <head>, before
 * anything else, so that a page left at once has started nothing (the search worker). A link of the language switch (data-ui-choice) remembers
 * the reader's choice (localStorage). Opening the default page (index.html, search.html:
 * data-ui-default="true") leads to the remembered language's page, else to the page of the
 * first of the browser's languages the site speaks; a page opened in a language on purpose
 * (index.en.html) stays as it is. The query string and fragment go along.
 */
(function () {
  "use strict";
  var KEY = "resarchive-ui-language";
  var html = document.documentElement;
  var pages = {};
  try {
    pages = JSON.parse(html.getAttribute("data-ui-pages") || "{}");
  } catch (e) { return; }

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function remember(code) {
    try { window.localStorage.setItem(KEY, code); } catch (e) { /* private mode, file:// */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll("a[data-ui-choice]");
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function (event) {
        remember(event.currentTarget.getAttribute("data-ui-choice"));
        // the query goes along (a search in progress stays on screen)
        event.currentTarget.href = event.currentTarget.getAttribute("href").split("?")[0] + location.search;
      });
    }
  });

  if (html.getAttribute("data-ui-default") !== "true") return;
  var here = html.lang;
  var wanted = stored();
  if (!wanted || !pages[wanted]) {
    wanted = null;
    var prefs = navigator.languages || [navigator.language || ""];
    for (var k = 0; k < prefs.length && !wanted; k++) {
      var code = String(prefs[k]).toLowerCase().split("-")[0];
      if (pages[code]) wanted = code;
    }
  }
  if (wanted && wanted !== here) {
    location.replace(pages[wanted] + location.search + location.hash);
  }
})();
