"""The dossiers API (mounted at ``/api/v1/dossiers``): thin handlers that
parse, call one selector or service and serialise. Errors are problem+json
with stable codes (see :mod:`motcua.api.errors`)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.params import functions as param
from pydantic import Field

from motcua.accounts.models import User
from motcua.accounts.selectors import applicant_by_public_id, applicant_of_user
from motcua.api.auth import STAFF_AUTH, SUBMIT_AUTH
from motcua.api.idempotency import request_fingerprint
from motcua.core.db import reading
from motcua.core.errors import DomainError, NotFound
from motcua.core.throttling import throttle_request, throttle_tracking
from motcua.documents.models import StoredFile
from motcua.dossiers import answers, paging, selectors, services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State
from motcua.dossiers.submission import procedure_for_submission

router = Router(tags=["Hồ sơ"])


# ------------------------------------------------------------------ schemas


class DocumentIn(Schema):
    component: int = Field(description="id của thành phần hồ sơ (DocumentComponent)")
    file: uuid.UUID = Field(description="id của tệp đã tải lên qua POST /api/v1/files")


class SubmitIn(Schema):
    procedure: uuid.UUID = Field(description="public_id của thủ tục tại đơn vị")
    applicant: uuid.UUID | None = Field(
        None, description="public_id của người nộp (bắt buộc khi cán bộ nộp hộ)"
    )
    channel: Literal["online", "counter", "post"] = "online"
    result_delivery: Literal["online", "counter", "post"] = "online"
    form_data: dict[str, Any] = Field(default_factory=dict)
    assisted: bool = False
    consent_note: str = ""
    documents: list[DocumentIn] = Field(
        default_factory=list, description="Giấy tờ kèm theo: tệp đã tải lên cho từng thành phần"
    )


class DossierOut(Schema):
    code: str
    public_id: uuid.UUID
    state: str
    state_label: str
    national_status: int | None
    version: int
    procedure: str
    channel: str
    assisted: bool
    receiving_agency: str
    processing_agency: str
    holder_agency: str | None
    holder_role: str
    current_step: str
    result_delivery: str
    form_set: str
    submitted_at: datetime.datetime
    accepted_at: datetime.datetime | None
    first_appointment_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    due_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    tracking_token: str
    form_data: dict[str, Any]


class ActionIn(Schema):
    expected_version: int
    reasons: list[str] = Field(default_factory=list)
    reason: str = ""
    missing: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)
    note: str = ""
    target: str | None = None
    via: str | None = None
    new_appointment: datetime.datetime | None = None
    holder_user: uuid.UUID | None = None
    form_data: dict[str, Any] | None = None
    received_by: str = ""
    amount_vnd: int | None = None
    question: str = ""
    answer: str = ""
    branch: str | None = None
    reference: str = ""
    documents: list[DocumentIn] = Field(
        default_factory=list,
        description=(
            "complete / supplement: one uploaded file for each requested part "
            "(component of GET /{code}/request); a file without a part is not allowed"
        ),
    )


class RequestedPartOut(Schema):
    component: int | None = Field(description="id của thành phần hồ sơ được yêu cầu (nếu có)")
    component_name: str
    reason_code: str
    reason: str
    text: str


class OpenRequestOut(Schema):
    action: str = Field(description="ask_to_supplement hoặc ask_to_complete")
    answer_with: str = Field(description="Thao tác để trả lời: supplement hoặc complete")
    reason: str
    parts: list[RequestedPartOut]
    form_fix: bool = Field(description="Có được sửa tờ khai (form_data) khi trả lời hay không")


class EventOut(Schema):
    seq: int
    action: str
    label: str
    actor: str | None
    actor_role: str
    actor_agency: str | None
    from_state: str
    to_state: str
    from_step: str
    to_step: str
    at: datetime.datetime
    working_seconds: int
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class TrackedStepOut(Schema):
    key: str
    name: str
    budget_hours: float
    used_hours: float
    started_at: datetime.datetime
    due_at: datetime.datetime | None
    ended_at: datetime.datetime | None


class TimelineOut(Schema):
    at: datetime.datetime
    action: str
    label: str
    state: str


class TrackOut(Schema):
    code: str
    procedure: str
    state: str
    state_label: str
    national_status: int | None
    holding_unit: str
    submitted_at: datetime.datetime
    accepted_at: datetime.datetime | None
    first_appointment_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    steps: list[TrackedStepOut]
    timeline: list[TimelineOut]


def _out(d: Dossier) -> DossierOut:
    return DossierOut(
        code=d.code,
        public_id=d.public_id,
        state=d.state,
        state_label=str(State(d.state).label),
        national_status=d.national_status,
        version=d.version,
        procedure=d.configured_procedure_version.procedure_version.name,
        channel=d.channel,
        assisted=d.assisted,
        receiving_agency=d.receiving_agency.public_id,
        processing_agency=d.processing_agency.public_id,
        holder_agency=d.holder_agency.public_id if d.holder_agency else None,
        holder_role=d.holder_role,
        current_step=d.current_step,
        result_delivery=d.result_delivery,
        form_set=d.form_set,
        submitted_at=d.submitted_at,
        accepted_at=d.accepted_at,
        first_appointment_at=d.first_appointment_at,
        appointment_at=d.appointment_at,
        due_at=d.due_at,
        finished_at=d.finished_at,
        tracking_token=d.tracking_token,
        form_data=d.form_data,
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# ----------------------------------------------------------------- handlers


@router.get("/track/{code}", response=TrackOut, auth=None, summary="Tra cứu hồ sơ công khai")
def track(request: HttpRequest, code: str, factor: str) -> Any:
    throttle_tracking(request=request, code=code)
    with reading():  # a streaming replica, when there is one (core/db.py)
        return selectors.dossier_track(code=code, factor=factor)


@router.post("", response={201: DossierOut}, auth=SUBMIT_AUTH, summary="Nộp hồ sơ")
def submit(
    request: HttpRequest,
    payload: SubmitIn,
    idempotency_key: Annotated[str | None, param.Header(None, alias="Idempotency-Key")] = None,
) -> Status[DossierOut]:
    user = _user(request)
    throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
    procedure = procedure_for_submission(payload.procedure)
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục.", code="procedure_not_found")
    if payload.applicant is not None:
        applicant = applicant_by_public_id(public_id=payload.applicant)
    else:
        applicant = applicant_of_user(user_id=user.pk)
    if applicant is None:
        raise DomainError("Không xác định được người nộp hồ sơ.", code="applicant_required")
    dossier = services.dossier_submit(
        attachments=_attachments(payload.documents),
        actor=user,
        procedure=procedure,
        applicant=applicant,
        form_data=payload.form_data,
        channel=payload.channel,
        result_delivery=payload.result_delivery,
        idempotency_key=(idempotency_key or "").strip()[:100] or None,
        idempotency_fingerprint=request_fingerprint(request),
        assisted=payload.assisted,
        consent_note=payload.consent_note,
    )
    return Status(201, _out(dossier))


def _attachments(documents: list[DocumentIn]) -> list[Attachment]:
    """The uploaded files a submission references (one query; none when
    there are no documents). Ownership and components are checked by the
    service."""
    if not documents:
        return []
    ids = {d.file for d in documents}
    stored = {f.public_id: f for f in StoredFile.objects.filter(public_id__in=ids)}
    missing = ids - stored.keys()
    if missing:
        raise DomainError(
            "Không tìm thấy tệp đã tải lên.",
            code="file_not_found",
            errors=[{"field": "documents", "message": str(m)} for m in sorted(map(str, missing))],
        )
    return [Attachment(file=stored[d.file], component_id=d.component) for d in documents]


@router.get(
    "",
    response=list[DossierOut],
    auth=STAFF_AUTH,
    summary="Danh sách hồ sơ",
    description=(
        "Trang theo con trỏ (keyset), không dùng OFFSET: khi còn trang sau, tiêu đề "
        "`X-Next-Cursor` mang con trỏ; gửi lại nó trong tham số `cursor` để lấy trang sau. "
        "Con trỏ không hợp lệ: 422 problem+json, mã `cursor_invalid`."
    ),
)
def list_dossiers(
    request: HttpRequest,
    response: HttpResponse,
    mine: bool = False,
    limit: Annotated[int, param.Query(50, ge=1, le=settings.MOTCUA_PAGE_SIZE_MAX)] = 50,
    cursor: Annotated[
        str,
        param.Query(
            "",
            max_length=200,
            description="Con trỏ trang sau (tiêu đề X-Next-Cursor của trang trước)",
        ),
    ] = "",
) -> list[DossierOut]:
    """``mine=1``: the dossiers the user filed (or were filed for them),
    newest first; otherwise the officer's queue, soonest due first."""
    user = _user(request)
    position = paging.decode_cursor(cursor) if cursor else None
    if cursor and position is None:
        raise paging.InvalidCursor("Con trỏ trang không hợp lệ.", code="cursor_invalid")
    with reading():  # a streaming replica, when there is one (core/db.py)
        page = (
            paging.page_of(
                selectors.dossiers_of_applicant(user=user),
                paging.BY_RECEIVED,
                position=position,
                size=limit,
            )
            if mine
            else paging.page_of(
                selectors.queue_parts(user=user), paging.BY_DUE, position=position, size=limit
            )
        )
    if page.next_cursor:
        response["X-Next-Cursor"] = page.next_cursor
    return [_out(d) for d in page.items]


