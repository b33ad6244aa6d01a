// Filing a draft, progressively enhanced (htmx does the requests; this file
// keeps the page honest without inline scripts, for the CSP):
// - a lost connection says so where the citizen is looking;
// - an instant check's message lands beside its field, and the field is
//   marked invalid (aria-invalid, red border) until it is fixed;
// - the commune picker: choosing a commune fills the address input.
(function () {
  "use strict";

  document.addEventListener("htmx:sendError", function (event) {
    var source = event.detail && event.detail.elt;
    var holder = source && source.closest("[data-offline-message]");
    if (!holder) return;
    var target = holder.querySelector(holder.getAttribute("data-offline-target")) ||
      document.querySelector(holder.getAttribute("data-offline-target"));
    if (target) target.textContent = holder.getAttribute("data-offline-message");
  });

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
