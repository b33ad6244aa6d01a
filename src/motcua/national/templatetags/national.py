"""``{% emc_tracking %}``: the measurement system's (EMC) page-tracking
snippet on the citizens' pages, when ``MOTCUA_EMC_SITE_ID`` is set. The
snippet is a static file of ours (no inline script: the CSP forbids it);
the tracker's origin is allowed by the CSP only when the site id is set
(settings.py, decision 0039). Never on the back office or the admin."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

#: Paths that are not portal pages.
_NOT_PORTAL = ("/can-bo/", "/admin/", "/api/")


@register.simple_tag(takes_context=True)
def emc_tracking(context: dict[str, Any]) -> SafeString:
    site_id = settings.MOTCUA_EMC_SITE_ID
    request = context.get("request")
    path = getattr(request, "path", "")
    if not site_id or path.startswith(_NOT_PORTAL):
        return SafeString("")
    return format_html(
        '<script src="{}" data-site-id="{}" data-tracker="{}" defer></script>',
        static("national/emc.js"),
        site_id,
        settings.MOTCUA_EMC_TRACKER_URL.rstrip("/"),
    )
