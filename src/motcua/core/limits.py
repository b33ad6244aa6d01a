"""Bounded, clean input: the limits of ``settings.py`` (one place; see
``docs/developers/input-limits.md``) and the checks every entry point runs
before anything reaches the database.

Text is refused when it holds NUL or another control character (tab, line
feed and carriage return excepted where a person may type them) or a lone
surrogate (which PostgreSQL cannot store and UTF-8 cannot encode); accepted
text is normalised to NFC. JSON is walked once, iteratively, counting keys
and depth and checking every string. The errors are :class:`InputRejected`
(a :class:`~motcua.core.errors.DomainError` with a stable ``code`` and
``status`` 400, 413 or 422), so the API answers problem+json and the pages
a Vietnamese message."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from motcua.core.errors import DomainError

#: C0 controls, DEL and C1 controls, but not tab, line feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Every control character: for single-line values (path, query, headers).
_CONTROL_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InputRejected(DomainError):
    """Input refused before it reached a service's logic or the database."""

    status = 422
    code = "invalid_input"
    title = "Dữ liệu gửi lên không hợp lệ"

    def __init__(self, message: str, *, code: str, status: int = 422, field: str = "") -> None:
        errors = [{"field": safe_field(field), "message": message}] if field else None
        super().__init__(message, code=code, errors=errors)
        self.status = status
        if status == 413:
            self.title = "Dữ liệu gửi lên quá lớn"


@dataclass(frozen=True)
class Limits:
    """The limits in force (read from settings at each call, so tests and
    deployments can change them)."""

    body_bytes: int
    upload_body_bytes: int
    form_fields: int
    param_length: int
    string_length: int
    json_keys: int
    json_depth: int
    form_data_bytes: int
    form_data_keys: int
    form_data_depth: int
    free_form_data_bytes: int
    free_form_data_keys: int
    free_form_data_depth: int
    free_string_length: int
    dossier_documents: int


def limits() -> Limits:
    s = settings
    return Limits(
        body_bytes=s.MOTCUA_MAX_BODY_BYTES,
        upload_body_bytes=s.MOTCUA_UPLOAD_MAX_BYTES + 1024 * 1024,
        form_fields=s.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        param_length=s.MOTCUA_MAX_PARAM_LENGTH,
        string_length=s.MOTCUA_MAX_STRING_LENGTH,
        json_keys=s.MOTCUA_MAX_JSON_KEYS,
        json_depth=s.MOTCUA_MAX_JSON_DEPTH,
        form_data_bytes=s.MOTCUA_FORM_DATA_MAX_BYTES,
        form_data_keys=s.MOTCUA_FORM_DATA_MAX_KEYS,
        form_data_depth=s.MOTCUA_FORM_DATA_MAX_DEPTH,
        free_form_data_bytes=s.MOTCUA_FREE_FORM_DATA_MAX_BYTES,
        free_form_data_keys=s.MOTCUA_FREE_FORM_DATA_MAX_KEYS,
        free_form_data_depth=s.MOTCUA_FREE_FORM_DATA_MAX_DEPTH,
        free_string_length=s.MOTCUA_FREE_FORM_DATA_MAX_STRING_LENGTH,
        dossier_documents=s.MOTCUA_DOSSIER_MAX_DOCUMENTS,
    )


# ------------------------------------------------------------------ text


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """The stable code of what is wrong with ``value``, or ``None``."""
    if _SURROGATE.search(value):
        return "invalid_unicode"
    if (_CONTROL if multiline else _CONTROL_LINE).search(value):
        return "control_character"
    return None


_MESSAGES = {
    "invalid_unicode": "Dữ liệu chứa ký tự Unicode không hợp lệ.",
    "control_character": "Dữ liệu chứa ký tự điều khiển không được phép.",
    "string_too_long": "Nội dung quá dài.",
}


def clean_text(
    value: str, *, field: str = "", multiline: bool = True, max_length: int | None = None
) -> str:
    """``value`` in NFC, or :class:`InputRejected` (422) when it holds a
    control character or a lone surrogate or is longer than ``max_length``."""
    code = text_problem(value, multiline=multiline)
    if code is not None:
        raise InputRejected(_MESSAGES[code], code=code, field=field)
    normal = unicodedata.normalize("NFC", value)
    if max_length is not None and len(normal) > max_length:
        raise InputRejected(
            f"Nội dung quá dài (tối đa {max_length} ký tự).", code="string_too_long", field=field
        )
    return normal


def safe_field(name: str) -> str:
    """A field name fit to echo in an error (controls and surrogates escaped)."""
    escaped = name[:100].encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL_LINE.sub(lambda m: f"\\x{ord(m.group()):02x}", escaped)


