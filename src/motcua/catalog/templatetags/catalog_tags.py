"""Template helpers of the catalogue: ``{% eform_fields schema data errors %}``
renders an e-form's accessible fields; ``vnd`` formats an amount."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString

from motcua.catalog import eforms

register = template.Library()


@register.simple_tag
def eform_fields(
    schema: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
    errors: eforms.Errors | None = None,
) -> SafeString:
    return eforms.render(schema, data, errors)


@register.filter
def vnd(amount: int | None) -> str:
    """12345 → "12.345 đồng" (Vietnamese thousands separator)."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".") + " đồng"


@register.filter
def days(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")