@router.get("/{code}", response=DossierOut, auth=STAFF_AUTH, summary="Chi tiết hồ sơ")
def get_dossier(request: HttpRequest, code: str) -> DossierOut:
    return _out(selectors.dossier_get_for_user(user=_user(request), code=code))


@router.get(
    "/{code}/events", response=list[EventOut], auth=STAFF_AUTH, summary="Nhật ký xử lý hồ sơ"
)
def events(request: HttpRequest, code: str) -> list[EventOut]:
    _dossier, rows = selectors.dossier_events_for_user(user=_user(request), code=code)
    return [_event_out(e) for e in rows]


@router.get(
    "/{code}/request",
    response=OpenRequestOut,
    auth=STAFF_AUTH,
    summary="Yêu cầu bổ sung, hoàn thiện đang chờ trả lời",
)
def open_request(request: HttpRequest, code: str) -> OpenRequestOut:
    dossier, rows = selectors.dossier_events_for_user(user=_user(request), code=code)
    asked = answers.open_request(dossier=dossier, events=rows)
    if asked.event is None:
        raise NotFound("Hồ sơ không có yêu cầu bổ sung nào đang chờ.", code="no_open_request")
    return OpenRequestOut(
        action=asked.event.action,
        answer_with=answers.ANSWERABLE[State(dossier.state)],
        reason=asked.reason,
        parts=[
            RequestedPartOut(
                component=p.get("component"),
                component_name=str(p.get("component_name", "")),
                reason_code=str(p.get("reason_code", "")),
                reason=str(p.get("reason", "")),
                text=str(p.get("text", "")),
            )
            for p in asked.parts
        ],
        form_fix=asked.form_fix,
    )


