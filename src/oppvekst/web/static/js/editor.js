/* The chart editor, enhanced: choices (selects, checkboxes, radios) reload the page at once, and
   embed codes and links get a "Kopier" button. Without this file the form still works: the
   "Oppdater figuren" button submits it, and the codes can be selected and copied by hand. */
(function () {
  "use strict";

  function autosubmit(form) {
    Array.prototype.forEach.call(form.querySelectorAll("select, input[type=checkbox], input[type=radio]"), function (input) {
      input.addEventListener("change", function () {
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }

  function copyButton(field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary p5-copy";
    button.textContent = window.oppvekstText("copy", "Kopier");
    var status = document.createElement("span");
    status.className = "p5-copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      field.select();
      var done = function () { status.textContent = window.oppvekstText("copied", "Kopiert"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
    field.parentNode.appendChild(button);
    field.parentNode.appendChild(status);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-editor]"), autosubmit);
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), copyButton);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
