// Continue the sign-out at the identity provider (RP-initiated logout).
// A navigation, not a form post: the site's CSP form-action stays 'self'.
(function () {
  "use strict";
  var link = document.getElementById("signon-provider-logout");
  if (link) {
    window.location.assign(link.href);
  }
})();
