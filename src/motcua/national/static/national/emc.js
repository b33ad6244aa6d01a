// The measurement system's (EMC) page tracker: a Matomo-style queue, as the
// national guidance describes it (domain.md §6.2). Configured by the data
// attributes of this script's own tag (no inline script under our CSP).
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) { return; }
  var siteId = me.getAttribute("data-site-id");
  var tracker = me.getAttribute("data-tracker");
  if (!siteId || !tracker) { return; }
  var queue = (window._govaq = window._govaq || []);
  queue.push(["trackPageView"]);
  queue.push(["enableLinkTracking"]);
  queue.push(["setTrackerUrl", tracker + "/tracking"]);
  queue.push(["setSiteId", siteId]);
  var script = document.createElement("script");
  script.async = true;
  script.src = tracker + "/embed/gov-tracking.min.js";
  document.head.appendChild(script);
})();
