"""The JSON Lines format of historical dossiers (``motcua-history/1``):
one JSON object per line, one dossier per object, its events in order
(docs/developers/history.md; the JSON Schema is ``schema/history-v1.json``).

:func:`parse_line` turns one line into a :class:`Record` or raises
:class:`LineError` with a reason in Vietnamese an operator can act on. It
checks the shape and every date (a real calendar date, not before
:data:`EARLIEST_YEAR`, not in the future, never before the previous
moment of the dossier); the rules of the lifecycle are the services' to
check when the record is imported.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

FORMAT = "motcua-history/1"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EARLIEST_YEAR = 2000
#: A moment may be this much after the import's own clock (clock skew).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)

CHANNELS = ("online", "counter", "post")
RESULT_DELIVERY = ("counter", "post")
APPLICANT_KINDS = ("citizen", "organisation")
RESULT_KINDS = ("issued", "refused", "stopped", "withdrawn", "")
RATING_LEVELS = ("very_satisfied", "satisfied", "not_satisfied")

#: Each action of ``events``: who takes it (``staff``: a named officer in
#: ``by``; ``applicant``: the dossier's applicant; ``gateway``: the payment
#: platform) and its own fields (name → type; ``*`` marks a required one).
ACTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "accept": ("staff", {}),
    "ask_to_complete": ("staff", {"*missing": "list", "note": "str"}),
    "complete": ("applicant", {"note": "str"}),
    "refuse": ("staff", {"*reasons": "list"}),
    "forward": ("staff", {"to": "str", "note": "str"}),
    "send_back": ("staff", {"to": "str", "note": "str"}),
    "consult": ("staff", {"*question": "str", "to": "str"}),
    "answer": ("staff", {"*answer": "str"}),
    "decide": ("staff", {"note": "str"}),
    "ask_to_supplement": ("staff", {"*reason": "str", "items": "list"}),
    "supplement": ("applicant", {"note": "str"}),
    "ask_to_pay": ("staff", {"*amount_vnd": "int", "*reason": "str"}),
    "pay": ("gateway", {"reference": "str"}),
    "apologise": ("staff", {"*new_appointment": "moment", "*reason": "str"}),
    "stop": ("staff", {"*reason": "str"}),
    "withdraw": ("applicant", {"reason": "str"}),
    "hand_over": ("staff", {"received_by": "str", "note": "str"}),
}

_TOP = {
    "format",
    "legacy_id",
    "procedure",
    "agency",
    "processing_agency",
    "channel",
    "result_delivery",
    "applicant",
    "received_at",
    "received_by",
    "appointment_at",
    "events",
    "result_kind",
    "rating",
}


class LineError(ValueError):
    """A line that cannot be imported, and why."""

    def __init__(self, reason: str, code: str = "invalid") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Person:
    """An officer: an existing account by ``username``, or a legacy name."""

    name: str = ""
    username: str = ""

    @property
    def key(self) -> str:
        return f"@{self.username}" if self.username else self.name


@dataclass(frozen=True)
class ApplicantRecord:
    kind: str
    name: str
    personal_id: str = ""
    tax_code: str = ""

    @property
    def number(self) -> str:
        return self.personal_id or self.tax_code


@dataclass(frozen=True)
class EventRecord:
    action: str
    at: datetime.datetime
    by: Person | None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RatingRecord:
    at: datetime.datetime
    level: str
    comment: str = ""


@dataclass(frozen=True)
class Record:
    legacy_id: str
    procedure: str
    agency: str
    processing_agency: str
    channel: str
    result_delivery: str
    applicant: ApplicantRecord
    received_at: datetime.datetime
    received_by: Person | None
    events: tuple[EventRecord, ...]
    result_kind: str
    rating: RatingRecord | None
    digest: str


def parse_moment(value: object, what: str, *, now: datetime.datetime) -> datetime.datetime:
    """An ISO 8601 moment (``2026-03-02T08:15:00+07:00``; without an offset:
    Vietnam time) that exists in the calendar and is plausible."""
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{what}: thiếu ngày giờ.", code="date_missing")
    text = value.strip()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise LineError(
            f"{what}: ngày giờ “{text}” không hợp lệ (không có ngày này hoặc sai dạng ISO 8601).",
            code="date_invalid",
        ) from None
    if len(text) == 10:  # a bare date is not a moment
        raise LineError(f"{what}: thiếu giờ trong “{text}”.", code="date_invalid")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    if moment.year < EARLIEST_YEAR:
        raise LineError(
            f"{what}: năm {moment.year} trước năm {EARLIEST_YEAR}.", code="date_implausible"
        )
    if moment > now + FUTURE_TOLERANCE:
        raise LineError(f"{what}: ngày giờ “{text}” ở tương lai.", code="date_implausible")
    return moment


def _text(data: dict[str, Any], key: str, what: str, *, required: bool, limit: int = 2000) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise LineError(f"Thiếu trường “{what}”.", code="field_missing")
        return ""
    if not isinstance(value, str):
        raise LineError(f"Trường “{what}” phải là chuỗi.", code="field_invalid")
    value = value.strip()
    if required and not value:
        raise LineError(f"Trường “{what}” để trống.", code="field_missing")
    if len(value) > limit:
        raise LineError(f"Trường “{what}” dài quá {limit} ký tự.", code="field_invalid")
    return value


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in choices:
        raise LineError(
            f"Trường “{key}” phải là một trong: {', '.join(c for c in choices if c)}.",
            code="field_invalid",
        )
    return str(value)


def _person(value: object, what: str) -> Person:
    if isinstance(value, str) and value.strip():
        return Person(name=value.strip()[:150])
    if isinstance(value, dict):
        username = value.get("username")
        name = value.get("name")
        if isinstance(username, str) and username.strip():
            return Person(username=username.strip())
        if isinstance(name, str) and name.strip():
            return Person(name=name.strip()[:150])
    raise LineError(f"{what}: thiếu cán bộ thực hiện (“by”).", code="field_missing")


def _applicant(value: object) -> ApplicantRecord:
    if not isinstance(value, dict):
        raise LineError("Thiếu thông tin người nộp hồ sơ (“applicant”).", code="field_missing")
    kind = _choice(value, "kind", APPLICANT_KINDS, "citizen")
    name = _text(value, "name", "applicant.name", required=True, limit=200)
    if kind == "citizen":
        number = _text(value, "personal_id", "applicant.personal_id", required=True, limit=12)
        if len(number) != 12 or not number.isdigit():
            raise LineError("Số định danh cá nhân phải gồm 12 chữ số.", code="field_invalid")
        return ApplicantRecord(kind=kind, name=name, personal_id=number)
    number = _text(value, "tax_code", "applicant.tax_code", required=True, limit=14)
    if not number.replace("-", "").isdigit() or len(number.replace("-", "")) not in (10, 13):
        raise LineError("Mã số thuế phải gồm 10 hoặc 13 chữ số.", code="field_invalid")
    return ApplicantRecord(kind=kind, name=name, tax_code=number)


def _event(
    value: object, index: int, *, previous: datetime.datetime, now: datetime.datetime
) -> EventRecord:
    what = f"Sự kiện thứ {index}"
    if not isinstance(value, dict):
        raise LineError(f"{what}: phải là một đối tượng JSON.", code="field_invalid")
    action = value.get("action")
    if action not in ACTIONS:
        raise LineError(f"{what}: thao tác “{action}” không được hỗ trợ.", code="action_unknown")
    what = f"{what} ({action})"
    actor_kind, spec = ACTIONS[str(action)]
    allowed = {"action", "at", "by"} | {k.lstrip("*") for k in spec}
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise LineError(f"{what}: trường không được hỗ trợ: {', '.join(unknown)}.")
    at = parse_moment(value.get("at"), what, now=now)
    if at < previous:
        raise LineError(
            f"{what}: thời điểm {at.isoformat()} sớm hơn thao tác trước đó "
            f"({previous.isoformat()}).",
            code="moment_before_previous_event",
        )
    by = _person(value.get("by"), what) if actor_kind == "staff" else None
    fields: dict[str, Any] = {}
    for raw, kind in spec.items():
        name = raw.lstrip("*")
        required = raw.startswith("*")
        item = value.get(name)
        if item is None:
            if required:
                raise LineError(f"{what}: thiếu trường “{name}”.", code="field_missing")
            continue
        if kind == "str":
            fields[name] = _text(value, name, f"{what}.{name}", required=required)
        elif kind == "list":
            if not isinstance(item, list) or not all(isinstance(i, str) for i in item):
                raise LineError(f"{what}: “{name}” phải là danh sách chuỗi.", "field_invalid")
            fields[name] = [i.strip()[:500] for i in item if i.strip()][:50]
            if required and not fields[name]:
                raise LineError(f"{what}: “{name}” để trống.", code="field_missing")
        elif kind == "int":
            if not isinstance(item, int) or isinstance(item, bool) or item <= 0:
                raise LineError(f"{what}: “{name}” phải là số nguyên dương.", "field_invalid")
            fields[name] = item
        else:  # a moment
            fields[name] = parse_moment(
                item, f"{what}.{name}", now=now + datetime.timedelta(days=3660)
            )
    return EventRecord(action=str(action), at=at, by=by, fields=fields)


def parse_line(text: str, *, now: datetime.datetime) -> Record:
    """The record of one line, or :class:`LineError`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(
            f"Không đọc được JSON: {exc.msg} (cột {exc.colno}).", "json_invalid"
        ) from None
    if not isinstance(data, dict):
        raise LineError("Mỗi dòng phải là một đối tượng JSON.", code="json_invalid")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise LineError(f"Định dạng “{fmt}” không được hỗ trợ (cần “{FORMAT}”).")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise LineError(f"Trường không được hỗ trợ: {', '.join(unknown)}.")
    legacy_id = _text(data, "legacy_id", "legacy_id", required=True, limit=100)
    procedure = _text(data, "procedure", "procedure", required=True, limit=30)
    agency = _text(data, "agency", "agency", required=True, limit=60)
    processing = _text(data, "processing_agency", "processing_agency", required=False, limit=60)
    channel = _choice(data, "channel", CHANNELS, "online")
    delivery = _choice(data, "result_delivery", RESULT_DELIVERY, "counter")
    applicant = _applicant(data.get("applicant"))
    received_at = parse_moment(data.get("received_at"), "Ngày tiếp nhận (received_at)", now=now)
    if data.get("appointment_at") is not None:  # informational: the services compute it
        parse_moment(
            data["appointment_at"],
            "Ngày hẹn ở hệ thống cũ (appointment_at)",
            now=now + datetime.timedelta(days=3660),
        )
    received_by = None
    if channel == "counter":
        received_by = _person(data.get("received_by"), "Tiếp nhận tại quầy (received_by)")
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise LineError("“events” phải là một danh sách.", code="field_invalid")
    if len(raw_events) > 200:
        raise LineError("Quá 200 sự kiện cho một hồ sơ.", code="field_invalid")
    events: list[EventRecord] = []
    previous = received_at
    for index, raw in enumerate(raw_events, start=1):
        event = _event(raw, index, previous=previous, now=now)
        events.append(event)
        previous = event.at
    result_kind = _choice(data, "result_kind", RESULT_KINDS, "")
    rating = None
    if data.get("rating") is not None:
        raw_rating = data["rating"]
        if not isinstance(raw_rating, dict):
            raise LineError("“rating” phải là một đối tượng JSON.", code="field_invalid")
        rated_at = parse_moment(raw_rating.get("at"), "Đánh giá (rating.at)", now=now)
        if rated_at < previous:
            raise LineError(
                "Đánh giá (rating.at) sớm hơn thao tác cuối của hồ sơ.",
                code="moment_before_previous_event",
            )
        rating = RatingRecord(
            at=rated_at,
            level=_choice(raw_rating, "level", RATING_LEVELS, "satisfied"),
            comment=_text(raw_rating, "comment", "rating.comment", required=False, limit=1000),
        )
    return Record(
        legacy_id=legacy_id,
        procedure=procedure,
        agency=agency,
        processing_agency=processing,
        channel=channel,
        result_delivery=delivery,
        applicant=applicant,
        received_at=received_at,
        received_by=received_by,
        events=tuple(events),
        result_kind=result_kind,
        rating=rating,
        digest=hashlib.sha256(text.strip().encode()).hexdigest(),
    )
