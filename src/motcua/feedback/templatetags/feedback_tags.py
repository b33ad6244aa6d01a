"""``{% rating_panel dossier %}``: on the citizen's dossier page, the
invitation to rate (or the rating given)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Rating
from motcua.feedback.services import RATEABLE

register = template.Library()


@register.inclusion_tag("feedback/_rating_panel.html")
def rating_panel(dossier: Dossier) -> dict[str, Any]:
    return {
        "d": dossier,
        "open": dossier.state in RATEABLE,
        "rating": Rating.objects.filter(dossier=dossier).first(),
    }
