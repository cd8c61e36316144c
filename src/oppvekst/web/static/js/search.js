/* Type-ahead for the search box (forms marked data-typeahead).
   Progressive enhancement: without this file the form simply submits to /sok.
   ARIA 1.2 combobox pattern: the input owns a listbox; arrow keys move, Enter opens, Escape closes.
   Results come from /sok?q= as JSON, the same search the results page uses. */
(function () {
  "use strict";

  var DELAY = 150;

  function enhance(form, index) {
    var input = form.querySelector("input[name=q]");
    if (!input) { return; }
    var listId = "sokeforslag-" + index;
    var statusId = "sokestatus-" + index;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", window.oppvekstText("suggestions", "Forslag"));
    list.hidden = true;
    var status = document.createElement("p");
    status.id = statusId;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";
    var pending = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(i) {
      options.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(url) { window.location.assign(url); }

    function render(data) {
      list.textContent = "";
      options = [];
      var groups = {
        region: window.oppvekstText("group_region", "Kommuner, bydeler og fylker"),
        indicator: window.oppvekstText("group_indicator", "Indikatorer")
      };
      var seen = {};
      data.results.forEach(function (hit, i) {
        if (!seen[hit.kind]) {
          seen[hit.kind] = true;
          var head = document.createElement("li");
          head.className = "option-group";
          head.setAttribute("role", "presentation");
          head.textContent = groups[hit.kind] || hit.kind;
          list.appendChild(head);
        }
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.url = hit.url;
        var label = document.createElement("span");
        label.textContent = hit.label;
        var detail = document.createElement("span");
        detail.className = "option-detail";
        detail.textContent = hit.detail;
        li.appendChild(label);
        li.appendChild(detail);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { go(hit.url); });
        list.appendChild(li);
        options.push(li);
      });
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        var count = options.length === 1 ?
          window.oppvekstText("count_one", "{n} forslag") : window.oppvekstText("count_other", "{n} forslag");
        status.textContent = count.replace("{n}", options.length) +
          (data.close_spelling ? " " + window.oppvekstText("close_spelling", "med lignende stavemåte") : "") +
          ". " + window.oppvekstText("use_arrows", "Bruk piltastene for å velge.");
      } else {
        close();
        status.textContent = window.oppvekstText("none", "Ingen forslag.");
      }
      active = -1;
    }

    function lookup() {
      var q = input.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (!q) { close(); list.textContent = ""; options = []; return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch((form.getAttribute("action") || "/sok") + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        signal: pending.signal
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && data.query === q.replace(/\s+/g, " ")) { render(data); } })
        .catch(function () { /* network trouble: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden && options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (options.length) { setActive((active + 1) % options.length); e.preventDefault(); }
      } else if (e.key === "ArrowUp") {
        if (options.length) { setActive(active <= 0 ? options.length - 1 : active - 1); e.preventDefault(); }
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); go(options[active].dataset.url); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("form[data-typeahead]").forEach(enhance);
})();
