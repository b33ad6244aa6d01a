"""Every change to a dossier. One service per action of the lifecycle
(docs/developers/dossiers.md): ``dossier_<verb>(*, dossier, actor,
expected_version, …, now=None)``.

Each service checks the state, who the actor is and ``expected_version``;
then, in one transaction, moves the cached row with a compare-and-set
(``UPDATE … WHERE version = expected``), appends exactly one hash-chained
:class:`DossierEvent` and keeps the pause, appointment and step-run rows in
step. Or it changes nothing and raises a :class:`DomainError` with a stable
code.
"""

from __future__ import annotations

import datetime
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F, Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import PROVINCE_WIDE_ROLES, Applicant, Role, RoleAssignment, User
from motcua.calendar import services as calendar
from motcua.catalog import eforms
from motcua.catalog.models import (
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    DocumentComponent,
    EForm,
    ProcedureVersion,
    ProcessingTime,
    TimeUnit,
    VersionStatus,
    WorkflowTemplateVersion,
)
from motcua.catalog.workflows import END, Graph, Step, parse_graph
from motcua.core.errors import Conflict, DomainError, PermissionDenied
from motcua.core.limits import clean_form_data
from motcua.core.text import fold
from motcua.dossiers import attachments as files
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.hashing import event_hash
from motcua.dossiers.models import (
    AppointmentChange,
    Channel,
    Delivery,
    DocumentKind,
    Dossier,
    DossierAccessLog,
    DossierCounter,
    DossierEvent,
    FormSet,
    PauseInterval,
    StepRun,
)
from motcua.dossiers.states import (
    PAUSE_RECORDED_STATES,
    TERMINAL_STATES,
    State,
    moment_text,
    national_status,
)
from motcua.units.models import Agency

_M = TypeVar("_M", bound=Model)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: Working hours the one-stop unit has to accept or refuse an online dossier.
RECEPTION_HOURS = 8
#: The first day dossiers are handled with the Circular 03/2025 form set.
FORM_SET_2025_FROM = datetime.date(2025, 9, 15)
APPLICANT_ROLE = "applicant"

_CHANNEL_TO_CATALOG = {Channel.ONLINE: "online", Channel.COUNTER: "in_person", Channel.POST: "post"}
_CLOSED = TERMINAL_STATES | {State.RESULT_READY}
#: Workflow actions that ``forward`` does not take (they have their own service).
_NOT_FORWARD = frozenset({"send_back", "consult", "join"})
_STEP_STATES = frozenset({State.PROCESSING, State.SUPPLEMENTING, State.AWAITING_PAYMENT})


# ---------------------------------------------------------------- helpers


def _now(now: datetime.datetime | None) -> datetime.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("now must be an aware datetime")
    return moment


def _not_allowed(dossier: Dossier, action: str) -> DomainError:
    return DomainError(
        _("Không thể thực hiện thao tác “%(action)s” khi hồ sơ ở trạng thái “%(state)s”.")
        % {"action": action, "state": State(dossier.state).label},
        code="action_not_allowed",
    )


def _consultation_pending() -> DomainError:
    return DomainError(
        _("Đang chờ ý kiến của đơn vị được xin ý kiến; chưa thể chuyển bước."),
        code="consultation_pending",
    )


#: Set by ``selectors.dossier_act`` on a dossier read for an action: the
#: access-log row (user id, channel) that the action writes in its transaction.
PENDING_LOG_ATTR = "_motcua_pending_access_log"


def write_access_log(
    dossier_id: int, user_id: int | None, channel: str, *, at: datetime.datetime | None = None
) -> None:
    """One access-log row: a single ``INSERT`` (no ``RETURNING``, no model)."""
    table = DossierAccessLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (dossier_id, user_id, channel, at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [dossier_id, user_id, channel, at or timezone.now()],
        )


def _conflict() -> Conflict:
    return Conflict(
        _("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thực hiện lại thao tác."),
        code="dossier_version_conflict",
    )


def _province(dossier: Dossier) -> str | None:
    return dossier.province_code or None


def _working_seconds(dossier: Dossier, start: datetime.datetime, end: datetime.datetime) -> int:
    delta = calendar.working_time_between(start=start, end=end, province_code=_province(dossier))
    return int(delta.total_seconds())


def _add_seconds(
    province_code: str | None, start: datetime.datetime, seconds: int
) -> datetime.datetime:
    return calendar.add_working_time(
        start=start, duration=datetime.timedelta(seconds=seconds), province_code=province_code
    )


def _add_hours(
    province_code: str | None, start: datetime.datetime, hours: Decimal | int
) -> datetime.datetime:
    seconds = int(Decimal(hours) * 3600)
    return calendar.add_working_time(
        start=start, duration=datetime.timedelta(seconds=seconds), province_code=province_code
    )


@lru_cache(maxsize=256)
def _parse_cached(workflow_id: int, definition_json: str) -> Graph | None:
    graph, _errors = parse_graph(json.loads(definition_json))
    return graph


# ------------------------------------------------------ per-process caches
#
# A dossier pins one ConfiguredProcedureVersion for its whole life and a
# published version never changes, so the version, its workflow graph,
# procedure version (name, code), e-form and processing time are cached per
# process by id: the hot paths load the dossier row without joins. Agencies
# can be renamed, so they are cached for AGENCY_TTL seconds only. Saving or
# deleting any of these rows in this process empties the caches (and
# ``attachments.components_of.cache_clear()`` does too: tests reuse row ids
# after a rollback).

#: Large catalogue columns a dossier never needs.
VERSION_DEFERRED = tuple(
    f"procedure_version__{name}"
    for name in (
        "search_text",
        "processing_note",
        "fees_note",
        "result",
        "legal_basis",
        "sources",
        "agency_text",
    )
)
#: Seconds an agency row (name, public id) is reused from memory.
AGENCY_TTL = 60.0


@dataclass
class _Pinned:
    cpv: ConfiguredProcedureVersion
    graph: Graph | None
    processing: dict[str, tuple[Decimal, str]] = field(default_factory=dict)


_PINNED: dict[int, _Pinned] = {}
_AGENCIES: dict[int, tuple[float, Agency]] = {}


def clear_caches() -> None:
    """Forget every cached version, graph and agency (this process)."""
    _PINNED.clear()
    _AGENCIES.clear()
    _parse_cached.cache_clear()


files.components_of.clear_hooks.append(clear_caches)


def _on_catalog_change(**_kwargs: Any) -> None:
    clear_caches()


for _model in (
    ConfiguredProcedureVersion,
    WorkflowTemplateVersion,
    ProcedureVersion,
    EForm,
    ProcessingTime,
    DocumentComponent,
    Agency,
):
    post_save.connect(_on_catalog_change, sender=_model, dispatch_uid=f"dossiers-cache-{_model}")
    post_delete.connect(
        _on_catalog_change, sender=_model, dispatch_uid=f"dossiers-cache-del-{_model}"
    )


