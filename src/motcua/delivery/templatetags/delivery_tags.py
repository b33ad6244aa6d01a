"""``{% delivery_panel dossier %}``: the dossier's postal request and
tracking, on the citizen's, the officer's and the public tracking page
(the page has already checked who may read the dossier)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.delivery import selectors
from motcua.dossiers.models import Dossier

register = template.Library()


@register.inclusion_tag("delivery/_panel.html")
def delivery_panel(dossier: Dossier | str | None, *, officer: bool = False) -> dict[str, Any]:
    """``dossier`` or its code (the public tracking page has only the code)."""
    if isinstance(dossier, str):
        dossier = Dossier.objects.filter(code=dossier).first()
    if dossier is None:
        return {"views": (), "request": None}
    views = selectors.deliveries_of_dossier(dossier=dossier)
    return {
        "d": dossier,
        "views": views,
        "request": selectors.postal_request_of_dossier(dossier=dossier),
        "officer": officer,
        "can_order": officer
        and dossier.state == "result_ready"
        and not any(v.order.direction == "receive_result" for v in views),
    }
