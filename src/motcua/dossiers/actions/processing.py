"""Moving a dossier along its pinned workflow: forward, send back, decide,
reassign the holder, and consultation branches (consult, answer).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.catalog.workflows import END
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers.access import (
    has_role,
    holder_agency,
    require_holder,
    require_role,
    step_agency,
)
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.caches import dossier_graph, graph_step
from motcua.dossiers.clock import add_working_hours, aware_now, province_of
from motcua.dossiers.engine import (
    STEP_STATES,
    Change,
    StepStart,
    apply_change,
    clean_reasons,
    not_allowed,
    versioned,
)
from motcua.dossiers.models import DocumentKind, Dossier, StepRun
from motcua.dossiers.states import State, moment_text

#: Workflow actions that ``forward`` does not take (they have their own service).
_NOT_FORWARD = frozenset({"send_back", "consult", "join"})


def _move(
    dossier: Dossier,
    *,
    actor: User,
    expected_version: int,
    verb: str,
    allowed: Callable[[str, str], bool],
    target: str | None,
    via: str | None,
    note: str,
    now: datetime.datetime,
    result: Sequence[Attachment] = (),
) -> Dossier:
    if dossier.state != State.PROCESSING:
        raise not_allowed(dossier, verb)
    graph = dossier_graph(dossier)
    moves = [
        t
        for t in graph.transitions
        if t.source == dossier.current_step
        and allowed(t.action, t.target)
        and (via is None or t.action == via)
        and (target is None or t.target == target)
    ]
    if not moves:
        raise DomainError(
            _("Quy trình không cho phép thao tác “%(action)s” từ bước hiện tại.")
            % {"action": verb},
            code="action_not_allowed",
        )
    if len({t.target for t in moves}) > 1:
        raise DomainError(
            _("Có nhiều bước có thể chuyển đến; vui lòng chọn bước nhận hồ sơ."),
            code="target_required",
        )
    role = require_holder(dossier, actor)
    move = moves[0]
    payload: dict[str, Any] = {"via": move.action}
    if note.strip():
        payload["note"] = note.strip()
    if move.target == END:
        change = Change(
            action=verb,
            to_state=State.RESULT_READY,
            actor_role=role,
            actor_agency=holder_agency(dossier),
            payload=payload,
        )
    else:
        step = graph_step(graph, move.target)
        start = StepStart(
            step=step,
            agency=step_agency(dossier, step),
            due_at=add_working_hours(province_of(dossier), now, step.budget_hours),
        )
        change = Change(
            action=verb,
            to_state=State.PROCESSING,
            actor_role=role,
            actor_agency=holder_agency(dossier),
            payload=payload,
            start=start,
        )
    change.no_open_branches = True
    return apply_change(
        dossier,
        actor=actor,
        expected_version=expected_version,
        change=change,
        now=now,
        files=result,
        files_kind=DocumentKind.RESULT,
    )


@versioned
def dossier_forward(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    target: str | None = None,
    via: str | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """Hand the dossier to the next step along the pinned workflow (any
    transition of the current step except ``send_back`` and those that end
    it; ``via`` picks one by its workflow action, e.g. ``approve``)."""
    return _move(
        dossier,
        actor=actor,
        expected_version=expected_version,
        verb="forward",
        allowed=lambda action, tgt: action not in _NOT_FORWARD and tgt != END,
        target=target,
        via=via,
        note=note,
        now=aware_now(now),
    )


@versioned
def dossier_send_back(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    target: str | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """Return the dossier to an earlier step along a ``send_back`` transition."""
    return _move(
        dossier,
        actor=actor,
        expected_version=expected_version,
        verb="send_back",
        allowed=lambda action, tgt: action == "send_back",
        target=target,
        via=None,
        note=note,
        now=aware_now(now),
    )


@versioned
def dossier_decide(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    via: str | None = None,
    note: str = "",
    result: Sequence[Attachment] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The holder of a last step decides (after approval and signature): the
    result is ready at the one-stop unit. ``result`` attaches the result
    documents (a signed PDF)."""
    return _move(
        dossier,
        actor=actor,
        expected_version=expected_version,
        verb="decide",
        allowed=lambda action, tgt: tgt == END,
        target=None,
        via=via,
        note=note,
        now=aware_now(now),
        result=result,
    )


