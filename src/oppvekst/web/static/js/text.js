/* The words the scripts write, in the page's language: base.html and the embed print them as a
   JSON data block (#ui-text, from the translated templates; no inline script runs: CSP).
   window.oppvekstText(key, fallback) gives one; the bokmål fallback covers a page without it. */
(function () {
  "use strict";
  var words = null;
  window.oppvekstText = function (key, fallback) {
    if (words === null) {
      var el = document.getElementById("ui-text");
      try { words = el ? JSON.parse(el.textContent) : {}; } catch (e) { words = {}; }
    }
    return Object.prototype.hasOwnProperty.call(words, key) ? words[key] : fallback;
  };
}());