def _pinned(cpv_id: int) -> _Pinned:
    entry = _PINNED.get(cpv_id)
    if entry is not None:
        return entry
    cpv = (
        ConfiguredProcedureVersion.objects.select_related("workflow", "procedure_version", "eform")
        .defer(*VERSION_DEFERRED)
        .get(pk=cpv_id)
    )
    graph = None
    if cpv.workflow is not None:
        graph, _errors = parse_graph(cpv.workflow.definition)
    entry = _Pinned(cpv=cpv, graph=graph)
    if cpv.workflow is None or cpv.workflow.status == VersionStatus.PUBLISHED:
        if len(_PINNED) >= 4096:
            _PINNED.clear()
        _PINNED[cpv_id] = entry
    return entry


def pinned_version(cpv_id: int) -> ConfiguredProcedureVersion:
    """The configured procedure version ``cpv_id`` with its workflow,
    procedure version and e-form (cached per process)."""
    return _pinned(cpv_id).cpv


def _remember(cpv: ConfiguredProcedureVersion, agency: Agency) -> None:
    """Seed the caches with the rows a submission already loaded (the
    version with its workflow and procedure version, the receiving agency),
    so the reads and actions that follow start warm."""
    if cpv.pk not in _PINNED:
        cpv_fields = ConfiguredProcedureVersion._meta
        if all(
            cpv_fields.get_field(name).is_cached(cpv)  # type: ignore[union-attr]
            for name in ("workflow", "procedure_version", "eform")
        ):
            workflow = cpv.workflow
            if workflow is None or workflow.status == VersionStatus.PUBLISHED:
                graph = parse_graph(workflow.definition)[0] if workflow is not None else None
                _PINNED[cpv.pk] = _Pinned(cpv=cpv, graph=graph)
        else:
            _pinned(cpv.pk)
    if agency.pk not in _AGENCIES:
        _AGENCIES[agency.pk] = (time.monotonic(), agency)


def pinned_graph(cpv_id: int) -> Graph | None:
    """The parsed workflow of the pinned version ``cpv_id`` (None when it
    has none or it is invalid)."""
    return _pinned(cpv_id).graph


def agencies_by_id(ids: Sequence[int | None]) -> dict[int, Agency]:
    """The agencies ``ids`` (one query for those not cached in the last
    :data:`AGENCY_TTL` seconds; none when all are)."""
    now = time.monotonic()
    found: dict[int, Agency] = {}
    missing = []
    for pk in ids:
        if pk is None or pk in found:
            continue
        hit = _AGENCIES.get(pk)
        if hit is not None and now - hit[0] < AGENCY_TTL:
            found[pk] = hit[1]
        else:
            missing.append(pk)
    if missing:
        if len(_AGENCIES) >= 8192:
            _AGENCIES.clear()
        for agency in Agency.objects.filter(pk__in=missing):
            _AGENCIES[agency.pk] = (now, agency)
            found[agency.pk] = agency
    return found


_RELATED_AGENCIES = ("receiving_agency", "processing_agency", "holder_agency")


def attach_related(dossier: Dossier) -> Dossier:
    """Fill ``dossier``'s configured procedure version (with workflow and
    procedure version) and its receiving, processing and holding agencies
    from the caches, so reading them costs no query."""
    fields = Dossier._meta
    cpv_field = fields.get_field("configured_procedure_version")
    if not cpv_field.is_cached(dossier):
        cpv_field.set_cached_value(dossier, pinned_version(dossier.configured_procedure_version_id))
    wanted = [
        name
        for name in _RELATED_AGENCIES
        if not fields.get_field(name).is_cached(dossier)  # type: ignore[union-attr]
    ]
    if wanted:
        agencies = agencies_by_id([getattr(dossier, f"{name}_id") for name in wanted])
        for name in wanted:
            pk = getattr(dossier, f"{name}_id")
            fields.get_field(name).set_cached_value(  # type: ignore[union-attr]
                dossier, agencies.get(pk) if pk is not None else None
            )
    return dossier


# ------------------------------------------------------- compiled reads


#: Stand for the parameter of a :class:`PreparedRead` while it is compiled.
TEXT_MARKER = "\x00motcua-prepared-parameter\x00"
INT_MARKER = -8_070_450_532_247_928_831


def _column_name(col: Any, alias: str | None) -> str:
    target = getattr(col, "target", None)
    return str(target.attname) if target is not None else str(alias)


