"""Reading a filled e-form the way a person reads it: the schema's labels and
groups, choice labels instead of codes, "Có"/"Không" for yes/no fields,
dates as dd/mm/yyyy, addresses with the commune and province names, "—" for
what was left empty.

:func:`display_lines` is the one reading; the officers' dossier page renders
it with :func:`render_html`, the printed forms and the portal use the lines
(or :func:`address_text` for a single address).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

EMPTY = "—"

#: Commune code → "Phường X, Tỉnh Y" (None when the code is unknown).
UnitNamer = Callable[[str], str | None]


@dataclass(frozen=True)
class Line:
    """A heading (``value is None``) or a labelled value, at ``depth``
    (0 = top-level field or group)."""

    depth: int
    label: str
    value: str | None = None

    @property
    def is_heading(self) -> bool:
        return self.value is None


def commune_name(code: str) -> str | None:
    """ "Xã Phú Khương, Tỉnh Vĩnh Long" for a current commune code, else the
    pre-2025 unit with that code, else None."""
    from motcua.units.models import AdministrativeUnit, Generation, Level

    units = AdministrativeUnit.objects.filter(level=Level.COMMUNE, code=code).select_related(
        "province"
    )
    unit = units.filter(generation=Generation.CURRENT).first() or units.first()
    if unit is None:
        return None
    province = unit.province.name if unit.province_id and unit.province else ""
    return f"{unit.name}, {province}" if province else unit.name


def address_text(value: Any, *, unit_name: UnitNamer = commune_name) -> str:
    """An e-form address ``{"commune_code", "street"}`` as one line:
    "Số 12 ấp 3, Xã Phú Khương, Tỉnh Vĩnh Long"; "—" when empty."""
    if not isinstance(value, Mapping):
        return _text(value)
    street = str(value.get("street") or "").strip()
    code = str(value.get("commune_code") or "").strip()
    unit = (unit_name(code) or _("mã xã, phường %(code)s") % {"code": code}) if code else ""
    return ", ".join(part for part in (street, unit) if part) or EMPTY


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(_text(v) for v in value.values())
    return str(value).strip() or EMPTY


def _date(value: Any) -> str:
    try:
        return datetime.date.fromisoformat(str(value).strip()).strftime("%d/%m/%Y")
    except ValueError:
        return _text(value)


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return _text(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return _text(value)
    whole, _sep, frac = f"{number.normalize():f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    if len(digits) <= 4:  # years and small counts read better ungrouped
        groups, digits = [digits], ""
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    # Vietnamese style: "." groups thousands, "," separates decimals.
    return sign + ".".join(groups or ["0"]) + ("," + frac if frac else "")


def value_text(
    schema: Mapping[str, Any], value: Any, *, unit_name: UnitNamer = commune_name
) -> str:
    """One scalar or address value of ``schema`` as a person reads it."""
    kind = schema.get("type")
    if kind == "object" and schema.get("format") == "vn-address":
        return address_text(value, unit_name=unit_name)
    if value is None or value == "":
        return EMPTY
    if kind == "boolean":
        return _text(bool(value)) if isinstance(value, bool) else _text(value)
    if kind in ("number", "integer"):
        return _number(value)
    choices = schema.get("oneOf")
    if isinstance(choices, list):
        labels = {str(c.get("const")): str(c.get("title", c.get("const"))) for c in choices}
        return labels.get(str(value).strip(), _text(value))
    if schema.get("format") == "date":
        return _date(value)
    return _text(value)


def display_lines(
    schema: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
    *,
    unit_name: UnitNamer = commune_name,
) -> list[Line]:
    """The filled form ``data`` read through ``schema``, in the schema's
    order. Values the schema does not describe are listed last under
    "Thông tin khác" (never dropped)."""
    lines: list[Line] = []
    _object(schema or {}, data if isinstance(data, Mapping) else {}, 0, lines, unit_name)
    return lines


def _humanise(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _object(
    schema: Mapping[str, Any],
    data: Mapping[str, Any],
    depth: int,
    lines: list[Line],
    unit_name: UnitNamer,
) -> None:
    props: Mapping[str, Any] = schema.get("properties") or {}
    for name, sub in props.items():
        _field(
            sub, str(sub.get("title") or _humanise(name)), data.get(name), depth, lines, unit_name
        )
    extra = [key for key in data if key not in props]
    if extra:
        lines.append(Line(depth, _("Thông tin khác")))
        for key in extra:
            lines.append(Line(depth + 1, _humanise(key), _text(data[key])))


def _field(
    schema: Mapping[str, Any],
    label: str,
    value: Any,
    depth: int,
    lines: list[Line],
    unit_name: UnitNamer,
) -> None:
    kind = schema.get("type")
    if kind == "object" and schema.get("format") != "vn-address":
        lines.append(Line(depth, label))
        _object(schema, value if isinstance(value, Mapping) else {}, depth + 1, lines, unit_name)
        return
    if kind == "array":
        items = value if isinstance(value, list) else []
        if not items:
            lines.append(Line(depth, label, EMPTY))
            return
        lines.append(Line(depth, label))
        item_schema = schema.get("items") or {}
        for i, item in enumerate(items, start=1):
            lines.append(Line(depth + 1, f"{label} {i}"))
            _object(
                item_schema,
                item if isinstance(item, Mapping) else {},
                depth + 2,
                lines,
                unit_name,
            )
        return
    lines.append(Line(depth, label, value_text(schema, value, unit_name=unit_name)))


def render_html(lines: list[Line]) -> SafeString:
    """The lines as nested sections: a heading per group (h3, h4, …), a
    description list of its fields."""
    parts: list[SafeString] = []
    pending: list[Line] = []

    def flush() -> None:
        if pending:
            parts.append(
                format_html(
                    '<dl class="summary">{}</dl>',
                    format_html_join(
                        "", "<dt>{}</dt><dd>{}</dd>", ((ln.label, ln.value) for ln in pending)
                    ),
                )
            )
            pending.clear()

    for line in lines:
        if line.is_heading:
            flush()
            level = min(3 + line.depth, 6)
            parts.append(format_html('<h{} class="form-group">{}</h{}>', level, line.label, level))
        else:
            pending.append(line)
    flush()
    return mark_safe("".join(parts))  # noqa: S308 - parts are built with format_html
