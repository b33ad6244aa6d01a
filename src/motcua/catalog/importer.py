"""Parsing and validation of the national catalogue file (``schema_version``
1, documented in ``data/procedures/README.md``). Pure functions: nothing here
touches the database; :func:`motcua.catalog.services.catalog_import` writes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from motcua.catalog.models import (
    Channel,
    DocumentMode,
    Fee,
    ImplementingLevel,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    TimeUnit,
)

SCHEMA_VERSION = 1
CALENDAR_DAYS_MARK = "tính theo ngày"


@dataclass(frozen=True)
class FeeData:
    name: str
    amount_vnd: int | None
    note: str


@dataclass(frozen=True)
class DocumentData:
    name: str
    copies: int
    original_required: bool
    required: bool
    form_ref: str
    mode: str
    note: str
    reusable: bool = False


@dataclass(frozen=True)
class ProcessingData:
    channel: str
    days: Decimal | None
    unit: str
    note: str = ""


@dataclass
class ProcedureData:
    """One procedure record, validated and normalised."""

    code: str
    name: str
    short_name: str
    field: str
    ministry: str
    level: str
    other_levels: list[str]
    agency_text: str
    processing_note: str
    fees_note: str
    result: str
    legal_basis: list[str]
    announced_by: str
    online_level: str
    sources: list[str]
    code_confidence: str
    details_confidence: str
    processing: list[ProcessingData] = dc_field(default_factory=list)
    fees: list[FeeData] = dc_field(default_factory=list)
    documents: list[DocumentData] = dc_field(default_factory=list)

    def canonical(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "short_name": self.short_name,
            "field": self.field,
            "ministry": self.ministry,
            "level": self.level,
            "other_levels": self.other_levels,
            "agency_text": self.agency_text,
            "processing_note": self.processing_note,
            "fees_note": self.fees_note,
            "result": self.result,
            "legal_basis": self.legal_basis,
            "announced_by": self.announced_by,
            "online_level": self.online_level,
            "sources": self.sources,
            "code_confidence": self.code_confidence,
            "details_confidence": self.details_confidence,
            "processing": [
                [p.channel, None if p.days is None else str(p.days), p.unit, p.note]
                for p in self.processing
            ],
            "fees": [[f.name, f.amount_vnd, f.note] for f in self.fees],
            "documents": [
                [d.name, d.copies, d.original_required, d.required, d.form_ref, d.mode, d.note]
                for d in self.documents
            ],
        }

    def content_hash(self) -> str:
        blob = json.dumps(self.canonical(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RowError:
    index: int | None
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "code": self.code,
            "field": self.field,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = "Tệp" if self.index is None else f"Thủ tục #{self.index} ({self.code or '?'})"
        return f"{where}, trường {self.field}: {self.message}"


class _Row:
    """Typed getters that record an error instead of raising."""

    def __init__(self, data: dict[str, Any], index: int, code: str, errors: list[RowError]):
        self.data = data
        self.index = index
        self.code = code
        self.errors = errors

    def error(self, path: str, message: str) -> None:
        self.errors.append(RowError(self.index, self.code, path, message))

    def text(self, key: str, *, path: str = "", required: bool = True, obj: Any = None) -> str:
        src = self.data if obj is None else obj
        where = path or key
        if key not in src:
            if required:
                self.error(where, "thiếu trường bắt buộc")
            return ""
        value = src[key]
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.error(where, f"phải là chuỗi, nhận {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.error(where, "không được để trống")
        return value.strip()

    def integer(self, key: str, *, path: str, obj: dict[str, Any], nullable: bool) -> int | None:
        if key not in obj:
            self.error(path, "thiếu trường bắt buộc")
            return None
        value = obj[key]
        if value is None:
            if not nullable:
                self.error(path, "không được để trống")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"phải là số nguyên, nhận {type(value).__name__}")
            return None
        if value < 0:
            self.error(path, "không được âm")
            return None
        return int(value)

    def flag(self, key: str, *, path: str, obj: dict[str, Any]) -> bool:
        if key not in obj:
            self.error(path, "thiếu trường bắt buộc")
            return False
        value = obj[key]
        if not isinstance(value, bool):
            self.error(path, f"phải là true/false, nhận {type(value).__name__}")
            return False
        return value

    def str_list(self, key: str, *, required: bool = True) -> list[str]:
        if key not in self.data:
            if required:
                self.error(key, "thiếu trường bắt buộc")
            return []
        value = self.data[key]
        if not isinstance(value, list):
            self.error(key, "phải là danh sách")
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(f"{key}[{i}]", "phải là chuỗi")
            else:
                out.append(item)
        return out

    def obj_list(self, key: str) -> list[dict[str, Any]]:
        if key not in self.data:
            self.error(key, "thiếu trường bắt buộc")
            return []
        value = self.data[key]
        if not isinstance(value, list):
            self.error(key, "phải là danh sách")
            return []
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.error(f"{key}[{i}]", "phải là đối tượng")
            else:
                out.append(item)
        return out


def _parse_procedure(raw: Any, index: int, errors: list[RowError]) -> ProcedureData | None:
    if not isinstance(raw, dict):
        errors.append(RowError(index, "", "procedures", "mỗi thủ tục phải là một đối tượng"))
        return None
    code_value = raw.get("code")
    code = code_value.strip() if isinstance(code_value, str) else ""
    row = _Row(raw, index, code, errors)
    start = len(errors)
    row.text("code")
    levels = {c.value for c in ImplementingLevel}
    level = row.text("level")
    if level and level not in levels:
        row.error("level", f"giá trị '{level}' không hợp lệ (commune, province…)")
    other_levels = row.str_list("other_levels", required=False)
    for i, other in enumerate(other_levels):
        if other not in levels:
            row.error(f"other_levels[{i}]", f"giá trị '{other}' không hợp lệ")
    online = row.text("online")
    if online and online not in {c.value for c in OnlineLevel}:
        row.error("online", f"giá trị '{online}' không hợp lệ (full, partial, none)")
    note = row.text("processing_note", required=False)
    days: Decimal | None = None
    if "processing_days" not in raw:
        row.error("processing_days", "thiếu trường bắt buộc (dùng null nếu chưa xác minh)")
    else:
        value = raw["processing_days"]
        if value is None:
            days = None
        elif isinstance(value, bool) or not isinstance(value, int | float):
            row.error("processing_days", f"phải là số hoặc null, nhận {type(value).__name__}")
        elif value <= 0:
            row.error("processing_days", "phải lớn hơn 0")
        else:
            days = Decimal(str(value))
    unit = TimeUnit.CALENDAR_DAYS if CALENDAR_DAYS_MARK in note.lower() else TimeUnit.WORKING_DAYS
    channels = [Channel.IN_PERSON, Channel.POST]
    if online and online != OnlineLevel.NONE:
        channels.insert(1, Channel.ONLINE)
    processing = [ProcessingData(channel=c.value, days=days, unit=unit.value) for c in channels]

    fees: list[FeeData] = []
    for i, fee in enumerate(row.obj_list("fees")):
        path = f"fees[{i}]"
        fees.append(
            FeeData(
                name=row.text("name", path=f"{path}.name", obj=fee),
                amount_vnd=row.integer(
                    "amount_vnd", path=f"{path}.amount_vnd", obj=fee, nullable=True
                ),
                note=row.text("note", path=f"{path}.note", obj=fee, required=False),
            )
        )
    documents: list[DocumentData] = []
    for i, doc in enumerate(row.obj_list("documents")):
        path = f"documents[{i}]"
        mode = row.text("mode", path=f"{path}.mode", obj=doc)
        if mode and mode not in {m.value for m in DocumentMode}:
            row.error(f"{path}.mode", f"giá trị '{mode}' không hợp lệ (submit, present)")
        if "form" not in doc:
            row.error(f"{path}.form", "thiếu trường bắt buộc (dùng null nếu không có mẫu)")
        copies = row.integer("copies", path=f"{path}.copies", obj=doc, nullable=False)
        documents.append(
            DocumentData(
                name=row.text("name", path=f"{path}.name", obj=doc),
                copies=copies or 0,
                original_required=row.flag(
                    "original_required", path=f"{path}.original_required", obj=doc
                ),
                required=row.flag("required", path=f"{path}.required", obj=doc),
                form_ref=row.text("form", path=f"{path}.form", obj=doc, required=False),
                mode=mode,
                note=row.text("note", path=f"{path}.note", obj=doc, required=False),
            )
        )
    data = ProcedureData(
        code=code,
        name=row.text("name"),
        short_name=row.text("short_name"),
        field=row.text("field"),
        ministry=row.text("ministry", required=False),
        level=level,
        other_levels=other_levels,
        agency_text=row.text("agency", required=False),
        processing_note=note,
        fees_note=row.text("fees_note", required=False),
        result=row.text("result"),
        legal_basis=row.str_list("legal_basis"),
        announced_by=row.text("announced_by", required=False),
        online_level=online,
        sources=row.str_list("sources", required=False),
        code_confidence=row.text("code_confidence", required=False),
        details_confidence=row.text("details_confidence", required=False),
        processing=processing,
        fees=fees,
        documents=documents,
    )
    for key, limit in _LIMITS.items():
        value = getattr(data, key)
        if len(value) > limit:
            row.error(_SOURCE_NAMES.get(key, key), f"dài quá {limit} ký tự")
    for i, parsed_fee in enumerate(fees):
        if len(parsed_fee.name) > _FEE_NAME_LIMIT:
            row.error(f"fees[{i}].name", f"dài quá {_FEE_NAME_LIMIT} ký tự")
    if len(code) > _CODE_LIMIT:
        row.error("code", f"dài quá {_CODE_LIMIT} ký tự")
    return data if len(errors) == start else None


def _limit(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


_LIMITS = {
    key: _limit(ProcedureVersion, field)
    for key, field in {
        "name": "name",
        "short_name": "short_name",
        "field": "field",
        "ministry": "ministry",
        "agency_text": "agency_text",
        "announced_by": "announced_by",
    }.items()
}
_SOURCE_NAMES = {"agency_text": "agency"}
_FEE_NAME_LIMIT = _limit(Fee, "name")
_CODE_LIMIT = _limit(Procedure, "code")


def parse_catalog(payload: Any) -> tuple[list[ProcedureData], list[RowError]]:
    """Validate a whole catalogue file. Returns the records and every error
    found (all of them, not only the first)."""
    errors: list[RowError] = []
    if not isinstance(payload, dict):
        return [], [RowError(None, "", "$", "tệp phải là một đối tượng JSON")]
    version = payload.get("schema_version")
    if version != SCHEMA_VERSION:
        errors.append(
            RowError(None, "", "schema_version", f"chỉ hỗ trợ phiên bản 1, nhận {version!r}")
        )
    raw_list = payload.get("procedures")
    if not isinstance(raw_list, list):
        errors.append(RowError(None, "", "procedures", "phải là danh sách thủ tục"))
        return [], errors
    records: list[ProcedureData] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_list):
        record = _parse_procedure(raw, index, errors)
        if record is None:
            continue
        if record.code in seen:
            errors.append(
                RowError(
                    index,
                    record.code,
                    "code",
                    f"mã thủ tục trùng với thủ tục #{seen[record.code]}",
                )
            )
            continue
        seen[record.code] = index
        records.append(record)
    return records, errors
