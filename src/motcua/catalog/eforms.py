"""E-forms: a procedure's application form as a small JSON Schema subset,
its server-side validator (per-field Vietnamese errors) and an accessible
HTML renderer.

Supported (anything else is rejected by :func:`check_schema`)::

    {"type": "object", "title": "...", "properties": {...}, "required": [...]}

A property is one of

* ``{"type": "string", "title", "description"?, "minLength"?, "maxLength"?}``
* ``{"type": "string", "format": "date"}``  (ISO ``YYYY-MM-DD``), with the
  plausibility rules ``"notFuture": true`` (not after today) and
  ``"minAge"`` / ``"maxAge"`` (whole years reached today, for birth dates);
  the browser gets the same bounds as ``min`` / ``max``
* ``{"type": "string", "format": "personal-id"}``  (12-digit personal ID)
* ``{"type": "string", "oneOf": [{"const": "nam", "title": "Nam"}, ...]}``  (a choice;
  a plain ``"enum": ["A", "B"]`` also works, the values serving as labels)
* ``{"type": "number" | "integer", "minimum"?, "maximum"?}``
* ``{"type": "boolean"}``
* ``{"type": "object", "format": "vn-address"}``: ``{"commune_code", "street"}``,
  the commune code checked against the administrative units (the portal
  offers a commune picker over the plain code input)
* ``{"type": "object", "properties", "required"}``  (a group)
* ``{"type": "array", "items": {"type": "object", ...}, "minItems"?, "maxItems"?}``
  (a repeating group)

At the top, ``"fills": "<component name>"`` names the document component
the e-form replaces (default: the one named like ``title``); a group marked
``"prefill": "applicant"`` holds the applicant's own fields (prefilled).

Error keys are paths: ``nguoi_yeu_cau.ho_ten``, ``con[0].ngay_sinh``. A
required group left empty reports each of its required fields (errors sit on
fields, where the citizen looks, not on the group).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.accounts.validators import validate_personal_id

Errors = dict[str, list[str]]
CommuneCheck = Callable[[str], bool]

_SCALAR_TYPES = {"string", "number", "integer", "boolean"}
_FORMATS = {"date", "personal-id"}
_DATE_RULES = {"notFuture", "minAge", "maxAge"}


@dataclass(frozen=True)
class _Context:
    communes: CommuneCheck
    today: datetime.date


def _commune_exists(code: str) -> bool:
    from motcua.units.models import AdministrativeUnit, Generation, Level

    return AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE, code=code
    ).exists()


# ---------------------------------------------------------------- schema check


def check_schema(schema: Any, path: str = "") -> list[str]:
    """Errors if ``schema`` uses something outside the supported subset."""
    where = path or _("biểu mẫu")
    if not isinstance(schema, dict) or (not path and schema.get("type") != "object"):
        return [_("%(where)s: lược đồ phải là một đối tượng.") % {"where": where}]
    kind = schema.get("type")
    errors: list[str] = []
    if kind == "object":
        if schema.get("format") == "vn-address":
            return []
        if not isinstance(schema.get("fills", ""), str) or schema.get("prefill") not in (
            None,
            "applicant",
        ):
            errors.append(_("%(where)s: “fills” hoặc “prefill” không hợp lệ.") % {"where": where})
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            return [_("%(where)s: nhóm phải có ít nhất một trường.") % {"where": where}]
        for name, sub in props.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                errors.append(
                    _("%(where)s: tên trường “%(name)s” không hợp lệ.")
                    % {"where": where, "name": name}
                )
            errors += check_schema(sub, f"{path}.{name}" if path else name)
        for name in schema.get("required", []):
            if name not in props:
                errors.append(
                    _("%(where)s: trường bắt buộc “%(name)s” không có.")
                    % {"where": where, "name": name}
                )
    elif kind == "array":
        items = schema.get("items")
        if not isinstance(items, dict) or items.get("type") != "object":
            errors.append(_("%(where)s: nhóm lặp phải gồm các đối tượng.") % {"where": where})
        else:
            errors += check_schema(items, f"{path}[]")
    elif kind in _SCALAR_TYPES:
        fmt = schema.get("format")
        if fmt is not None and (kind != "string" or fmt not in _FORMATS):
            errors.append(
                _("%(where)s: định dạng “%(fmt)s” không được hỗ trợ.")
                % {"where": where, "fmt": fmt}
            )
        rules = _DATE_RULES & schema.keys()
        if rules and fmt != "date":
            errors.append(_("%(where)s: quy tắc ngày chỉ dùng cho trường ngày.") % {"where": where})
        elif not isinstance(schema.get("notFuture", False), bool) or not all(
            isinstance(schema.get(rule, 0), int) and schema.get(rule, 0) >= 0
            for rule in ("minAge", "maxAge")
        ):
            errors.append(_("%(where)s: quy tắc ngày không hợp lệ.") % {"where": where})
        choices = schema.get("oneOf")
        enum = schema.get("enum")
        if (
            choices is not None
            and (
                not isinstance(choices, list)
                or not all(isinstance(c, dict) and "const" in c for c in choices)
            )
        ) or (enum is not None and (not isinstance(enum, list) or not enum)):
            errors.append(_("%(where)s: danh sách lựa chọn không hợp lệ.") % {"where": where})
    else:
        errors.append(
            _("%(where)s: kiểu “%(kind)s” không được hỗ trợ.") % {"where": where, "kind": kind}
        )
    return errors


def _choices(schema: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    """A choice field's (value, label) pairs, from ``oneOf`` (with titles)
    or a plain ``enum``; None when the field is not a choice."""
    if schema.get("oneOf") is not None:
        return [(str(c["const"]), str(c.get("title", c["const"]))) for c in schema["oneOf"]]
    if schema.get("enum") is not None:
        return [(str(v), str(v)) for v in schema["enum"]]
    return None


# ------------------------------------------------------------------ validation


def validate(
    schema: Mapping[str, Any],
    data: Any,
    *,
    commune_exists: CommuneCheck | None = None,
    today: datetime.date | None = None,
) -> Errors:
    """Validate ``data`` against ``schema``; return ``{path: [messages]}``
    (empty when valid). ``today`` (default: the local date) is what the
    date plausibility rules compare with."""
    from django.utils import timezone

    errors: Errors = {}
    ctx = _Context(commune_exists or _commune_exists, today or timezone.localdate())
    _validate_object(schema, data, "", errors, ctx)
    return errors


def _add(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path or "__all__", []).append(message)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _validate_object(
    schema: Mapping[str, Any], data: Any, path: str, errors: Errors, ctx: _Context
) -> None:
    if not isinstance(data, dict):
        _add(errors, path, _("Dữ liệu không đúng dạng."))
        return
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        sub_path = f"{path}.{name}" if path else name
        value = data.get(name)
        if _empty(value) and name in required and sub.get("type") == "object":
            # A required group left empty: say which of its fields are missing.
            _validate_value(sub, {}, sub_path, errors, ctx)
            continue
        if _empty(value):
            if name in required:
                _add(
                    errors,
                    sub_path,
                    _("Vui lòng nhập %(label)s.") % {"label": _label(sub, name).lower()},
                )
            continue
        _validate_value(sub, value, sub_path, errors, ctx)


def _label(schema: Mapping[str, Any], name: str) -> str:
    return str(schema.get("title") or name)


def _validate_value(
    schema: Mapping[str, Any], value: Any, path: str, errors: Errors, ctx: _Context
) -> None:
    kind = schema.get("type")
    label = _label(schema, path.rsplit(".", 1)[-1])
    if kind == "object" and schema.get("format") == "vn-address":
        if not isinstance(value, dict):
            _add(errors, path, _("Địa chỉ không đúng dạng."))
            return
        code = str(value.get("commune_code") or "").strip()
        street = str(value.get("street") or "").strip()
        if not code:
            _add(errors, f"{path}.commune_code", _("Vui lòng chọn xã, phường."))
        elif not re.fullmatch(r"\d{5}", code):
            _add(
                errors,
                f"{path}.commune_code",
                _(
                    "Không tìm được đúng một xã, phường tên “%(name)s”. Hãy gõ rõ hơn "
                    "và chọn trong danh sách."
                )
                % {"name": code},
            )
        elif not ctx.communes(code):
            _add(
                errors,
                f"{path}.commune_code",
                _("Mã xã, phường “%(code)s” không tồn tại.") % {"code": code},
            )
        if not street:
            _add(errors, f"{path}.street", _("Vui lòng nhập số nhà, đường, thôn, ấp."))
        elif len(street) > 200:
            _add(errors, f"{path}.street", _("Địa chỉ chi tiết không quá 200 ký tự."))
        return
    if kind == "object":
        _validate_object(schema, value, path, errors, ctx)
        return
    if kind == "array":
        if not isinstance(value, list):
            _add(errors, path, _("%(label)s không đúng dạng danh sách.") % {"label": label})
            return
        low, high = schema.get("minItems"), schema.get("maxItems")
        if isinstance(low, int) and len(value) < low:
            _add(errors, path, _("%(label)s cần ít nhất %(n)d mục.") % {"label": label, "n": low})
        if isinstance(high, int) and len(value) > high:
            _add(
                errors, path, _("%(label)s có nhiều nhất %(n)d mục.") % {"label": label, "n": high}
            )
        for i, item in enumerate(value):
            _validate_object(schema["items"], item, f"{path}[{i}]", errors, ctx)
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            _add(errors, path, _("%(label)s phải là có hoặc không.") % {"label": label})
        return
    if kind in ("number", "integer"):
        _validate_number(schema, value, path, label, errors)
        return
    if not isinstance(value, str):
        _add(errors, path, _("%(label)s phải là chữ.") % {"label": label})
        return
    text = value.strip()
    choices = _choices(schema)
    if choices is not None:
        if text not in {value for value, _label in choices}:
            _add(
                errors,
                path,
                _("Vui lòng chọn một giá trị có trong danh sách %(label)s.")
                % {"label": label.lower()},
            )
        return
    fmt = schema.get("format")
    if fmt == "date":
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            _add(
                errors,
                path,
                _("%(label)s không phải ngày hợp lệ (ngày/tháng/năm).") % {"label": label},
            )
        else:
            _check_date(schema, day, path, label, errors, ctx.today)
        return
    if fmt == "personal-id":
        try:
            validate_personal_id(text)
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, path, message)
        return
    min_len, max_len = schema.get("minLength"), schema.get("maxLength")
    if isinstance(min_len, int) and len(text) < min_len:
        _add(errors, path, _("%(label)s cần ít nhất %(n)d ký tự.") % {"label": label, "n": min_len})
    if isinstance(max_len, int) and len(text) > max_len:
        _add(errors, path, _("%(label)s không quá %(n)d ký tự.") % {"label": label, "n": max_len})


def _years_between(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _years_before(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def date_bounds(
    schema: Mapping[str, Any], today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """The earliest and latest dates the plausibility rules allow (None:
    unbounded) — the server's check and the browser's ``min``/``max``."""
    latest: datetime.date | None = today if schema.get("notFuture") else None
    earliest: datetime.date | None = None
    if isinstance(schema.get("minAge"), int):
        bound = _years_before(today, schema["minAge"])
        latest = bound if latest is None else min(latest, bound)
    if isinstance(schema.get("maxAge"), int):
        earliest = _years_before(today, schema["maxAge"] + 1) + datetime.timedelta(days=1)
    return earliest, latest


def _check_date(
    schema: Mapping[str, Any],
    day: datetime.date,
    path: str,
    label: str,
    errors: Errors,
    today: datetime.date,
) -> None:
    shown = {"label": label, "today": today.strftime("%d/%m/%Y")}
    if schema.get("notFuture") and day > today:
        _add(errors, path, _("%(label)s không được sau hôm nay (%(today)s).") % shown)
        return
    age = _years_between(day, today)
    low, high = schema.get("minAge"), schema.get("maxAge")
    if isinstance(low, int) and age < low:
        _add(
            errors,
            path,
            _("%(label)s: người này phải đủ %(n)d tuổi.") % {**shown, "n": low},
        )
    if isinstance(high, int) and age > high:
        _add(
            errors,
            path,
            _("%(label)s: người này không quá %(n)d tuổi.") % {**shown, "n": high},
        )


def _validate_number(
    schema: Mapping[str, Any], value: Any, path: str, label: str, errors: Errors
) -> None:
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        _add(errors, path, _("%(label)s phải là số.") % {"label": label})
        return
    if schema.get("type") == "integer" and number != number.to_integral_value():
        _add(errors, path, _("%(label)s phải là số nguyên.") % {"label": label})
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and number < Decimal(str(low)):
        _add(errors, path, _("%(label)s không được nhỏ hơn %(n)s.") % {"label": label, "n": low})
    if high is not None and number > Decimal(str(high)):
        _add(errors, path, _("%(label)s không được lớn hơn %(n)s.") % {"label": label, "n": high})


# --------------------------------------------------------- reading a POST body

CommuneResolve = Callable[[str], str | None]


def _resolve_commune(text: str) -> str | None:
    from motcua.units.selectors import commune_choices

    found = commune_choices(query=text, limit=2)
    return found[0].unit.code if len(found) == 1 else None


def resolve_communes(
    schema: Mapping[str, Any], data: dict[str, Any], *, resolve: CommuneResolve | None = None
) -> None:
    """Where an address holds a commune *name* (typed without the picker, or
    a pre-2025 name), put the code of the one current commune it names —
    when exactly one matches; otherwise the text stays and validation asks
    the citizen to choose."""
    lookup = resolve or _resolve_commune
    for name, sub in schema.get("properties", {}).items():
        value = data.get(name)
        if sub.get("type") == "object" and sub.get("format") == "vn-address":
            if isinstance(value, dict):
                text = str(value.get("commune_code") or "").strip()
                if text and not re.fullmatch(r"\d{5}", text):
                    value["commune_code"] = lookup(text) or text
        elif sub.get("type") == "object" and isinstance(value, dict):
            resolve_communes(sub, value, resolve=lookup)
        elif sub.get("type") == "array" and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    resolve_communes(sub["items"], item, resolve=lookup)


def data_from_post(schema: Mapping[str, Any], post: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild nested data from the flat field names the renderer emits
    (``a.b``, ``con[0].ho_ten``)."""
    return _read_object(schema, post, "")