class PreparedRead:
    """A read whose SQL Django compiles once per database connection: later
    calls only execute it and apply the backend's value converters. For the
    hot reads, where compiling the ORM query cost more CPU than running it.
    ``build(*markers)`` returns the queryset; each marker (:data:`TEXT_MARKER`
    or :data:`INT_MARKER`, told by ``markers``) must appear exactly once among
    its parameters; ``rows(*values)`` puts the values in their places."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *,
        markers: tuple[str | int, ...] = (TEXT_MARKER,),
    ) -> None:
        self._build = build
        self._markers = markers
        self._compiled: dict[int, tuple[str, list[Any], list[int], Any, Any, list[str]]] = {}

    def _compile(self, alias: str) -> tuple[str, list[Any], list[int], Any, Any, list[str]]:
        conn = connections[alias]
        entry = self._compiled.get(id(conn))
        if entry is None:
            # Distinct stand-ins for equal kinds of marker.
            stand_ins = [
                m if i == 0 else (m + i if isinstance(m, int) else f"{m}{i}")
                for i, m in enumerate(self._markers)
            ]
            queryset = self._build(*stand_ins)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            positions = []
            for marker in stand_ins:
                found = [i for i, p in enumerate(params) if type(p) is type(marker) and p == marker]
                assert len(found) == 1, "each marker must appear once among the parameters"
                positions.append(found[0])
            converters = compiler.get_converters([col for col, _ann, _alias in compiler.select])
            names = [_column_name(col, alias_) for col, _ann, alias_ in compiler.select]
            entry = (sql, list(params), positions, compiler, converters, names)
            self._compiled[id(conn)] = entry
        return entry

    def rows(self, *values: Any, using: str = "default") -> list[tuple[Any, ...]]:
        sql, params, positions, compiler, converters, _names = self._compile(using)
        params = params.copy()
        for position, value in zip(positions, values, strict=True):
            params[position] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters and rows:
            return [tuple(r) for r in compiler.apply_converters(rows, converters)]
        return [tuple(r) for r in rows]

    def models(self, model: type[_M], *values: Any, using: str = "default") -> list[_M]:
        """The rows as ``model`` instances (``Model.from_db``), for a
        queryset of ``model`` with no ``select_related``."""
        names = self._compile(using)[5]
        return [model.from_db(using, names, row) for row in self.rows(*values, using=using)]


# ------------------------------------------------------------------ roles

#: (agency id, role, the agency's province id) of one role assignment.
RoleRow = tuple[int, str, int | None]
_PROVINCE_WIDE = frozenset(str(r) for r in PROVINCE_WIDE_ROLES)
_ROLES_ATTR = "_motcua_actor_roles"
_ROLES = PreparedRead(
    lambda user_id: RoleAssignment.objects.filter(user_id=user_id).values_list(
        "agency_id", "role", "agency__province_id"
    ),
    markers=(INT_MARKER,),
)


def roles_of(user: User, *, dossier: Dossier | None = None) -> tuple[RoleRow, ...]:
    """``user``'s role assignments (one query). Loaded once per dossier
    request: the rows are kept on ``dossier`` for the same user, so a read
    followed by an action on it checks access and holder with one query."""
    if not user.is_authenticated or user.pk is None:
        return ()
    if dossier is not None:
        kept = getattr(dossier, _ROLES_ATTR, None)
        if kept is not None and kept[0] == user.pk:
            return kept[1]  # type: ignore[no-any-return]
    rows: tuple[RoleRow, ...] = tuple(_ROLES.rows(user.pk))
    if dossier is not None:
        setattr(dossier, _ROLES_ATTR, (user.pk, rows))
    return rows


def holds_role(
    rows: Sequence[RoleRow],
    *,
    agency_id: int,
    province_id: int | None,
    roles: Sequence[str] | None = None,
) -> bool:
    """Whether ``rows`` give one of ``roles`` (any role when None) in the
    agency: directly, or by a province-wide role of its province (the rule
    of ``accounts.selectors.agencies_for_user``)."""
    wanted = None if roles is None else {str(r) for r in roles}
    for row_agency, role, row_province in rows:
        if wanted is not None and role not in wanted:
            continue
        if row_agency == agency_id:
            return True
        if role in _PROVINCE_WIDE and row_province is not None and row_province == province_id:
            return True
    return False


def _has_role(
    actor: User, agency: Agency, roles: Sequence[str], *, dossier: Dossier | None = None
) -> bool:
    return holds_role(
        roles_of(actor, dossier=dossier),
        agency_id=agency.pk,
        province_id=agency.province_id,
        roles=roles,
    )


def workflow_graph(cpv: ConfiguredProcedureVersion) -> Graph:
    """The pinned workflow of a configured procedure version (published
    workflow versions are immutable, so the parsed graph is cached)."""
    entry = _PINNED.get(cpv.pk) if cpv.pk is not None else None
    if entry is not None:
        graph = entry.graph
        if graph is None:
            raise DomainError(
                _("Quy trình xử lý của thủ tục không hợp lệ.")
                if entry.cpv.workflow is not None
                else _("Thủ tục chưa được gắn quy trình xử lý."),
                code="workflow_invalid" if entry.cpv.workflow is not None else "workflow_missing",
            )
        return graph
    workflow = cpv.workflow
    if workflow is None:
        raise DomainError(_("Thủ tục chưa được gắn quy trình xử lý."), code="workflow_missing")
    graph = _parse_cached(workflow.pk, json.dumps(workflow.definition, sort_keys=True))
    if graph is None:
        raise DomainError(_("Quy trình xử lý của thủ tục không hợp lệ."), code="workflow_invalid")
    return graph


def _dossier_graph(dossier: Dossier) -> Graph:
    return workflow_graph(_pinned(dossier.configured_procedure_version_id).cpv)


def _step(graph: Graph, key: str) -> Step:
    for step in graph.steps:
        if step.key == key:
            return step
    raise DomainError(
        _("Bước “%(key)s” không có trong quy trình.") % {"key": key}, code="step_unknown"
    )


def _step_agency(dossier: Dossier, step: Step) -> Agency:
    """The agency that holds ``step``. ``department:<name>`` is held by the
    processing agency (departments are not modelled yet)."""
    if step.holder == "receiving":
        return _agency(dossier, "receiving_agency")
    kind, _sep, rest = step.holder.partition(":")
    if kind == "agency":
        agency = Agency.objects.filter(public_id=rest).first()
        if agency is None:
            raise DomainError(
                _("Không tìm thấy cơ quan “%(agency)s” của bước “%(step)s”.")
                % {"agency": rest, "step": step.name},
                code="step_agency_missing",
            )
        return agency
    return _agency(dossier, "processing_agency")


def _agency(dossier: Dossier, name: str) -> Agency:
    """``dossier``'s related agency ``name`` (from the instance, else the
    agency cache)."""
    if Dossier._meta.get_field(name).is_cached(dossier):  # type: ignore[union-attr]
        agency = getattr(dossier, name)
        assert isinstance(agency, Agency)
        return agency
    attach_related(dossier)
    agency = getattr(dossier, name)
    assert isinstance(agency, Agency)
    return agency


def _holder(dossier: Dossier) -> Agency | None:
    if dossier.holder_agency_id is None:
        return None
    return _agency(dossier, "holder_agency")


def _require_role(
    actor: User,
    agency: Agency,
    roles: Sequence[str],
    *,
    code: str,
    dossier: Dossier | None = None,
) -> None:
    if not _has_role(actor, agency, roles, dossier=dossier):
        raise PermissionDenied(
            _("Bạn không có vai trò phù hợp tại đơn vị “%(agency)s” để thực hiện thao tác này.")
            % {"agency": agency.name},
            code=code,
        )


def _is_applicant(dossier: Dossier, actor: User) -> bool:
    return actor.pk is not None and (
        dossier.submitted_by_id == actor.pk or dossier.applicant.user_id == actor.pk
    )


def _require_applicant(dossier: Dossier, actor: User) -> None:
    if not _is_applicant(dossier, actor):
        raise PermissionDenied(
            _("Chỉ người nộp hồ sơ mới được thực hiện thao tác này."), code="not_applicant"
        )


def _require_holder(dossier: Dossier, actor: User, *, allow_leader: bool = False) -> str:
    """Check that ``actor`` holds the current step; return the role acted in
    (the actor's role assignments are read once, then checked in Python)."""
    step = _step(_dossier_graph(dossier), dossier.current_step)
    agency = (
        _agency(dossier, "holder_agency")
        if dossier.holder_agency_id is not None
        else _step_agency(dossier, step)
    )
    named_ok = dossier.holder_user_id is None or dossier.holder_user_id == actor.pk
    if named_ok and _has_role(actor, agency, [step.role], dossier=dossier):
        return step.role
    if allow_leader and _has_role(actor, agency, [Role.LEADER], dossier=dossier):
        return str(Role.LEADER)
    raise PermissionDenied(
        _("Bạn không phải người đang giữ hồ sơ ở bước “%(step)s”.") % {"step": step.name},
        code="not_step_holder",
    )


def _reasons(values: Sequence[str] | None, *, code: str = "reasons_required") -> list[str]:
    cleaned = [v.strip() for v in values or [] if v and v.strip()]
    if not cleaned:
        raise DomainError(_("Vui lòng nêu rõ lý do."), code=code)
    return cleaned


def _processing_time(cpv: ConfiguredProcedureVersion, channel: str) -> tuple[Decimal, str]:
    if cpv.processing_days is not None:
        return cpv.processing_days, cpv.processing_unit
    entry = _PINNED.get(cpv.pk)
    if entry is not None and channel in entry.processing:
        return entry.processing[channel]
    row = (
        ProcessingTime.objects.filter(
            version_id=cpv.procedure_version_id,
            channel=_CHANNEL_TO_CATALOG.get(Channel(channel), "online"),
            days__isnull=False,
        ).first()
        or ProcessingTime.objects.filter(
            version_id=cpv.procedure_version_id, days__isnull=False
        ).first()
    )
    if row is None or row.days is None:
        raise DomainError(
            _("Thủ tục chưa có thời hạn giải quyết nên không thể hẹn ngày trả kết quả."),
            code="processing_time_unknown",
        )
    if entry is not None:
        entry.processing[channel] = (row.days, row.unit)
    return row.days, row.unit


def _appointment(dossier: Dossier, start: datetime.datetime) -> datetime.datetime:
    days, unit = _processing_time(
        _pinned(dossier.configured_procedure_version_id).cpv, dossier.channel
    )
    if unit == TimeUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(start=start, days=days, province_code=_province(dossier))
    return calendar.add_working_days(start=start, days=days, province_code=_province(dossier))


# ------------------------------------------------------------- the engine


@dataclass
class _StepStart:
    step: Step
    agency: Agency
    due_at: datetime.datetime


@dataclass
class _Change:
    """What one action does, handed to :func:`_apply`."""

    action: str
    to_state: str
    actor_role: str = ""
    actor_agency: Agency | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    to_step: str | None = None  # None: unchanged
    start: _StepStart | None = None
    due_at: datetime.datetime | None = None
    set_due: bool = False
    step_due_at: datetime.datetime | None = None
    appointment: tuple[datetime.datetime, str, bool] | None = None
    step_user: User | None = None
    extra: Callable[[], None] | None = None
    working_seconds: int | None = None
    branch_start: _StepStart | None = None
    branch_end: str = ""
    #: Refuse (``consultation_pending``) when a consultation is open; checked
    #: inside the transaction by the step-run update.
    no_open_branches: bool = False


def _build_event(
    dossier: Dossier,
    *,
    seq: int,
    change: _Change,
    actor: User | None,
    from_state: str,
    from_step: str,
    to_step: str,
    at: datetime.datetime,
    working_seconds: int,
) -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        action=change.action,
        actor=actor,
        actor_role=change.actor_role,
        actor_agency=change.actor_agency,
        from_state=from_state,
        to_state=change.to_state,
        from_step=from_step,
        to_step=to_step,
        at=at,
        working_seconds=working_seconds,
        payload=change.payload,
        prev_hash=dossier.last_hash,
    )
    event.hash = event_hash(event, dossier_public_id=str(dossier.public_id))
    return event


