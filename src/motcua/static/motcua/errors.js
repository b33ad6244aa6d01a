// GOV.UK error summary: focus the summary when the page shows one, and make
// each of its links focus its field with the field's label in view.
// Without this file the links still jump to the fields (plain anchors).
(function () {
  "use strict";
  function labelOf(field) {
    if (field.id) {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) return label;
    }
    var set = field.closest("fieldset");
    return set ? set.querySelector("legend") : null;
  }
  function wire(summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = labelOf(field);
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    wire(summary);
    summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
