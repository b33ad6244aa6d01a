// Portal behaviour that the Content-Security-Policy keeps out of the templates
// (no inline scripts or handlers). SPDX-License-Identifier: AGPL-3.0-or-later
//
// A form with data-offline-message shows that message in its
// data-offline-target (a selector, looked up inside the form first) when htmx
// cannot reach the server (htmx:sendError): the citizen learns that nothing
// was saved or uploaded.
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
