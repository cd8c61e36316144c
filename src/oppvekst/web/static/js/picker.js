/* Small conveniences for the analysis pages' forms; every form also works without this file.
   - select[data-autosubmit]: submit the form when the choice changes (its button stays for keyboards
     and for readers without JavaScript).
   - input[data-area-input]: submit once a suggestion from the list is picked ("Bergen (4601)"). */
(function () {
  "use strict";
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
      select.addEventListener("change", function () {
        if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[data-area-input]"), function (input) {
      input.addEventListener("change", function () {
        if (/\(\d{1,6}\)\s*$/.test(input.value) && input.form) { input.form.submit(); }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
