"""Workflow graphs: parsing and the rules a publishable workflow keeps.

A definition is JSON::

    {"start": "tiep_nhan",
     "steps": [{"key": "tiep_nhan", "name": "Tiếp nhận", "role": "one_stop_officer",
                "holder": "receiving", "budget_hours": 4}, ...],
     "transitions": [{"from": "tiep_nhan", "action": "forward", "to": "xu_ly"},
                     {"from": "xu_ly", "action": "return", "to": "end"}, ...]}

``holder`` is ``receiving``, ``processing``, ``department:<name>`` (a named
department of the processing agency) or ``agency:<public_id>`` (another
agency, for inter-agency dossiers). The target ``end`` (:data:`END`) closes
the dossier.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from motcua.accounts.models import Role

END = "end"
HOURS_PER_DAY = 8


class Action(models.TextChoices):
    FORWARD = "forward", _l("Chuyển bước")
    SEND_BACK = "send_back", _l("Trả lại bước trước")
    CONSULT = "consult", _l("Xin ý kiến")
    JOIN = "join", _l("Phối hợp")
    APPROVE = "approve", _l("Phê duyệt")
    SIGN = "sign", _l("Ký")
    RETURN = "return", _l("Trả kết quả")


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    role: str
    holder: str
    budget_hours: Decimal


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str


@dataclass(frozen=True)
class Graph:
    start: str
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]

    @property
    def budget_hours(self) -> Decimal:
        return sum((s.budget_hours for s in self.steps), Decimal(0))


def _holder_ok(holder: str) -> bool:
    if holder in ("receiving", "processing"):
        return True
    prefix, _sep, rest = holder.partition(":")
    return prefix in ("department", "agency") and bool(rest.strip())


def parse_graph(definition: Any) -> tuple[Graph | None, list[str]]:
    """Parse ``definition``; return the graph and the shape errors."""
    errors: list[str] = []
    if not isinstance(definition, dict):
        return None, [_("Sơ đồ quy trình phải là một đối tượng JSON.")]
    raw_steps = definition.get("steps")
    raw_transitions = definition.get("transitions")
    start = definition.get("start")
    if not isinstance(raw_steps, list) or not raw_steps:
        errors.append(_("Quy trình phải có ít nhất một bước."))
        raw_steps = []
    if not isinstance(raw_transitions, list):
        errors.append(_("Danh sách chuyển bước (transitions) phải là một danh sách."))
        raw_transitions = []
    roles = {r.value for r in Role}
    steps: list[Step] = []
    keys: set[str] = set()
    for i, raw in enumerate(raw_steps):
        if not isinstance(raw, dict):
            errors.append(_("Bước thứ %(n)d phải là một đối tượng.") % {"n": i + 1})
            continue
        key = str(raw.get("key", "")).strip()
        if not key or key == END:
            errors.append(_("Bước thứ %(n)d thiếu mã bước hợp lệ.") % {"n": i + 1})
            continue
        if key in keys:
            errors.append(_("Mã bước “%(key)s” bị trùng.") % {"key": key})
        keys.add(key)
        role = str(raw.get("role", ""))
        if role not in roles:
            errors.append(
                _("Bước “%(key)s”: vai trò “%(role)s” không hợp lệ.") % {"key": key, "role": role}
            )
        holder = str(raw.get("holder", ""))
        if not _holder_ok(holder):
            errors.append(
                _("Bước “%(key)s”: đơn vị giữ hồ sơ “%(holder)s” không hợp lệ.")
                % {"key": key, "holder": holder}
            )
        try:
            budget = Decimal(str(raw.get("budget_hours", "")))
        except InvalidOperation:
            budget = Decimal(-1)
        if not budget.is_finite() or budget < 0:
            errors.append(
                _("Bước “%(key)s”: thời gian xử lý (giờ) phải là số không âm.") % {"key": key}
            )
            budget = Decimal(0)
        steps.append(Step(key, str(raw.get("name", key)), role, holder, budget))
    if start not in keys:
        errors.append(_("Bước bắt đầu “%(start)s” không có trong quy trình.") % {"start": start})
    actions = {a.value for a in Action}
    transitions: list[Transition] = []
    for i, raw in enumerate(raw_transitions):
        if not isinstance(raw, dict):
            errors.append(_("Chuyển bước thứ %(n)d phải là một đối tượng.") % {"n": i + 1})
            continue
        source, action, target = str(raw.get("from")), str(raw.get("action")), str(raw.get("to"))
        if source not in keys:
            errors.append(
                _("Chuyển bước thứ %(n)d: bước nguồn “%(s)s” không tồn tại.")
                % {"n": i + 1, "s": source}
            )
        if target not in keys and target != END:
            errors.append(
                _("Chuyển bước thứ %(n)d: bước đích “%(s)s” không tồn tại.")
                % {"n": i + 1, "s": target}
            )
        if action not in actions:
            errors.append(
                _("Chuyển bước thứ %(n)d: thao tác “%(a)s” không hợp lệ.")
                % {"n": i + 1, "a": action}
            )
        transitions.append(Transition(source, action, target))
    if errors:
        return None, errors
    return Graph(str(start), tuple(steps), tuple(transitions)), []


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def check_graph(graph: Graph, *, max_days: Decimal | None = None) -> list[str]:
    """The publication rules: the end is reachable from the start; every step
    is reachable and can reach the end; budgets fit in ``max_days``."""
    errors: list[str] = []
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    for t in graph.transitions:
        forward.setdefault(t.source, set()).add(t.target)
        backward.setdefault(t.target, set()).add(t.source)
    from_start = _reachable(graph.start, forward)
    if END not in from_start:
        errors.append(_("Không có đường đi từ bước bắt đầu đến kết thúc (trả kết quả)."))
    to_end = _reachable(END, backward)
    for step in graph.steps:
        if step.key not in from_start:
            errors.append(
                _("Bước “%(name)s” không thể đến được từ bước bắt đầu.") % {"name": step.name}
            )
        elif step.key not in to_end:
            errors.append(
                _("Bước “%(name)s” là bước cụt: không dẫn tới kết thúc.") % {"name": step.name}
            )
    if max_days is not None:
        limit = max_days * HOURS_PER_DAY
        if graph.budget_hours > limit:
            errors.append(
                _(
                    "Tổng thời gian các bước (%(total)s giờ) vượt quá thời hạn giải quyết "
                    "(%(limit)s giờ làm việc)."
                )
                % {"total": _fmt(graph.budget_hours), "limit": _fmt(limit)}
            )
    return errors


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def validate_definition(definition: Any, *, max_days: Decimal | None = None) -> list[str]:
    graph, errors = parse_graph(definition)
    if graph is None:
        return errors
    return check_graph(graph, max_days=max_days)


def _step(key: str, name: str, role: Role, holder: str, hours: int) -> dict[str, Any]:
    return {"key": key, "name": name, "role": role.value, "holder": holder, "budget_hours": hours}


def _move(source: str, action: Action, target: str) -> dict[str, str]:
    return {"from": source, "action": action.value, "to": target}


#: The templates shipped with the project (``manage.py seed_workflows``).
SEED_TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "mot-buoc-cap-xa",
        "name": "Một bước cấp xã",
        "description": "Bộ phận một cửa cấp xã tiếp nhận, công chức xử lý và trả kết quả ngay.",
        "definition": {
            "start": "tiep_nhan_xu_ly",
            "steps": [
                _step(
                    "tiep_nhan_xu_ly",
                    "Tiếp nhận và giải quyết",
                    Role.ONE_STOP_OFFICER,
                    "receiving",
                    4,
                ),
            ],
            "transitions": [_move("tiep_nhan_xu_ly", Action.RETURN, END)],
        },
    },
    {
        "key": "ba-buoc-cap-so",
        "name": "Ba bước cấp sở",
        "description": "Tiếp nhận → chuyên viên thẩm định → lãnh đạo phê duyệt, ký.",
        "definition": {
            "start": "tiep_nhan",
            "steps": [
                _step("tiep_nhan", "Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, "receiving", 4),
                _step("tham_dinh", "Chuyên viên thẩm định", Role.SPECIALIST, "processing", 12),
                _step("phe_duyet", "Lãnh đạo phê duyệt, ký", Role.LEADER, "processing", 4),
                _step("tra_ket_qua", "Trả kết quả", Role.ONE_STOP_OFFICER, "receiving", 2),
            ],
            "transitions": [
                _move("tiep_nhan", Action.FORWARD, "tham_dinh"),
                _move("tham_dinh", Action.FORWARD, "phe_duyet"),
                _move("phe_duyet", Action.SEND_BACK, "tham_dinh"),
                _move("phe_duyet", Action.SIGN, "tra_ket_qua"),
                _move("tra_ket_qua", Action.RETURN, END),
            ],
        },
    },
    {
        "key": "trong-ngay",
        "name": "Giải quyết trong ngày",
        "description": "Tiếp nhận → chuyên viên xử lý → lãnh đạo ký, trong một ngày làm việc.",
        "definition": {
            "start": "tiep_nhan",
            "steps": [
                _step("tiep_nhan", "Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, "receiving", 2),
                _step("xu_ly", "Chuyên viên xử lý", Role.SPECIALIST, "processing", 4),
                _step("ky", "Lãnh đạo ký", Role.LEADER, "processing", 2),
            ],
            "transitions": [
                _move("tiep_nhan", Action.FORWARD, "xu_ly"),
                _move("xu_ly", Action.FORWARD, "ky"),
                _move("ky", Action.SEND_BACK, "xu_ly"),
                _move("ky", Action.SIGN, END),
            ],
        },
    },
    {
        "key": "lien-thong",
        "name": "Liên thông",
        "description": "Tiếp nhận → chuyên viên → xin ý kiến cơ quan khác → lãnh đạo.",
        "definition": {
            "start": "tiep_nhan",
            "steps": [
                _step("tiep_nhan", "Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, "receiving", 4),
                _step("chuyen_vien", "Chuyên viên xử lý", Role.SPECIALIST, "processing", 12),
                _step(
                    "xin_y_kien",
                    "Cơ quan liên thông cho ý kiến",
                    Role.SPECIALIST,
                    "agency:lien-thong",
                    16,
                ),
                _step("phe_duyet", "Lãnh đạo phê duyệt, ký", Role.LEADER, "processing", 4),
                _step("tra_ket_qua", "Trả kết quả", Role.ONE_STOP_OFFICER, "receiving", 2),
            ],
            "transitions": [
                _move("tiep_nhan", Action.FORWARD, "chuyen_vien"),
                _move("chuyen_vien", Action.CONSULT, "xin_y_kien"),
                _move("xin_y_kien", Action.JOIN, "chuyen_vien"),
                _move("chuyen_vien", Action.FORWARD, "phe_duyet"),
                _move("phe_duyet", Action.SEND_BACK, "chuyen_vien"),
                _move("phe_duyet", Action.APPROVE, "tra_ket_qua"),
                _move("tra_ket_qua", Action.RETURN, END),
            ],
        },
    },
]


def default_workflow_key(days: object) -> str:
    """The shipped workflow for a procedure decided within ``days`` working
    days: the one-day workflow up to two days, the department workflow
    beyond (and when the time is unknown)."""
    return "trong-ngay" if days is not None and float(str(days)) <= 2 else "ba-buoc-cap-so"
