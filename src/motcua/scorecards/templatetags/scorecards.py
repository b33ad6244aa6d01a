"""Numbers as Vietnamese readers write them: 1.234 and 95,5%."""

from __future__ import annotations

from django import template

register = template.Library()


def _vn(value: float, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def pct(value: float | None) -> str:
    """A rate (0..1) as a percentage; ``None``: no data."""
    if value is None:
        return "Chưa có dữ liệu"
    return _vn(value * 100, 1) + "%"


@register.filter
def num(value: float | int | None) -> str:
    if value is None:
        return "Chưa có dữ liệu"
    if isinstance(value, float) and not value.is_integer():
        return _vn(value, 2)
    return _vn(float(value), 0)