def _read_object(schema: Mapping[str, Any], post: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        kind = sub.get("type")
        if kind == "object" and sub.get("format") == "vn-address":
            out[name] = {
                "commune_code": post.get(f"{path}.commune_code", ""),
                "street": post.get(f"{path}.street", ""),
            }
        elif kind == "object":
            out[name] = _read_object(sub, post, path)
        elif kind == "array":
            rows = []
            i = 0
            while any(k.startswith(f"{path}[{i}].") for k in post):
                row = _read_object(sub["items"], post, f"{path}[{i}]")
                if any(
                    not _empty(v) and v != {"commune_code": "", "street": ""} for v in row.values()
                ):
                    rows.append(row)
                i += 1
            out[name] = rows
        elif kind == "boolean":
            out[name] = post.get(path) in ("on", "true", "1")
        else:
            out[name] = str(post.get(path, "")).strip()
    return out


# ------------------------------------------------------------------- rendering
# The HTML of the fields and the error summary live in eform_render; they are
# re-exported here, where the callers have always found them.

from motcua.catalog.eform_render import (  # noqa: E402
    PREFILL_NOTES,
    commune_label,
    error_slot,
    error_slots,
    error_summary,
    field_id,
    render,
    summary_rows,
)

__all__ = [
    "PREFILL_NOTES",
    "check_schema",
    "commune_label",
    "data_from_post",
    "date_bounds",
    "error_slot",
    "error_slots",
    "error_summary",
    "field_id",
    "render",
    "resolve_communes",
    "summary_rows",
    "validate",
]
