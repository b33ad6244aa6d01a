"""HTML of an e-form (see :mod:`motcua.catalog.eforms` for the schema
subset): accessible fields, an error slot beside each, the "prefilled" note,
the commune picker over the address's plain input, and the GOV.UK error
summary that links each message to its field."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from motcua.catalog.eforms import Errors, _choices, _label, date_bounds


def field_id(path: str) -> str:
    """The HTML id of the input of ``path``."""
    return "f-" + re.sub(r"[^a-zA-Z0-9_-]", "-", path)


#: What the note beside a prefilled field says, by source.
PREFILL_NOTES = {
    "account": _("Lấy từ tài khoản của bạn — bạn có thể sửa."),
    "dossier": _("Lấy từ hồ sơ bạn đã nộp trước đây — bạn có thể sửa."),
}

CommuneName = Callable[[str], str | None]


def commune_label(code: str) -> str | None:
    """The name shown for commune ``code`` ("Phường X, Tỉnh Y"); None when
    there is no such current commune. Pass it to :func:`render` as
    ``commune_name`` (the default looks nothing up: rendering stays free of
    database reads)."""
    from motcua.units.selectors import CommuneChoice, commune_get

    unit = commune_get(code=code) if re.fullmatch(r"\d{5}", code) else None
    return CommuneChoice(unit=unit).label if unit is not None else None


def _no_lookup(code: str) -> str | None:
    return None


@dataclass(frozen=True)
class _Render:
    errors: Errors
    prefilled: Mapping[str, str]
    today: datetime.date
    commune_name: CommuneName
    picker_url: str


def render(
    schema: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
    errors: Errors | None = None,
    *,
    prefilled: Mapping[str, str] | None = None,
    today: datetime.date | None = None,
    commune_name: CommuneName | None = None,
    picker_url: str = "",
) -> SafeString:
    """Accessible HTML fields: every input has a label; its help, its
    "prefilled" note (``prefilled``: path → source, see :data:`PREFILL_NOTES`)
    and its error slot are tied to it with ``aria-describedby`` (the slot is
    always there, so an instant check can fill it in place); invalid fields
    carry ``aria-invalid``; groups are ``fieldset``/``legend``. With
    ``picker_url`` the commune of an address gets the commune picker (htmx)
    over its plain input."""
    from django.utils import timezone

    ctx = _Render(
        errors or {},
        prefilled or {},
        today or timezone.localdate(),
        commune_name or _no_lookup,
        picker_url,
    )
    return _render_object(schema, data or {}, ctx, "")


def _render_object(
    schema: Mapping[str, Any], data: Mapping[str, Any], ctx: _Render, prefix: str
) -> SafeString:
    required = set(schema.get("required", []))
    parts = [
        _render_field(
            sub,
            name,
            data.get(name),
            ctx,
            f"{prefix}.{name}" if prefix else name,
            name in required,
        )
        for name, sub in schema.get("properties", {}).items()
    ]
    return mark_safe("".join(parts))  # noqa: S308 - parts are built with format_html


def error_slot(path: str, messages: list[str] | None, *, oob: bool = False) -> SafeString:
    """The element beside field ``path`` that holds its error messages
    (empty when none); ``oob`` marks it for an htmx out-of-band swap."""
    return format_html(
        '<p class="error" id="{}-error"{}>{}</p>',
        field_id(path),
        mark_safe(' hx-swap-oob="true"') if oob else "",
        format_html(
            '<span class="visually-hidden">{}</span>{}',
            _("Lỗi: "),
            format_html_join(" ", "{}", ((m,) for m in messages)),
        )
        if messages
        else "",
    )


def _described(
    path: str, schema: Mapping[str, Any], ctx: _Render, *, extra: str = ""
) -> tuple[str, SafeString]:
    fid = field_id(path)
    ids: list[str] = []
    html = []
    if schema.get("description"):
        ids.append(f"{fid}-help")
        html.append(format_html('<p class="help" id="{}-help">{}</p>', fid, schema["description"]))
    source = ctx.prefilled.get(path)
    if source in PREFILL_NOTES:
        ids.append(f"{fid}-prefill")
        html.append(
            format_html('<p class="prefilled" id="{}-prefill">{}</p>', fid, PREFILL_NOTES[source])
        )
    if extra:
        ids.append(f"{fid}-{extra}")
    ids.append(f"{fid}-error")
    html.append(error_slot(path, ctx.errors.get(path)))
    return " ".join(ids), mark_safe("".join(html))  # noqa: S308


def _input(
    path: str,
    schema: Mapping[str, Any],
    value: Any,
    ctx: _Render,
    required: bool,
    *,
    extra_attrs: SafeString | str = "",
    after: SafeString | str = "",
    described_extra: str = "",
) -> SafeString:
    fid = field_id(path)
    described, help_html = _described(path, schema, ctx, extra=described_extra)
    attrs = format_html(
        ' aria-describedby="{}"{}{}',
        described,
        mark_safe(' aria-invalid="true"') if ctx.errors.get(path) else "",
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
    invalid = " has-error" if ctx.errors.get(path) else ""
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
            '<div class="field field-check{}">{} {}{}</div>', invalid, control, label, help_html
        )
    else:
        input_type = "text"
        extra = ""
        if schema.get("format") == "date":
            input_type = "date"
            earliest, latest = date_bounds(schema, ctx.today)
            extra = (f' min="{earliest.isoformat()}"' if earliest else "") + (
                f' max="{latest.isoformat()}"' if latest else ""
            )
        elif kind in ("number", "integer"):
            input_type = "number"
            extra = ' inputmode="decimal"' if kind == "number" else ' inputmode="numeric"'
            for key, attr in (("minimum", "min"), ("maximum", "max")):
                if isinstance(schema.get(key), int | float):
                    extra += f' {attr}="{schema[key]}"'
        elif schema.get("format") == "personal-id":
            extra = ' inputmode="numeric" maxlength="12" autocomplete="off" pattern="[0-9]{12}"'
        control = format_html(
            '<input type="{}" id="{}" name="{}" value="{}"{}{}{}>',
            input_type, fid, path, text, mark_safe(extra), attrs, extra_attrs,  # noqa: S308
        )  # fmt: skip
    return format_html(
        '<div class="field{}">{}{}{}{}</div>', invalid, label, help_html, control, after
    )


def _address(path: str, value: Mapping[str, Any], ctx: _Render, required: bool) -> SafeString:
    code_path = f"{path}.commune_code"
    code = str(value.get("commune_code") or "")
    fid = field_id(code_path)
    chosen = ctx.commune_name(code) if code else None
    picker = bool(ctx.picker_url)
    commune = _input(
        code_path,
        {
            "type": "string",
            "title": _("Xã, phường, đặc khu"),
            "description": _(
                "Gõ tên xã, phường (có dấu hoặc không; tên trước năm 2025 cũng được) "
                "rồi chọn trong danh sách, hoặc gõ mã 5 chữ số."
            ),
        },
        code,
        ctx,
        required,
        described_extra="chosen",
        extra_attrs=format_html(
            ' autocomplete="off" data-commune-input hx-get="{}" hx-trigger="input changed'
            ' delay:400ms" hx-target="#{}-options" hx-swap="innerHTML" hx-sync="this:replace"',
            ctx.picker_url,
            fid,
        )
        if picker
        else "",
        after=format_html(
            '<p class="help chosen" id="{}-chosen" role="status">{}</p>{}',
            fid,
            _("Đã chọn: %(name)s") % {"name": chosen} if chosen else "",
            format_html('<div class="commune-options" id="{}-options"></div>', fid)
            if picker
            else "",
        ),
    )
    street = _input(
        f"{path}.street",
        {"type": "string", "title": _("Số nhà, đường, thôn, ấp")},
        value.get("street"),
        ctx,
        required,
    )
    return commune + street


def _render_field(
    schema: Mapping[str, Any], name: str, value: Any, ctx: _Render, path: str, required: bool
) -> SafeString:
    kind = schema.get("type")
    if kind == "object" and schema.get("format") == "vn-address":
        value = value if isinstance(value, dict) else {}
        return format_html(
            '<fieldset class="group"><legend>{}</legend>{}{}</fieldset>',
            _label(schema, name),
            _group_errors(path, ctx),
            _address(path, value, ctx, required),
        )
    if kind == "object":
        return format_html(
            '<fieldset class="group"><legend>{}</legend>{}{}</fieldset>',
            _label(schema, name),
            _group_errors(path, ctx),
            _render_object(schema, value if isinstance(value, dict) else {}, ctx, path),
        )
    if kind == "array":
        rows = value if isinstance(value, list) and value else [{}]
        min_items = schema.get("minItems")
        while isinstance(min_items, int) and len(rows) < min_items:
            rows.append({})
        described, help_html = _described(path, schema, ctx)
        inner = format_html_join(
            "",
            '<fieldset class="group-item"><legend>{} {}</legend>{}</fieldset>',
            (
                (
                    _label(schema, name),
                    i + 1,
                    _render_object(schema["items"], row, ctx, f"{path}[{i}]"),
                )
                for i, row in enumerate(rows)
            ),
        )
        return format_html(
            '<fieldset class="group repeat" id="{}" aria-describedby="{}"><legend>{}</legend>'
            "{}{}</fieldset>",
            field_id(path),
            described,
            _label(schema, name),
            help_html,
            inner,
        )
    return _input(path, schema, value, ctx, required)


def _group_errors(path: str, ctx: _Render) -> SafeString:
    """An error that sits on a whole group (rare: an empty required group
    reports its fields) is shown at the top of the group."""
    if not ctx.errors.get(path):
        return mark_safe("")
    return error_slot(path, ctx.errors[path])


# ------------------------------------------------------------- error summary

_SEGMENT = re.compile(r"([a-z][a-z0-9_]*)(?:\[(\d+)\])?")


def _first_input(schema: Mapping[str, Any], path: str) -> str:
    """The path of the first input inside the element at ``path``."""
    if schema.get("type") == "object" and schema.get("format") == "vn-address":
        return f"{path}.commune_code"
    if schema.get("type") == "object":
        for name, sub in schema.get("properties", {}).items():
            return _first_input(sub, f"{path}.{name}" if path else name)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _first_input(schema["items"], f"{path}[0]")
    return path


def _input_for(schema: Mapping[str, Any], path: str) -> str | None:
    """The input an error at ``path`` is about (the first input of a group)."""
    node: Mapping[str, Any] = schema
    walked = ""
    for part in path.split("."):
        found = _SEGMENT.fullmatch(part)
        if found is None:
            return None
        name, index = found.groups()
        if node.get("format") == "vn-address" and name in ("commune_code", "street"):
            return f"{walked}.{name}"
        sub = node.get("properties", {}).get(name)
        if not isinstance(sub, dict):
            return None
        walked = f"{walked}.{name}" if walked else name
        node = sub
        if index is not None:
            if not isinstance(node.get("items"), dict):
                return None
            walked += f"[{index}]"
            node = node["items"]
    return _first_input(node, walked)


def error_summary(schema: Mapping[str, Any], errors: Errors) -> list[dict[str, str]]:
    """The lines of the GOV.UK error summary, in form order: each message
    with the address (``#f-…``) of the field it is about."""
    lines = []
    for path, messages in errors.items():
        target = _input_for(schema, path) if path != "__all__" else None
        href = f"#{field_id(target)}" if target else ""
        lines += [{"href": href, "message": message} for message in messages]
    return lines


def error_slots(changed: list[str], errors: Errors) -> SafeString:
    """Out-of-band updates for the error slots of the fields that changed:
    each shows its field's current problems, or nothing once it is fixed."""
    return mark_safe(  # noqa: S308 - built with format_html
        "".join(error_slot(path, errors.get(path), oob=True) for path in changed)
    )


# ---------------------------------------------------------------- read back


def summary_rows(
    schema: Mapping[str, Any],
    data: Mapping[str, Any],
    *,
    commune_name: CommuneName | None = None,
    prefix: str = "",
) -> list[tuple[str, str]]:
    """(label, shown value) pairs of the e-form, for the review step and the
    generated declaration: choices by their labels, Có/Không, dates as
    dd/mm/yyyy, the commune by its name."""
    names = commune_name or _no_lookup
    rows: list[tuple[str, str]] = []
    for name, sub in schema.get("properties", {}).items():
        label = f"{prefix}{sub.get('title') or name}"
        value = data.get(name)
        kind = sub.get("type")
        if kind == "object" and sub.get("format") == "vn-address":
            value = value if isinstance(value, dict) else {}
            code = str(value.get("commune_code") or "")
            commune = (names(code) or code) if code else ""
            rows.append(
                (label, ", ".join(v for v in (str(value.get("street") or ""), commune) if v))
            )
        elif kind == "object":
            inner = value if isinstance(value, dict) else {}
            rows += summary_rows(sub, inner, commune_name=names, prefix=f"{label} — ")
        elif kind == "array":
            for i, item in enumerate(value or []):
                rows += summary_rows(
                    sub["items"], item, commune_name=names, prefix=f"{label} {i + 1} — "
                )
        elif kind == "boolean":
            rows.append((label, _("Có") if value else _("Không")))
        else:
            text = "" if value is None else str(value)
            for choice_value, choice_label in _choices(sub) or []:
                if choice_value == text:
                    text = choice_label
            if sub.get("format") == "date" and text:
                with contextlib.suppress(ValueError):
                    text = datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
            rows.append((label, text))
    return rows
