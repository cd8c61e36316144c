/* Profile page: show the "own group" field only when "Egen gruppe" is chosen.
   Without JavaScript the field is always visible and the form works the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-benchmark-form]");
  if (!form) { return; }
  var field = form.querySelector("[data-group-field]");
  var radios = form.querySelectorAll("input[name=sammenligning]");
  if (!field || !radios.length) { return; }

  function update() {
    var chosen = form.querySelector("input[name=sammenligning]:checked");
    var own = chosen && chosen.value === "gruppe";
    field.hidden = !own;
  }

  radios.forEach(function (r) { r.addEventListener("change", update); });
  update();
})();
