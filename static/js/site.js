/* site.js — loaded by every page (no inline script anywhere: the CSP is script-src 'self').
 *
 * - marks the page as scripted (html.js), so CSS can show controls that need JS;
 * - "/" moves the focus to the search box (unless the user is typing somewhere).
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var search = document.getElementById("site-search");
  if (!search) return;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName;
    if (target && (target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT")) {
      return;
    }
    event.preventDefault();
    search.focus();
    search.select();
  });
})();