def _prepare(change: _Change, dossier: Dossier, now: datetime.datetime) -> None:
    """Fill the payload and fields that every action derives the same way."""
    if change.start is not None:
        change.to_step = change.start.step.key
        change.step_due_at = change.start.due_at
        change.due_at = change.start.due_at
        change.set_due = True
        change.fields.update(
            holder_agency=change.start.agency, holder_role=change.start.step.role, holder_user=None
        )
    if change.appointment is not None:
        new, reason, lateness = change.appointment
        change.payload["appointment_at"] = moment_text(new)
        change.fields["appointment_at"] = new
        if dossier.first_appointment_at is None:
            change.fields.update(first_appointment_at=new, accepted_at=now)
        else:
            change.payload["appointment_reason"] = reason
            change.payload["lateness"] = lateness
    if change.step_due_at is not None:
        change.payload["step_due_at"] = moment_text(change.step_due_at)
    if change.to_state in _CLOSED:
        change.to_step = ""
        change.due_at, change.set_due = None, True
        if dossier.finished_at is None:
            change.fields["finished_at"] = now
        if change.to_state == State.RESULT_READY:
            change.fields.update(
                holder_agency=_agency(dossier, "receiving_agency"),
                holder_role=str(Role.ONE_STOP_OFFICER),
                holder_user=None,
            )
        else:
            change.fields.update(holder_agency=None, holder_role="", holder_user=None)
    if change.set_due:
        change.payload["due_at"] = moment_text(change.due_at)
        change.fields["due_at"] = change.due_at


