"""What a person may do with a dossier now, and how each action's form is
read and handed to its service.

:func:`available_actions` mirrors the services' checks (state, role,
holder, workflow transitions) only to decide which forms to *show*; the
service always makes the real check when a form is posted.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import user_has_role
from motcua.catalog.workflows import END, Action, Graph, Step
from motcua.core.errors import DomainError
from motcua.documents.services import stored_file_create
from motcua.dossiers import services
from motcua.dossiers.attachments import (
    REASON_CODES,
    Attachment,
    RequestedItem,
    result_signature_mark,
)
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.dossiers.states import State

_NOT_FORWARD = frozenset({"send_back", "consult", "join"})
_STEP_STATES = frozenset({State.PROCESSING, State.SUPPLEMENTING, State.AWAITING_PAYMENT})

LABELS: dict[str, str] = {
    "accept": "Tiếp nhận hồ sơ",
    "ask_to_complete": "Yêu cầu hoàn thiện hồ sơ",
    "refuse": "Từ chối tiếp nhận",
    "forward": "Chuyển bước tiếp theo",
    "send_back": "Trả lại bước trước",
    "decide": "Ghi nhận kết quả giải quyết",
    "ask_to_supplement": "Yêu cầu bổ sung hồ sơ",
    "ask_to_pay": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "apologise": "Xin lỗi và hẹn lại ngày trả kết quả",
    "reassign": "Giao lại người xử lý",
    "stop": "Dừng xử lý hồ sơ",
    "hand_over": "Trả kết quả",
    "consult": "Xin ý kiến đơn vị liên quan",
    "answer": "Trả lời xin ý kiến",
}


@dataclass(frozen=True)
class Move:
    """One workflow transition offered on the forward / send back / decide
    forms: ``value`` is ``via|target``."""

    value: str
    label: str


@dataclass
class ActionOption:
    name: str
    label: str
    moves: list[Move] = field(default_factory=list)


def _digits(text: str) -> bool:
    """ASCII digits that fit a 64-bit integer (``str.isdigit`` accepts "²",
    which ``int`` refuses; a longer number overflows the database)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _graph(dossier: Dossier) -> Graph | None:
    try:
        return services.workflow_graph(dossier.configured_procedure_version)
    except DomainError:
        return None


def _holds_step(user: User, dossier: Dossier, step: Step) -> bool:
    agency = dossier.holder_agency
    if agency is None:
        return False
    named_ok = dossier.holder_user_id is None or dossier.holder_user_id == user.pk
    return named_ok and user_has_role(user=user, agency=agency, roles=[step.role])


def _moves(graph: Graph, dossier: Dossier, allowed: Callable[[str, str], bool]) -> list[Move]:
    names = {s.key: s.name for s in graph.steps}
    out = []
    for t in graph.transitions:
        if t.source == dossier.current_step and allowed(t.action, t.target):
            target = (
                _("Kết thúc (có kết quả)") if t.target == END else names.get(t.target, t.target)
            )
            out.append(
                Move(value=f"{t.action}|{t.target}", label=f"{target} ({_action_label(t.action)})")
            )
    return out


def _action_label(action: str) -> str:
    try:
        return str(Action(action).label).lower()
    except ValueError:
        return ""


def available_actions(*, user: User, dossier: Dossier) -> list[ActionOption]:
    """The actions ``user`` may take on ``dossier`` now."""
    options: list[ActionOption] = []

    def add(name: str, moves: list[Move] | None = None) -> None:
        options.append(ActionOption(name=name, label=LABELS[name], moves=moves or []))

    state = dossier.state
    officer = user_has_role(
        user=user, agency=dossier.receiving_agency, roles=[Role.ONE_STOP_OFFICER]
    )
    if state == State.SUBMITTED and officer:
        add("accept")
        if not DossierEvent.objects.filter(dossier=dossier, action="ask_to_complete").exists():
            add("ask_to_complete")
        add("refuse")
    elif state == State.COMPLETING and officer:
        add("refuse")
    elif state == State.RESULT_READY and officer:
        add("hand_over")
    if state not in _STEP_STATES or not dossier.current_step:
        return options
    graph = _graph(dossier)
    if graph is None:
        return options
    step = next((s for s in graph.steps if s.key == dossier.current_step), None)
    if step is None:
        return options
    holder = _holds_step(user, dossier, step)
    leader = dossier.holder_agency is not None and user_has_role(
        user=user, agency=dossier.holder_agency, roles=[Role.LEADER]
    )
    branches = StepRun.objects.filter(dossier=dossier, ended_at__isnull=True).exclude(
        parent_step=""
    )
    if state == State.PROCESSING and holder and not branches.exists():
        forward = _moves(graph, dossier, lambda a, t: a not in _NOT_FORWARD and t != END)
        if forward:
            add("forward", forward)
        back = _moves(graph, dossier, lambda a, t: a == "send_back")
        if back:
            add("send_back", back)
        end = _moves(graph, dossier, lambda a, t: t == END)
        if end:
            add("decide", end)
    if state == State.PROCESSING and holder:
        consult = _moves(graph, dossier, lambda a, t: a == "consult" and t != END)
        open_keys = set(branches.values_list("step_key", flat=True))
        consult = [m for m in consult if m.value.split("|", 1)[1] not in open_keys]
        if consult:
            add("consult", consult)
        if not DossierEvent.objects.filter(dossier=dossier, action="ask_to_supplement").exists():
            add("ask_to_supplement")
        add("ask_to_pay")
    if holder or leader:
        now = timezone.now()
        if (
            dossier.appointment_at is not None
            and now < dossier.appointment_at
            and not dossier.appointment_changes.filter(lateness=True).exists()
        ):
            add("apologise")
    if leader:
        add("reassign")
    if holder or leader:
        add("stop")
    for run in branches.select_related("agency"):
        if user_has_role(user=user, agency=run.agency, roles=[run.role]):
            add("answer")
            break
    return options


