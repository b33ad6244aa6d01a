// Portal behaviour that the Content-Security-Policy keeps out of the templates
// (no inline scripts or handlers). SPDX-License-Identifier: AGPL-3.0-or-later
//
// A form with data-offline-message shows that message in its
// data-offline-target (a selector, looked up inside the form first) when htmx
// cannot reach the server (htmx:sendError): the citizen learns that nothing
// was saved or uploaded.
//
// Instant checks: after an autosave the error slots of the changed fields
// were swapped in out of band; each field's aria-invalid and red border are
// brought in line with its slot (kept until the field is fixed).
//
// The commune picker: choosing a commune in the list htmx fetched fills the
// address input with its code, says "Đã chọn: …" and saves.
"use strict";
document.addEventListener("htmx:sendError", function (event) {
  var origin = event.target;
  if (!(origin instanceof Element)) {
    return;
  }
  var source = origin.closest("[data-offline-message]");
  if (!source) {
    return;
  }
  var selector = source.getAttribute("data-offline-target") || "";
  var target = selector ? source.querySelector(selector) || document.querySelector(selector) : null;
  if (target) {
    target.textContent = source.getAttribute("data-offline-message");
  }
});

(function () {
  function markField(slot) {
    if (!slot || !slot.id) return;
    var invalid = slot.textContent.trim() !== "";
    var inputs = document.querySelectorAll('[aria-describedby~="' + slot.id + '"]');
    inputs.forEach(function (input) {
      if (invalid) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      var field = input.closest(".field");
      if (field) field.classList.toggle("has-error", invalid);
    });
  }

  // After an autosave the slots of the changed fields were swapped out of
  // band; bring every field's marking in line with its slot.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll('p.error[id$="-error"]').forEach(markField);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-commune-code]");
    if (!button) return;
    var list = button.closest(".commune-options");
    var input = list && document.getElementById(list.id.replace(/-options$/, ""));
    if (!input) return;
    input.value = button.getAttribute("data-commune-code");
    var chosen = document.getElementById(input.id + "-chosen");
    if (chosen) chosen.textContent = "Đã chọn: " + button.getAttribute("data-commune-label");
    var options = document.getElementById(input.id + "-options");
    if (options) options.textContent = "";
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });
})();