def _apply(
    dossier: Dossier,
    *,
    actor: User | None,
    expected_version: int,
    change: _Change,
    now: datetime.datetime,
    files: Sequence[Attachment] = (),
    files_kind: str = DocumentKind.SUPPLEMENT,
) -> Dossier:
    """Run ``change``: compare-and-set, one event, step runs, pauses,
    appointment history and the ``files`` the action adds (of ``files_kind``),
    all in one transaction."""
    if files:
        assert actor is not None
        _attach(
            change,
            dossier=dossier,
            actor=actor,
            kind=files_kind,
            attachments=files,
            expected_version=expected_version,
            now=now,
        )
    if dossier.version != expected_version:
        raise _conflict()
    if dossier.last_event_at is not None and now < dossier.last_event_at:
        raise DomainError(
            _("Thời điểm thao tác không được sớm hơn thao tác trước đó của hồ sơ."),
            code="moment_before_previous_event",
        )
    _prepare(change, dossier, now)
    from_state, from_step = dossier.state, dossier.current_step
    to_step = from_step if change.to_step is None else change.to_step
    if change.working_seconds is not None:
        ws = change.working_seconds
    elif dossier.last_event_at is not None:
        ws = _working_seconds(dossier, dossier.last_event_at, now)
    else:
        ws = 0
    seq = expected_version + 1
    event = _build_event(
        dossier,
        seq=seq,
        change=change,
        actor=actor,
        from_state=from_state,
        from_step=from_step,
        to_step=to_step,
        at=now,
        working_seconds=ws,
    )
    fields: dict[str, Any] = {
        "state": change.to_state,
        "national_status": national_status(change.to_state, last_action=change.action),
        "version": seq,
        "last_event_at": now,
        "last_hash": event.hash,
        "current_step": to_step,
        **change.fields,
    }
    step_open = from_state in _STEP_STATES and bool(from_step)
    closing = step_open and (to_step != from_step or change.to_state in _CLOSED)
    pending_log = getattr(dossier, PENDING_LOG_ATTR, None)
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, version=expected_version).update(**fields)
        if updated != 1:
            raise _conflict()
        event.save(force_insert=True)
        if step_open:
            open_runs = StepRun.objects.filter(dossier=dossier, ended_at__isnull=True)
            charged = ws if from_state == State.PROCESSING else 0
            run_update: dict[str, Any] = {}
            if closing:
                run_update["ended_at"] = now
            elif change.step_due_at is not None:
                run_update["due_at"] = change.step_due_at
            if change.step_user is not None:
                run_update["user"] = change.step_user
            if change.no_open_branches:
                # One statement for the main step: under the row lock taken
                # by the compare-and-set, more than one open run means an
                # open consultation, and the whole action rolls back.
                if charged:
                    run_update["consumed_seconds"] = F("consumed_seconds") + charged
                if open_runs.update(**(run_update or {"ended_at": None})) > 1:
                    raise _consultation_pending()
            else:
                if charged:
                    # The main step and any open consultation share the clock.
                    open_runs.update(consumed_seconds=F("consumed_seconds") + charged)
                if run_update:
                    open_runs.filter(parent_step="").update(**run_update)
                if change.to_state in _CLOSED:
                    open_runs.exclude(parent_step="").update(ended_at=now)
        if change.branch_end:
            StepRun.objects.filter(
                dossier=dossier, ended_at__isnull=True, step_key=change.branch_end
            ).exclude(parent_step="").update(ended_at=now)
        if change.branch_start is not None:
            StepRun.objects.create(
                dossier=dossier,
                step_key=change.branch_start.step.key,
                parent_step=from_step,
                agency=change.branch_start.agency,
                role=change.branch_start.step.role,
                started_at=now,
                due_at=change.branch_start.due_at,
            )
        if change.start is not None and change.to_state == State.PROCESSING:
            StepRun.objects.create(
                dossier=dossier,
                step_key=change.start.step.key,
                agency=change.start.agency,
                role=change.start.step.role,
                started_at=now,
                due_at=change.start.due_at,
            )
        if change.to_state in PAUSE_RECORDED_STATES and from_state not in PAUSE_RECORDED_STATES:
            PauseInterval.objects.create(dossier=dossier, kind=change.to_state, started_at=now)
        if from_state in PAUSE_RECORDED_STATES and change.to_state not in PAUSE_RECORDED_STATES:
            PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True).update(
                ended_at=now
            )
        if change.appointment is not None and dossier.first_appointment_at is not None:
            new, reason, lateness = change.appointment
            AppointmentChange.objects.create(
                dossier=dossier,
                previous=dossier.appointment_at,
                new=new,
                reason=reason,
                lateness=lateness,
                at=now,
            )
        if change.extra is not None:
            change.extra()
        if pending_log is not None:
            # The read that led to this action, logged in its transaction.
            write_access_log(dossier.pk, pending_log[0], pending_log[1], at=now)
    if pending_log is not None:  # committed with the action
        delattr(dossier, PENDING_LOG_ATTR)
    for name, value in fields.items():
        setattr(dossier, name, value)
    return dossier


def _first_step(dossier: Dossier, now: datetime.datetime) -> _StepStart:
    graph = _dossier_graph(dossier)
    step = _step(graph, graph.start)
    return _StepStart(
        step=step,
        agency=_step_agency(dossier, step),
        due_at=_add_hours(_province(dossier), now, step.budget_hours),
    )


def _attach(
    change: _Change,
    *,
    dossier: Dossier,
    actor: User,
    kind: str,
    attachments: Sequence[Attachment],
    expected_version: int,
    now: datetime.datetime,
) -> None:
    """Check ``attachments`` now; create their rows inside the action's
    transaction, tagged with the action's event number."""
    checked = files.check_attachments(
        dossier=dossier, actor=actor, attachments=attachments, require_all=False
    )
    if not checked:
        return
    change.payload["documents"] = files.payload_of(checked)

    def create() -> None:
        files.create_documents(
            dossier=dossier,
            actor=actor,
            kind=kind,
            checked=checked,
            event_seq=expected_version + 1,
            now=now,
        )

    change.extra = create


# ------------------------------------------------------------------ submit