@versioned
def dossier_reassign(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    holder_user: User,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The leader of the holding unit names another holder for the step."""
    now = aware_now(now)
    if dossier.state not in STEP_STATES or not dossier.current_step:
        raise not_allowed(dossier, "reassign")
    agency = holder_agency(dossier)
    assert agency is not None
    require_role(actor, agency, [Role.LEADER], code="not_unit_leader", dossier=dossier)
    step = graph_step(dossier_graph(dossier), dossier.current_step)
    if not has_role(holder_user, agency, [step.role]):
        raise DomainError(
            _("Người được giao không có vai trò “%(role)s” tại đơn vị đang giữ hồ sơ.")
            % {"role": Role(step.role).label},
            code="holder_not_eligible",
        )
    change = Change(
        action="reassign",
        to_state=dossier.state,
        actor_role=str(Role.LEADER),
        actor_agency=agency,
        payload={"holder_user": str(holder_user.public_id), "reason": reason.strip()},
        fields={"holder_user": holder_user},
        step_user=holder_user,
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


def _open_branches(dossier: Dossier) -> list[StepRun]:
    return list(
        StepRun.objects.filter(dossier=dossier, ended_at__isnull=True)
        .exclude(parent_step="")
        .select_related("agency")
    )


@versioned
def dossier_consult(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    question: str,
    target: str | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The holder asks another unit for its opinion along a ``consult``
    transition: a parallel branch opens with its own budget; the dossier
    stays at the current step, which cannot move on until every branch is
    answered."""
    now = aware_now(now)
    if dossier.state != State.PROCESSING:
        raise not_allowed(dossier, "consult")
    graph = dossier_graph(dossier)
    moves = [
        t
        for t in graph.transitions
        if t.source == dossier.current_step
        and t.action == "consult"
        and t.target != END
        and (target is None or t.target == target)
    ]
    if not moves:
        raise DomainError(
            _("Quy trình không cho phép xin ý kiến từ bước hiện tại."), code="action_not_allowed"
        )
    if len({t.target for t in moves}) > 1:
        raise DomainError(
            _("Có nhiều đơn vị có thể xin ý kiến; vui lòng chọn một bước."),
            code="target_required",
        )
    role = require_holder(dossier, actor)
    text = clean_reasons([question], code="question_required")[0]
    step = graph_step(graph, moves[0].target)
    if any(run.step_key == step.key for run in _open_branches(dossier)):
        raise DomainError(
            _("Đang chờ ý kiến của bước “%(step)s”.") % {"step": step.name},
            code="consultation_pending",
        )
    due = add_working_hours(province_of(dossier), now, step.budget_hours)
    change = Change(
        action="consult",
        to_state=State.PROCESSING,
        actor_role=role,
        actor_agency=holder_agency(dossier),
        payload={"branch": step.key, "branch_due_at": moment_text(due), "question": text},
        branch_start=StepStart(step=step, agency=step_agency(dossier, step), due_at=due),
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


@versioned
def dossier_answer(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    answer: str,
    branch: str | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The consulted unit answers; its branch closes (the join)."""
    now = aware_now(now)
    if dossier.state not in STEP_STATES:
        raise not_allowed(dossier, "answer")
    runs = [r for r in _open_branches(dossier) if branch is None or r.step_key == branch]
    if not runs:
        raise DomainError(
            _("Hồ sơ không có yêu cầu xin ý kiến nào đang chờ trả lời."), code="action_not_allowed"
        )
    mine = [r for r in runs if has_role(actor, r.agency, [r.role], dossier=dossier)]
    if not mine:
        raise PermissionDenied(_("Bạn không thuộc đơn vị được xin ý kiến."), code="not_step_holder")
    run = mine[0]
    change = Change(
        action="answer",
        to_state=dossier.state,
        actor_role=run.role,
        actor_agency=run.agency,
        payload={
            "branch": run.step_key,
            "answer": clean_reasons([answer], code="answer_required")[0],
        },
        branch_end=run.step_key,
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )
