"""E-forms: a procedure's application form as a small JSON Schema subset,
its server-side validator (per-field Vietnamese errors) and an accessible
HTML renderer.

Supported (anything else is rejected by :func:`check_schema`)::

    {"type": "object", "title": "...", "properties": {...}, "required": [...]}

A property is one of

* ``{"type": "string", "title", "description"?, "minLength"?, "maxLength"?}``
* ``{"type": "string", "format": "date"}``  (ISO ``YYYY-MM-DD``)
* ``{"type": "string", "format": "personal-id"}``  (12-digit personal ID)
* ``{"type": "string", "oneOf": [{"const": "nam", "title": "Nam"}, ...]}``  (a choice;
  a plain ``"enum": ["A", "B"]`` also works, the values serving as labels)
* ``{"type": "number" | "integer", "minimum"?, "maximum"?}``
* ``{"type": "boolean"}``
* ``{"type": "object", "format": "vn-address"}``: ``{"commune_code", "street"}``,
  the commune code checked against the administrative units
* ``{"type": "object", "properties", "required"}``  (a group)
* ``{"type": "array", "items": {"type": "object", ...}, "minItems"?, "maxItems"?}``
  (a repeating group)

Error keys are paths: ``nguoi_yeu_cau.ho_ten``, ``con[0].ngay_sinh``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from motcua.accounts.validators import validate_personal_id

Errors = dict[str, list[str]]
CommuneCheck = Callable[[str], bool]

_SCALAR_TYPES = {"string", "number", "integer", "boolean"}
_FORMATS = {"date", "personal-id"}


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
    schema: Mapping[str, Any], data: Any, *, commune_exists: CommuneCheck | None = None
) -> Errors:
    """Validate ``data`` against ``schema``; return ``{path: [messages]}``
    (empty when valid)."""
    errors: Errors = {}
    _validate_object(schema, data, "", errors, commune_exists or _commune_exists)
    return errors


def _add(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path or "__all__", []).append(message)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _validate_object(
    schema: Mapping[str, Any], data: Any, path: str, errors: Errors, communes: CommuneCheck
) -> None:
    if not isinstance(data, dict):
        _add(errors, path, _("Dữ liệu không đúng dạng."))
        return
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        sub_path = f"{path}.{name}" if path else name
        value = data.get(name)
        if _empty(value):
            if name in required:
                _add(
                    errors,
                    sub_path,
                    _("Vui lòng nhập %(label)s.") % {"label": _label(sub, name).lower()},
                )
            continue
        _validate_value(sub, value, sub_path, errors, communes)


def _label(schema: Mapping[str, Any], name: str) -> str:
    return str(schema.get("title") or name)


def _validate_value(
    schema: Mapping[str, Any], value: Any, path: str, errors: Errors, communes: CommuneCheck
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
        elif not re.fullmatch(r"\d{5}", code) or not communes(code):
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
        _validate_object(schema, value, path, errors, communes)
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
            _validate_object(schema["items"], item, f"{path}[{i}]", errors, communes)
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
            datetime.date.fromisoformat(text)
        except ValueError:
            _add(
                errors,
                path,
                _("%(label)s không phải ngày hợp lệ (ngày/tháng/năm).") % {"label": label},
            )
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


def _field_id(path: str) -> str:
    return "f-" + re.sub(r"[^a-zA-Z0-9_-]", "-", path)


def render(
    schema: Mapping[str, Any], data: Mapping[str, Any] | None = None, errors: Errors | None = None
) -> SafeString:
    """Accessible HTML fields: every input has a label; help and errors are
    tied to it with ``aria-describedby``; invalid fields carry
    ``aria-invalid``; groups are ``fieldset``/``legend``."""
    return _render_object(schema, data or {}, errors or {}, "")


def _render_object(
    schema: Mapping[str, Any], data: Mapping[str, Any], errors: Errors, prefix: str
) -> SafeString:
    required = set(schema.get("required", []))
    parts = [
        _render_field(
            sub,
            name,
            data.get(name),
            errors,
            f"{prefix}.{name}" if prefix else name,
            name in required,
        )
        for name, sub in schema.get("properties", {}).items()
    ]
    return mark_safe("".join(parts))  # noqa: S308 - parts are built with format_html


def _described(path: str, schema: Mapping[str, Any], errors: Errors) -> tuple[str, SafeString]:
    ids: list[str] = []
    html = []
    fid = _field_id(path)
    if schema.get("description"):
        ids.append(f"{fid}-help")
        html.append(format_html('<p class="help" id="{}-help">{}</p>', fid, schema["description"]))
    if errors.get(path):
        ids.append(f"{fid}-error")
        html.append(
            format_html(
                '<p class="error" id="{}-error">{}</p>',
                fid,
                format_html_join(" ", "{}", ((m,) for m in errors[path])),
            )
        )
    return " ".join(ids), mark_safe("".join(html))  # noqa: S308


def _input(
    path: str, schema: Mapping[str, Any], value: Any, errors: Errors, required: bool
) -> SafeString:
    fid = _field_id(path)
    described, help_html = _described(path, schema, errors)
    attrs = format_html(
        "{}{}{}",
        format_html(' aria-describedby="{}"', described) if described else "",
        mark_safe(' aria-invalid="true"') if errors.get(path) else "",
        mark_safe(' required aria-required="true"') if required else "",
    )
    label = format_html(
        '<label for="{}">{}{}</label>',
        fid,
        _label(schema, path),
        mark_safe(' <span class="req" aria-hidden="true">*</span>') if required else "",
    )
    kind = schema.get("type")
    text = "" if value is None else str(value)
    choices = _choices(schema)
    if choices is not None:
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if option == text else "", title)
                for option, title in choices
            ),
        )
        control = format_html(
            '<select id="{}" name="{}"{}><option value="">{}</option>{}</select>',
            fid, path, attrs, _("— Chọn —"), options,
        )  # fmt: skip
    elif kind == "boolean":
        control = format_html(
            '<input type="checkbox" id="{}" name="{}"{}{}>',
            fid, path, mark_safe(" checked") if value else "", attrs,
        )  # fmt: skip
        return format_html(
            '<div class="field field-check">{} {}{}</div>', control, label, help_html
        )
    else:
        input_type = "text"
        extra = ""
        if schema.get("format") == "date":
            input_type = "date"
        elif kind in ("number", "integer"):
            input_type = "number"
            extra = ' inputmode="decimal"' if kind == "number" else ' inputmode="numeric"'
        elif schema.get("format") == "personal-id":
            extra = ' inputmode="numeric" maxlength="12" autocomplete="off" pattern="[0-9]{12}"'
        control = format_html(
            '<input type="{}" id="{}" name="{}" value="{}"{}{}>',
            input_type, fid, path, text, mark_safe(extra), attrs,  # noqa: S308
        )  # fmt: skip
    return format_html('<div class="field">{}{}{}</div>', label, help_html, control)


def _render_field(
    schema: Mapping[str, Any], name: str, value: Any, errors: Errors, path: str, required: bool
) -> SafeString:
    kind = schema.get("type")
    if kind == "object" and schema.get("format") == "vn-address":
        value = value if isinstance(value, dict) else {}
        inner = _input(
            f"{path}.commune_code",
            {"type": "string", "title": _("Mã xã, phường (5 chữ số)")},
            value.get("commune_code"),
            errors,
            required,
        ) + _input(
            f"{path}.street",
            {"type": "string", "title": _("Số nhà, đường, thôn, ấp")},
            value.get("street"),
            errors,
            required,
        )
        return format_html(
            '<fieldset class="group"><legend>{}</legend>{}</fieldset>', _label(schema, name), inner
        )
    if kind == "object":
        return format_html(
            '<fieldset class="group"><legend>{}</legend>{}</fieldset>',
            _label(schema, name),
            _render_object(schema, value if isinstance(value, dict) else {}, errors, path),
        )
    if kind == "array":
        rows = value if isinstance(value, list) and value else [{}]
        min_items = schema.get("minItems")
        while isinstance(min_items, int) and len(rows) < min_items:
            rows.append({})
        described, help_html = _described(path, schema, errors)
        inner = format_html_join(
            "",
            '<fieldset class="group-item"><legend>{} {}</legend>{}</fieldset>',
            (
                (
                    _label(schema, name),
                    i + 1,
                    _render_object(schema["items"], row, errors, f"{path}[{i}]"),
                )
                for i, row in enumerate(rows)
            ),
        )
        return format_html(
            '<fieldset class="group repeat" id="{}"{}><legend>{}</legend>{}{}</fieldset>',
            _field_id(path),
            format_html(' aria-describedby="{}"', described) if described else "",
            _label(schema, name),
            help_html,
            inner,
        )
    return _input(path, schema, value, errors, required)