def _next_code(agency: Agency, day: datetime.date) -> str:
    """Take the next number of ``agency``'s counter for ``day`` with one
    atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``): no
    ``max()`` scan, no table lock, no insert race. Runs inside the caller's
    transaction, so a rolled-back submission gives its number back."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET value = {table}.value + 1 "
            "RETURNING value",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    assert row is not None
    return format_code(agency, day, int(row[0]))


def format_code(agency: Agency, day: datetime.date, number: int) -> str:
    """``{agency e-identifier}-{yyMMdd}-{NNNN}``: at least four digits,
    more past 9999."""
    prefix = agency.e_identifier or agency.public_id
    return f"{prefix}-{day:%y%m%d}-{number:04d}"


def _form_set(day: datetime.date) -> str:
    return FormSet.CIRCULAR_03_2025 if day >= FORM_SET_2025_FROM else FormSet.CIRCULAR_01_2018


def _check_form(cpv: ConfiguredProcedureVersion, form_data: Mapping[str, Any]) -> dict[str, Any]:
    """``form_data`` bounded and in NFC (``core.limits``: tighter without an
    e-form) and valid against the e-form; the cleaned copy to store."""
    data = clean_form_data(form_data, with_eform=cpv.eform is not None)
    if cpv.eform is None:
        return data
    errors = eforms.validate(cpv.eform.schema, data)
    if errors:
        raise DomainError(
            _("Tờ khai chưa hợp lệ, vui lòng kiểm tra lại các trường được đánh dấu."),
            code="form_invalid",
            errors=[
                {"field": path, "message": message}
                for path, messages in errors.items()
                for message in messages
            ],
        )
    return data


_BY_KEY = PreparedRead(
    lambda user_id, key: Dossier.objects.filter(submitted_by_id=user_id, idempotency_key=key)[:1],
    markers=(INT_MARKER, TEXT_MARKER),
)


def _by_key(actor: User, key: str) -> Dossier | None:
    found = _BY_KEY.models(Dossier, actor.pk, key)
    return attach_related(found[0]) if found else None


def dossier_search_text(*, applicant: Applicant, procedure_name: str) -> str:
    """The folded words a dossier is found by (its code is added when it
    is numbered)."""
    parts = [applicant.name, applicant.personal_id or "", applicant.tax_code or "", procedure_name]
    return fold(" ".join(p for p in parts if p))


def dossier_submit(
    *,
    actor: User,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    form_data: Mapping[str, Any] | None = None,
    channel: str = Channel.ONLINE,
    result_delivery: str = Delivery.ONLINE,
    idempotency_key: str | None = None,
    assisted: bool = False,
    consent_note: str = "",
    processing_agency: Agency | None = None,
    attachments: Sequence[Attachment] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """File a dossier for ``applicant`` under ``procedure``'s current
    configuration version (pinned for the dossier's whole life).

    Online or by post it waits for the one-stop check (reception clock of
    8 working hours); at the counter it is received and accepted on the spot
    and starts the first workflow step. A retry with the same
    ``idempotency_key`` by the same ``actor`` returns the first dossier."""
    now = _now(now)
    if idempotency_key:
        existing = _by_key(actor, idempotency_key)
        if existing is not None:
            return existing
    cpv = procedure.current_version
    if not procedure.is_active or cpv is None:
        raise DomainError(
            _("Thủ tục hiện không tiếp nhận hồ sơ tại đơn vị này."), code="procedure_unavailable"
        )
    if channel not in Channel.values or result_delivery not in Delivery.values:
        raise DomainError(_("Kênh nộp hoặc hình thức nhận kết quả không hợp lệ."), code="invalid")
    offered = cpv.channels or []
    if offered and _CHANNEL_TO_CATALOG[Channel(channel)] not in offered:
        raise DomainError(
            _("Thủ tục không tiếp nhận hồ sơ qua kênh này."), code="channel_not_offered"
        )
    receiving = procedure.agency
    is_applicant = actor.pk is not None and applicant.user_id == actor.pk
    if channel == Channel.COUNTER:
        _require_role(actor, receiving, [Role.ONE_STOP_OFFICER], code="not_one_stop_officer")
    elif not is_applicant:
        if not assisted:
            raise PermissionDenied(
                _(
                    "Chỉ người nộp hồ sơ được tự nộp; "
                    "nộp hộ phải được đánh dấu và ghi nhận sự đồng ý."
                ),
                code="assistance_not_declared",
            )
        if not consent_note.strip():
            raise DomainError(
                _("Nộp hộ cần ghi nhận sự đồng ý của người nộp hồ sơ."), code="consent_required"
            )
    if assisted and is_applicant:
        assisted = False
    data = _check_form(cpv, form_data or {})
    _remember(cpv, receiving)
    workflow_graph(cpv)  # a dossier is only filed under a usable workflow

    day = timezone.localtime(now, LOCAL_TZ).date()
    province = receiving.province
    dossier = Dossier(
        applicant=applicant,
        submitted_by=actor,
        channel=channel,
        assisted=assisted,
        assisted_by=actor if assisted else None,
        consent_note=consent_note.strip() if assisted else "",
        configured_procedure_version=cpv,
        receiving_agency=receiving,
        processing_agency=processing_agency or receiving,
        province_code=province.code if province else "",
        state=State.DRAFT,
        form_data=data,
        result_delivery=result_delivery,
        form_set=_form_set(day),
        submitted_at=now,
        tracking_token=secrets.token_urlsafe(12),
        idempotency_key=idempotency_key or None,
        search_text=dossier_search_text(
            applicant=applicant, procedure_name=cpv.procedure_version.name
        ),
    )
    checked = files.check_attachments(
        dossier=dossier, actor=actor, attachments=attachments, require_all=True
    )
    payload: dict[str, Any] = {"channel": channel, "assisted": assisted}
    if checked:
        payload["documents"] = files.payload_of(checked)
    if channel == Channel.COUNTER:
        change = _Change(
            action="submit",
            to_state=State.PROCESSING,
            actor_role=str(Role.ONE_STOP_OFFICER),
            actor_agency=receiving,
            payload=payload,
            start=_first_step(dossier, now),
            appointment=(_appointment(dossier, now), "", False),
        )
    else:
        change = _Change(
            action="submit",
            to_state=State.SUBMITTED,
            actor_role=APPLICANT_ROLE if is_applicant else "assistant",
            payload=payload,
            due_at=_add_hours(_province(dossier), now, RECEPTION_HOURS),
            set_due=True,
            fields={"holder_agency": receiving, "holder_role": str(Role.ONE_STOP_OFFICER)},
        )
    _prepare(change, dossier, now)
    to_step = change.to_step or ""
    try:
        with transaction.atomic():
            dossier.code = _next_code(receiving, day)
            dossier.search_text = f"{fold(dossier.code)} {dossier.search_text}"
            event = _build_event(
                dossier,
                seq=1,
                change=change,
                actor=actor,
                from_state=State.DRAFT,
                from_step="",
                to_step=to_step,
                at=now,
                working_seconds=0,
            )
            for name, value in change.fields.items():
                setattr(dossier, name, value)
            dossier.state = change.to_state
            dossier.national_status = national_status(change.to_state, last_action="submit")
            dossier.current_step = to_step
            dossier.version = 1
            dossier.last_event_at = now
            dossier.last_hash = event.hash
            dossier.save(force_insert=True)
            event.save(force_insert=True)
            files.create_documents(
                dossier=dossier,
                actor=actor,
                kind=DocumentKind.INPUT,
                checked=checked,
                event_seq=1,
                now=now,
            )
            if change.start is not None:
                StepRun.objects.create(
                    dossier=dossier,
                    step_key=change.start.step.key,
                    agency=change.start.agency,
                    role=change.start.step.role,
                    started_at=now,
                    due_at=change.start.due_at,
                )
    except IntegrityError:
        if idempotency_key:
            existing = _by_key(actor, idempotency_key)
            if existing is not None:
                return existing
        raise
    return dossier


# -------------------------------------------------------------- reception


def _require_officer(dossier: Dossier, actor: User) -> None:
    _require_role(
        actor,
        _agency(dossier, "receiving_agency"),
        [Role.ONE_STOP_OFFICER],
        code="not_one_stop_officer",
        dossier=dossier,
    )


def dossier_accept(
    *, dossier: Dossier, actor: User, expected_version: int, now: datetime.datetime | None = None
) -> Dossier:
    """Accept an online dossier (form 01): the appointment is set from the
    pinned processing time and the first workflow step starts."""
    now = _now(now)
    if dossier.state != State.SUBMITTED:
        raise _not_allowed(dossier, "accept")
    _require_officer(dossier, actor)
    late = dossier.due_at is not None and now > dossier.due_at
    change = _Change(
        action="accept",
        to_state=State.PROCESSING,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"reception_late": late},
        start=_first_step(dossier, now),
        appointment=(_appointment(dossier, now), "", False),
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def dossier_ask_to_complete(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    missing: Sequence[str] = (),
    requested: Sequence[RequestedItem] = (),
    note: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """Ask the applicant, once and in one written list, to complete the
    dossier before it is accepted (form 02). The reception clock stops.
    ``requested`` names each part to fix with a reason code."""
    now = _now(now)
    if dossier.state != State.SUBMITTED:
        raise _not_allowed(dossier, "ask_to_complete")
    _require_officer(dossier, actor)
    parts = files.requested_items_payload(dossier=dossier, items=requested)
    items = _reasons(
        list(missing) or [f"{p['reason']}: {p['text']}".rstrip(": ") for p in parts],
        code="missing_items_required",
    )
    if DossierEvent.objects.filter(dossier=dossier, action="ask_to_complete").exists():
        raise DomainError(
            _("Chỉ được yêu cầu hoàn thiện hồ sơ một lần, bằng một văn bản liệt kê đầy đủ."),
            code="completion_already_requested",
        )
    change = _Change(
        action="ask_to_complete",
        to_state=State.COMPLETING,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"missing": items, "requested": parts, "note": note.strip()},
        set_due=True,
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def _answer_fields(dossier: Dossier, form_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The applicant's corrected form, checked against the pinned e-form."""
    if form_data is None:
        return {}
    cpv = pinned_version(dossier.configured_procedure_version_id)
    return {"form_data": _check_form(cpv, form_data)}


def dossier_complete(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    form_data: Mapping[str, Any] | None = None,
    note: str = "",
    attachments: Sequence[Attachment] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant completes the dossier; a new reception clock starts."""
    now = _now(now)
    if dossier.state != State.COMPLETING:
        raise _not_allowed(dossier, "complete")
    _require_applicant(dossier, actor)
    fields = _answer_fields(dossier, form_data)
    change = _Change(
        action="complete",
        to_state=State.SUBMITTED,
        actor_role=APPLICANT_ROLE,
        payload={"note": note.strip(), "form_changed": form_data is not None},
        fields=fields,
        due_at=_add_hours(_province(dossier), now, RECEPTION_HOURS),
        set_due=True,
    )
    return _apply(
        dossier,
        actor=actor,
        expected_version=expected_version,
        change=change,
        now=now,
        files=attachments,
    )


def dossier_refuse(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reasons: Sequence[str],
    now: datetime.datetime | None = None,
) -> Dossier:
    """Refuse to accept the dossier, with reasons (form 03)."""
    now = _now(now)
    if dossier.state not in (State.SUBMITTED, State.COMPLETING):
        raise _not_allowed(dossier, "refuse")
    _require_officer(dossier, actor)
    change = _Change(
        action="refuse",
        to_state=State.REFUSED,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"reasons": _reasons(reasons)},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


# ------------------------------------------------------------- processing


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
        raise _not_allowed(dossier, verb)
    graph = _dossier_graph(dossier)
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
    role = _require_holder(dossier, actor)
    move = moves[0]
    payload: dict[str, Any] = {"via": move.action}
    if note.strip():
        payload["note"] = note.strip()
    if move.target == END:
        change = _Change(
            action=verb,
            to_state=State.RESULT_READY,
            actor_role=role,
            actor_agency=_holder(dossier),
            payload=payload,
        )
    else:
        step = _step(graph, move.target)
        start = _StepStart(
            step=step,
            agency=_step_agency(dossier, step),
            due_at=_add_hours(_province(dossier), now, step.budget_hours),
        )
        change = _Change(
            action=verb,
            to_state=State.PROCESSING,
            actor_role=role,
            actor_agency=_holder(dossier),
            payload=payload,
            start=start,
        )
    change.no_open_branches = True
    return _apply(
        dossier,
        actor=actor,
        expected_version=expected_version,
        change=change,
        now=now,
        files=result,
        files_kind=DocumentKind.RESULT,
    )


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
        now=_now(now),
    )


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
        now=_now(now),
    )


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
        now=_now(now),
        result=result,
    )


def dossier_ask_to_supplement(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reason: str,
    items: Sequence[str] = (),
    requested: Sequence[RequestedItem] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The holder asks the applicant to supplement (form 02) — once per
    dossier. The clock pauses until the applicant answers."""
    now = _now(now)
    if dossier.state != State.PROCESSING:
        raise _not_allowed(dossier, "ask_to_supplement")
    role = _require_holder(dossier, actor)
    text = _reasons([reason])[0]
    if DossierEvent.objects.filter(dossier=dossier, action="ask_to_supplement").exists():
        raise DomainError(
            _("Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai."),
            code="supplement_already_requested",
        )
    change = _Change(
        action="ask_to_supplement",
        to_state=State.SUPPLEMENTING,
        actor_role=role,
        actor_agency=_holder(dossier),
        payload={
            "reason": text,
            "items": [i.strip() for i in items if i.strip()],
            "requested": files.requested_items_payload(dossier=dossier, items=requested),
        },
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def _resume(
    dossier: Dossier,
    *,
    action: str,
    reason: str,
    actor_role: str,
    payload: dict[str, Any],
    fields: dict[str, Any],
    now: datetime.datetime,
) -> _Change:
    """Leave a pause: the appointment and the open step's deadline move by
    the working time the pause lasted (whole seconds)."""
    started = (
        PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True)
        .values_list("started_at", flat=True)
        .first()
    ) or dossier.last_event_at
    assert started is not None
    paused = max(_working_seconds(dossier, started, now), 0)
    province = _province(dossier)
    appointment = None
    step_due = dossier.due_at
    if paused:
        if dossier.appointment_at is not None:
            new = _add_seconds(province, dossier.appointment_at, paused)
            appointment = (new, reason, False)
        if step_due is not None:
            step_due = _add_seconds(province, step_due, paused)
    return _Change(
        action=action,
        to_state=State.PROCESSING,
        actor_role=actor_role,
        payload={"paused_seconds": paused, **payload},
        fields=fields,
        appointment=appointment,
        step_due_at=step_due if paused else None,
        due_at=step_due,
        set_due=bool(paused),
    )


def dossier_supplement(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    form_data: Mapping[str, Any] | None = None,
    note: str = "",
    attachments: Sequence[Attachment] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant supplements; processing resumes at the same step. The
    appointment and the step's deadline move by the working time paused."""
    now = _now(now)
    if dossier.state != State.SUPPLEMENTING:
        raise _not_allowed(dossier, "supplement")
    _require_applicant(dossier, actor)
    fields = _answer_fields(dossier, form_data)
    change = _resume(
        dossier,
        action="supplement",
        reason=_("Tạm dừng để bổ sung hồ sơ"),
        actor_role=APPLICANT_ROLE,
        payload={"note": note.strip(), "form_changed": form_data is not None},
        fields=fields,
        now=now,
    )
    return _apply(
        dossier,
        actor=actor,
        expected_version=expected_version,
        change=change,
        now=now,
        files=attachments,
    )


def dossier_ask_to_pay(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    amount_vnd: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The holder asks the applicant to meet a financial obligation (fees,
    taxes); the clock pauses until it is paid."""
    now = _now(now)
    if dossier.state != State.PROCESSING:
        raise _not_allowed(dossier, "ask_to_pay")
    role = _require_holder(dossier, actor)
    if amount_vnd <= 0:
        raise DomainError(_("Số tiền phải lớn hơn 0."), code="amount_invalid")
    change = _Change(
        action="ask_to_pay",
        to_state=State.AWAITING_PAYMENT,
        actor_role=role,
        actor_agency=_holder(dossier),
        payload={"amount_vnd": amount_vnd, "reason": _reasons([reason])[0]},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def dossier_pay(
    *,
    dossier: Dossier,
    actor: User | None,
    expected_version: int,
    reference: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The obligation is met: by the applicant, or by a payment gateway's
    confirmation (``actor=None``, called only by the payment plugin).
    Processing resumes; the appointment moves by the paused working time."""
    now = _now(now)
    if dossier.state != State.AWAITING_PAYMENT:
        raise _not_allowed(dossier, "pay")
    if actor is not None:
        _require_applicant(dossier, actor)
    change = _resume(
        dossier,
        action="pay",
        reason=_("Tạm dừng chờ thực hiện nghĩa vụ tài chính"),
        actor_role=APPLICANT_ROLE if actor is not None else "payment_gateway",
        payload={"reference": reference.strip()},
        fields={},
        now=now,
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def dossier_apologise(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    new_appointment: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Apologise and re-schedule (form 04), before the appointment passes
    and only once; the new appointment is recorded as lateness."""
    now = _now(now)
    if dossier.state not in (State.PROCESSING, State.SUPPLEMENTING, State.AWAITING_PAYMENT):
        raise _not_allowed(dossier, "apologise")
    role = _require_holder(dossier, actor, allow_leader=True)
    text = _reasons([reason])[0]
    if dossier.appointment_at is None or now >= dossier.appointment_at:
        raise DomainError(
            _("Đã quá ngày hẹn trả kết quả; văn bản xin lỗi phải gửi trước ngày hẹn."),
            code="appointment_passed",
        )
    if new_appointment <= dossier.appointment_at:
        raise DomainError(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại."), code="appointment_not_later"
        )
    if AppointmentChange.objects.filter(dossier=dossier, lateness=True).exists():
        raise DomainError(
            _("Hồ sơ chỉ được hẹn lại ngày trả kết quả một lần."), code="apology_already_made"
        )
    change = _Change(
        action="apologise",
        to_state=dossier.state,
        actor_role=role,
        actor_agency=_holder(dossier),
        payload={"reason": text},
        appointment=(new_appointment, text, True),
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


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
    now = _now(now)
    if dossier.state not in _STEP_STATES or not dossier.current_step:
        raise _not_allowed(dossier, "reassign")
    agency = _holder(dossier)
    assert agency is not None
    _require_role(actor, agency, [Role.LEADER], code="not_unit_leader", dossier=dossier)
    step = _step(_dossier_graph(dossier), dossier.current_step)
    if not _has_role(holder_user, agency, [step.role]):
        raise DomainError(
            _("Người được giao không có vai trò “%(role)s” tại đơn vị đang giữ hồ sơ.")
            % {"role": Role(step.role).label},
            code="holder_not_eligible",
        )
    change = _Change(
        action="reassign",
        to_state=dossier.state,
        actor_role=str(Role.LEADER),
        actor_agency=agency,
        payload={"holder_user": str(holder_user.public_id), "reason": reason.strip()},
        fields={"holder_user": holder_user},
        step_user=holder_user,
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def dossier_stop(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Stop processing (form 05): the holder, with the leader's approval, or
    the leader of the holding unit."""
    now = _now(now)
    if dossier.state not in _STEP_STATES:
        raise _not_allowed(dossier, "stop")
    role = _require_holder(dossier, actor, allow_leader=True)
    change = _Change(
        action="stop",
        to_state=State.STOPPED,
        actor_role=role,
        actor_agency=_holder(dossier),
        payload={"reason": _reasons([reason])[0]},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def dossier_hand_over(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    received_by: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The one-stop officer hands the result over (or records delivery)."""
    now = _now(now)
    if dossier.state != State.RESULT_READY:
        raise _not_allowed(dossier, "hand_over")
    _require_officer(dossier, actor)
    if (
        dossier.result_delivery == Delivery.ONLINE
        and not dossier.documents.filter(kind=DocumentKind.RESULT).exists()
    ):
        raise DomainError(
            _("Hồ sơ nhận kết quả trực tuyến cần có tệp kết quả trước khi trả."),
            code="result_document_missing",
        )
    change = _Change(
        action="hand_over",
        to_state=State.RETURNED,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"received_by": received_by.strip(), "note": note.strip()},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (any non-terminal state)."""
    now = _now(now)
    if dossier.state in TERMINAL_STATES or dossier.state == State.DRAFT:
        raise _not_allowed(dossier, "withdraw")
    _require_applicant(dossier, actor)
    change = _Change(
        action="withdraw",
        to_state=State.WITHDRAWN,
        actor_role=APPLICANT_ROLE,
        payload={"reason": reason.strip()},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


# ------------------------------------------------------------ consultation


def _open_branches(dossier: Dossier) -> list[StepRun]:
    return list(
        StepRun.objects.filter(dossier=dossier, ended_at__isnull=True)
        .exclude(parent_step="")
        .select_related("agency")
    )


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
    now = _now(now)
    if dossier.state != State.PROCESSING:
        raise _not_allowed(dossier, "consult")
    graph = _dossier_graph(dossier)
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
    role = _require_holder(dossier, actor)
    text = _reasons([question], code="question_required")[0]
    step = _step(graph, moves[0].target)
    if any(run.step_key == step.key for run in _open_branches(dossier)):
        raise DomainError(
            _("Đang chờ ý kiến của bước “%(step)s”.") % {"step": step.name},
            code="consultation_pending",
        )
    due = _add_hours(_province(dossier), now, step.budget_hours)
    change = _Change(
        action="consult",
        to_state=State.PROCESSING,
        actor_role=role,
        actor_agency=_holder(dossier),
        payload={"branch": step.key, "branch_due_at": moment_text(due), "question": text},
        branch_start=_StepStart(step=step, agency=_step_agency(dossier, step), due_at=due),
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


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
    now = _now(now)
    if dossier.state not in _STEP_STATES:
        raise _not_allowed(dossier, "answer")
    runs = [r for r in _open_branches(dossier) if branch is None or r.step_key == branch]
    if not runs:
        raise DomainError(
            _("Hồ sơ không có yêu cầu xin ý kiến nào đang chờ trả lời."), code="action_not_allowed"
        )
    mine = [r for r in runs if _has_role(actor, r.agency, [r.role], dossier=dossier)]
    if not mine:
        raise PermissionDenied(_("Bạn không thuộc đơn vị được xin ý kiến."), code="not_step_holder")
    run = mine[0]
    change = _Change(
        action="answer",
        to_state=dossier.state,
        actor_role=run.role,
        actor_agency=run.agency,
        payload={"branch": run.step_key, "answer": _reasons([answer], code="answer_required")[0]},
        branch_end=run.step_key,
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


#: The actions the API exposes, by name.
ACTIONS: dict[str, Callable[..., Dossier]] = {
    "accept": dossier_accept,
    "ask_to_complete": dossier_ask_to_complete,
    "complete": dossier_complete,
    "refuse": dossier_refuse,
    "forward": dossier_forward,
    "send_back": dossier_send_back,
    "consult": dossier_consult,
    "answer": dossier_answer,
    "decide": dossier_decide,
    "ask_to_supplement": dossier_ask_to_supplement,
    "supplement": dossier_supplement,
    "ask_to_pay": dossier_ask_to_pay,
    "pay": dossier_pay,
    "apologise": dossier_apologise,
    "reassign": dossier_reassign,
    "stop": dossier_stop,
    "hand_over": dossier_hand_over,
    "withdraw": dossier_withdraw,
}
