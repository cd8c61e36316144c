/* Draws every chart on the page with vega-embed (served locally, no CDN), with Vega's expression
   interpreter (vendor/vega-interpreter.js) instead of its code generator: the CSP has no
   'unsafe-eval', and Vega's default compiles every expression with new Function.
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

  // Titles are single lines in the spec (files and PDFs have their own fixed sizes); on a narrow
  // screen the page wraps them to the chart's width instead of letting Vega clip them.
  function wrap(text, max) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function fitTitle(spec, width) {
    var title = spec.title;
    if (!title || typeof title !== "object" || !width) { return; }
    var max = Math.max(16, Math.floor(width / 10));  // 16 px bold: about 10 px a character
    if (typeof title.text === "string" && title.text.length > max) {
      title.text = wrap(title.text, max);
    }
    if (title.subtitle) {
      var smax = Math.max(20, Math.floor(width / 7));  // 12 px: about 7 px a character
      title.subtitle = [].concat(title.subtitle).reduce(function (all, line) {
        return all.concat(String(line).length > smax ? wrap(line, smax) : [line]);
      }, []);
    }
  }

  function draw(el) {
    if (typeof window.vegaEmbed !== "function" || !window.vegaInterpreter) { return; }
    var name = el.getAttribute("data-chart-name") || el.id;
    loadSpec(el)
      .then(function (spec) {
        el.setAttribute("data-description", spec.description || "");
        fitTitle(spec, el.clientWidth);
        return window.vegaEmbed(el, spec, {
          renderer: "svg",
          actions: false,
          ast: true,
          expr: window.vegaInterpreter.expressionInterpreter,
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
          svg.setAttribute("aria-label", el.getAttribute("data-description") || window.oppvekstText("chart", "Figur"));
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
        el.textContent = window.oppvekstText("chart_failed", "Figuren kunne ikke tegnes. Alle tallene står i tabellen.");
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
