/* Draws every chart on the page with vega-embed (served locally, no CDN).
   The spec comes from a <script type="application/json"> block (data-vega-spec="<id>") or a JSON URL
   (data-vega-url). Nothing here is needed to read the page: each chart has a table and a summary.
   The drawn views are kept in window.__oppvekstViews[name] so tests (and curious users) can inspect them. */
(function () {
  "use strict";
  var LOCALE = { decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", " kr"] };
  window.__oppvekstViews = window.__oppvekstViews || {};

  function loadSpec(el) {
    var id = el.getAttribute("data-vega-spec");
    if (id) {
      var block = document.getElementById(id);
      return Promise.resolve(JSON.parse(block.textContent));
    }
    return fetch(el.getAttribute("data-vega-url"), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function draw(el) {
    if (typeof window.vegaEmbed !== "function") { return; }
    var name = el.getAttribute("data-chart-name") || el.id;
    loadSpec(el)
      .then(function (spec) {
        el.setAttribute("data-description", spec.description || "");
        return window.vegaEmbed(el, spec, {
          renderer: "svg",
          actions: false,
          formatLocale: LOCALE,
          tooltip: { theme: "light" }
        });
      })
      .then(function (result) {
        window.__oppvekstViews[name] = result.view;
        var svg = el.querySelector("svg");
        if (svg) {
          // One image, named by the spec's description; the figure caption and table carry the data.
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", el.getAttribute("data-description") || "Figur");
          svg.setAttribute("focusable", "false");
          // Children of an image are presentational; Vega's unnamed mark roles would confuse.
          Array.prototype.forEach.call(svg.querySelectorAll("[role], [aria-roledescription]"), function (node) {
            node.removeAttribute("role");
            node.removeAttribute("aria-roledescription");
            node.removeAttribute("aria-label");
          });
        }
        el.setAttribute("data-rendered", "true");
      })
      .catch(function (error) {
        el.setAttribute("data-rendered", "error");
        el.textContent = "Figuren kunne ikke tegnes. Alle tallene står i tabellen.";
        if (window.console) { window.console.error(error); }
      });
  }

  function start() {
    var charts = document.querySelectorAll("[data-vega-spec], [data-vega-url]");
    Array.prototype.forEach.call(charts, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