def _event_out(e: DossierEvent) -> EventOut:
    return EventOut(
        seq=e.seq,
        action=e.action,
        label=str(selectors.ACTION_LABELS.get(e.action, e.action)),
        actor=e.actor.display_name if e.actor else None,
        actor_role=e.actor_role,
        actor_agency=e.actor_agency.public_id if e.actor_agency else None,
        from_state=e.from_state,
        to_state=e.to_state,
        from_step=e.from_step,
        to_step=e.to_step,
        at=e.at,
        working_seconds=e.working_seconds,
        payload=e.payload,
        prev_hash=e.prev_hash,
        hash=e.hash,
    )


def _action_kwargs(action: str, body: ActionIn) -> dict[str, Any]:
    if action == "ask_to_complete":
        return {"missing": body.missing or body.reasons, "note": body.note}
    if action in ("complete", "supplement"):
        return {
            "form_data": body.form_data,
            "note": body.note,
            "attachments": _attachments(body.documents),
        }
    if action == "refuse":
        return {"reasons": body.reasons or ([body.reason] if body.reason else [])}
    if action == "forward":
        return {"target": body.target, "via": body.via, "note": body.note}
    if action == "send_back":
        return {"target": body.target, "note": body.note}
    if action == "consult":
        return {"question": body.question, "target": body.target}
    if action == "answer":
        return {"answer": body.answer, "branch": body.branch}
    if action == "decide":
        return {"via": body.via, "note": body.note}
    if action == "ask_to_supplement":
        return {"reason": body.reason, "items": body.items}
    if action == "apologise":
        if body.new_appointment is None:
            raise DomainError("Vui lòng nhập ngày hẹn mới.", code="new_appointment_required")
        return {"new_appointment": body.new_appointment, "reason": body.reason}
    if action == "reassign":
        holder = (
            User.objects.filter(public_id=body.holder_user).first() if body.holder_user else None
        )
        if holder is None:
            raise DomainError("Không tìm thấy người được giao.", code="holder_not_eligible")
        return {"holder_user": holder, "reason": body.reason}
    if action == "ask_to_pay":
        return {"amount_vnd": body.amount_vnd or 0, "reason": body.reason}
    if action == "pay":
        return {"reference": body.reference}
    if action in ("stop", "withdraw"):
        return {"reason": body.reason}
    if action == "hand_over":
        return {"received_by": body.received_by, "note": body.note}
    return {}


@router.post(
    "/{code}/actions/{action}",
    response=DossierOut,
    auth=STAFF_AUTH,
    summary="Thực hiện thao tác trên hồ sơ",
)
def act(request: HttpRequest, code: str, action: str, payload: ActionIn) -> DossierOut:
    if action not in services.ACTIONS:
        raise NotFound("Không có thao tác này.", code="action_unknown")
    dossier = selectors.dossier_act(
        user=_user(request),
        code=code,
        action=action,
        expected_version=payload.expected_version,
        arguments=lambda: _action_kwargs(action, payload),
    )
    return _out(dossier)