# ------------------------------------------------------------ form reading


def _text(post: Mapping[str, Any], name: str) -> str:
    return str(post.get(name, "") or "").strip()


def _lines(post: Mapping[str, Any], name: str) -> list[str]:
    return [line.strip() for line in _text(post, name).splitlines() if line.strip()]


def _move(post: Mapping[str, Any]) -> tuple[str | None, str | None]:
    value = _text(post, "move")
    if "|" not in value:
        return None, None
    via, target = value.split("|", 1)
    return via or None, (None if target == END else target or None)


def _requested(post: Any) -> list[RequestedItem]:
    """Rows ``part-N-reason`` / ``part-N-text`` / ``part-N-component``;
    a row with no text and no component is ignored."""
    items: list[RequestedItem] = []
    for n in range(10):
        reason = _text(post, f"part-{n}-reason")
        text = _text(post, f"part-{n}-text")
        component = _text(post, f"part-{n}-component")
        if not text and not component:
            continue
        items.append(
            RequestedItem(
                reason_code=reason or "other",
                text=text,
                component_id=int(component) if _digits(component) else None,
            )
        )
    return items


def _moment(post: Mapping[str, Any], name: str) -> datetime.datetime:
    raw = _text(post, name)
    value = parse_datetime(raw) if raw else None
    if value is None:
        raise DomainError(_("Vui lòng nhập ngày giờ hẹn mới hợp lệ."), code="invalid_moment")
    if timezone.is_naive(value):
        value = timezone.make_aware(value, services.LOCAL_TZ)
    return value


def run_action(
    *,
    name: str,
    dossier: Dossier,
    actor: User,
    post: Any,
    files: Mapping[str, UploadedFile],
) -> Dossier:
    """Read the posted form of action ``name`` and call its service.
    Raises ``DomainError`` (including ``Conflict``) as the service does."""
    raw_version = _text(post, "expected_version")
    if not _digits(raw_version):
        raise DomainError(_("Thiếu phiên bản hồ sơ; vui lòng tải lại trang."), code="invalid")
    # Before parsing the rest: a stale page is told why (409), not what else
    # is wrong with the form.
    services.dossier_check_version(dossier=dossier, expected_version=int(raw_version))
    common: dict[str, Any] = {
        "dossier": dossier,
        "actor": actor,
        "expected_version": int(raw_version),
    }
    if name == "accept":
        return services.dossier_accept(**common)
    if name == "ask_to_complete":
        return services.dossier_ask_to_complete(
            **common, requested=_requested(post), note=_text(post, "note")
        )
    if name == "refuse":
        return services.dossier_refuse(**common, reasons=_lines(post, "reasons"))
    if name in ("forward", "send_back", "decide"):
        via, target = _move(post)
        note = _text(post, "note")
        if name == "forward":
            return services.dossier_forward(**common, via=via, target=target, note=note)
        if name == "send_back":
            return services.dossier_send_back(**common, target=target, note=note)
        upload = files.get("result")
        if upload is None:
            raise DomainError(
                _("Vui lòng tải lên tệp kết quả đã ký (PDF)."), code="result_file_required"
            )
        # The signature is checked before the file is stored: a refused
        # result leaves nothing behind.
        content = upload.read()
        upload.seek(0)
        signature, signed_by = result_signature_mark(dossier=dossier, content=content)
        stored = stored_file_create(actor=actor, uploaded=upload)
        title = _text(post, "title") or _("Kết quả giải quyết")
        result = Attachment(file=stored, title=title, signature=signature, signed_by=signed_by)
        return services.dossier_decide(**common, via=via, note=note, result=[result])
    if name == "ask_to_supplement":
        requested = _requested(post)
        return services.dossier_ask_to_supplement(
            **common,
            reason=_text(post, "reason"),
            items=[f"{REASON_CODES.get(r.reason_code, '')}: {r.text}" for r in requested],
            requested=requested,
        )
    if name == "ask_to_pay":
        amount = _text(post, "amount_vnd").replace(".", "").replace(",", "")
        return services.dossier_ask_to_pay(
            **common,
            amount_vnd=int(amount) if _digits(amount) else 0,
            reason=_text(post, "reason"),
        )
    if name == "apologise":
        return services.dossier_apologise(
            **common,
            new_appointment=_moment(post, "new_appointment"),
            reason=_text(post, "reason"),
        )
    if name == "reassign":
        try:
            holder_id = uuid.UUID(_text(post, "holder"))
        except ValueError:
            holder_id = None
        target_user = User.objects.filter(public_id=holder_id).first() if holder_id else None
        if target_user is None:
            raise DomainError(_("Vui lòng chọn người được giao."), code="holder_required")
        return services.dossier_reassign(
            **common, holder_user=target_user, reason=_text(post, "reason")
        )
    if name == "stop":
        return services.dossier_stop(**common, reason=_text(post, "reason"))
    if name == "hand_over":
        return services.dossier_hand_over(
            **common, received_by=_text(post, "received_by"), note=_text(post, "note")
        )
    if name == "consult":
        _via, target = _move(post)
        return services.dossier_consult(**common, question=_text(post, "question"), target=target)
    if name == "answer":
        return services.dossier_answer(**common, answer=_text(post, "answer"))
    raise DomainError(_("Thao tác không hợp lệ."), code="action_unknown")