def nfc(value: str) -> str:
    """``value`` in NFC (for services storing names)."""
    return unicodedata.normalize("NFC", value)


# ------------------------------------------------------------------ JSON


def clean_json(
    value: Any,
    *,
    max_keys: int,
    max_depth: int,
    max_string: int,
    field: str = "",
    too_many_keys: str = "too_many_keys",
    too_deep: str = "too_deep",
) -> Any:
    """A copy of decoded JSON ``value`` with every string (keys too) in NFC,
    or :class:`InputRejected`. Iterative: a hostile nesting depth cannot
    exhaust the stack."""
    root: list[Any] = [None]
    # (source, parent container, key or index in parent, depth)
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 1)]
    keys = 0
    while stack:
        item, parent, slot, depth = stack.pop()
        if isinstance(item, str):
            parent[slot] = clean_text(item, field=field, max_length=max_string)
        elif isinstance(item, Mapping | list):
            if depth > max_depth:
                raise InputRejected(
                    f"Dữ liệu lồng nhau quá sâu (tối đa {max_depth} cấp).",
                    code=too_deep,
                    field=field,
                )
            keys += len(item)
            if keys > max_keys:
                raise InputRejected(
                    f"Dữ liệu có quá nhiều trường hoặc phần tử (tối đa {max_keys}).",
                    code=too_many_keys,
                    field=field,
                )
            if isinstance(item, Mapping):
                out: dict[str, Any] = {}
                for key, child in item.items():
                    name = clean_text(str(key), field=field, max_length=max_string)
                    out[name] = None
                    stack.append((child, out, name, depth + 1))
                parent[slot] = out
            else:
                seq: list[Any] = [None] * len(item)
                for index, child in enumerate(item):
                    stack.append((child, seq, index, depth + 1))
                parent[slot] = seq
        elif isinstance(item, int) and not isinstance(item, bool) and not -(2**63) <= item < 2**63:
            raise InputRejected(
                "Số nguyên vượt quá giới hạn cho phép.", code="integer_out_of_range", field=field
            )
        else:
            parent[slot] = item
    return root[0]


def parse_json_body(body: bytes) -> Any:
    """Decode a request body as bounded, clean JSON (the API's parser)."""
    lim = limits()
    if len(body) > lim.body_bytes:
        raise InputRejected(
            f"Dữ liệu gửi lên quá lớn (tối đa {lim.body_bytes} byte).",
            code="request_too_large",
            status=413,
        )
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError) as exc:
        code = "invalid_unicode" if isinstance(exc, UnicodeDecodeError) else "invalid_json"
        raise InputRejected("Nội dung JSON không hợp lệ.", code=code, status=400) from exc
    return clean_json(
        decoded, max_keys=lim.json_keys, max_depth=lim.json_depth, max_string=lim.string_length
    )


def clean_form_data(form_data: Mapping[str, Any], *, with_eform: bool) -> dict[str, Any]:
    """A dossier's form data, bounded: tighter limits when no e-form
    describes it (nothing else bounds free form data)."""
    lim = limits()
    if with_eform:
        max_bytes, max_keys, max_depth, max_string = (
            lim.form_data_bytes,
            lim.form_data_keys,
            lim.form_data_depth,
            lim.string_length,
        )
    else:
        max_bytes, max_keys, max_depth, max_string = (
            lim.free_form_data_bytes,
            lim.free_form_data_keys,
            lim.free_form_data_depth,
            lim.free_string_length,
        )
    cleaned: dict[str, Any] = clean_json(
        dict(form_data),
        max_keys=max_keys,
        max_depth=max_depth,
        max_string=max_string,
        field="form_data",
        too_many_keys="form_data_too_many_keys",
        too_deep="form_data_too_deep",
    )
    size = len(json.dumps(cleaned, ensure_ascii=False).encode())
    if size > max_bytes:
        raise InputRejected(
            f"Tờ khai quá lớn (tối đa {max_bytes} byte).",
            code="form_data_too_large",
            field="form_data",
        )
    return cleaned


INT64_MAX = 2**63 - 1


def posted_int(
    value: str | None, *, field: str, default: int, low: int = 0, high: int = INT64_MAX
) -> int:
    """An integer typed in a form (ASCII digits only: ``int()`` would take
    "²" or "١" and raise), ``default`` when empty, else :class:`InputRejected`."""
    text = (value or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 20:
        raise InputRejected("Vui lòng nhập một số nguyên.", code="invalid_integer", field=field)
    number = int(text)
    if not low <= number <= high:
        raise InputRejected(
            f"Giá trị phải từ {low} đến {high}.", code="integer_out_of_range", field=field
        )
    return number
