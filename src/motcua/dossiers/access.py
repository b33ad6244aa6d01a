"""Who may act on a dossier: role assignments (read once per request),
the holder of the current step, the one-stop officer, the applicant; and the
access-log row a read writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import PROVINCE_WIDE_ROLES, Role, RoleAssignment, User
from motcua.catalog.workflows import Step
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers.caches import attach_related, dossier_graph, graph_step
from motcua.dossiers.models import Dossier, DossierAccessLog
from motcua.dossiers.prepared import INT_MARKER, PreparedRead
from motcua.units.models import Agency

APPLICANT_ROLE = "applicant"


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


def has_role(
    actor: User, agency: Agency, roles: Sequence[str], *, dossier: Dossier | None = None
) -> bool:
    """Whether ``actor`` holds one of ``roles`` at ``agency``."""
    return holds_role(
        roles_of(actor, dossier=dossier),
        agency_id=agency.pk,
        province_id=agency.province_id,
        roles=roles,
    )


def step_agency(dossier: Dossier, step: Step) -> Agency:
    """The agency that holds ``step``. ``department:<name>`` is held by the
    processing agency (departments are not modelled yet)."""
    if step.holder == "receiving":
        return related_agency(dossier, "receiving_agency")
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
    return related_agency(dossier, "processing_agency")


def related_agency(dossier: Dossier, name: str) -> Agency:
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


def holder_agency(dossier: Dossier) -> Agency | None:
    """The agency holding the dossier now (None when closed)."""
    if dossier.holder_agency_id is None:
        return None
    return related_agency(dossier, "holder_agency")


def require_role(
    actor: User,
    agency: Agency,
    roles: Sequence[str],
    *,
    code: str,
    dossier: Dossier | None = None,
) -> None:
    """Refuse (403 ``code``) unless ``actor`` holds one of ``roles`` at ``agency``."""
    if not has_role(actor, agency, roles, dossier=dossier):
        raise PermissionDenied(
            _("Bạn không có vai trò phù hợp tại đơn vị “%(agency)s” để thực hiện thao tác này.")
            % {"agency": agency.name},
            code=code,
        )


def _is_applicant(dossier: Dossier, actor: User) -> bool:
    return actor.pk is not None and (
        dossier.submitted_by_id == actor.pk or dossier.applicant.user_id == actor.pk
    )


def require_applicant(dossier: Dossier, actor: User) -> None:
    """Refuse (403 ``not_applicant``) unless ``actor`` filed the dossier or is its applicant."""
    if not _is_applicant(dossier, actor):
        raise PermissionDenied(
            _("Chỉ người nộp hồ sơ mới được thực hiện thao tác này."), code="not_applicant"
        )


def require_holder(dossier: Dossier, actor: User, *, allow_leader: bool = False) -> str:
    """Check that ``actor`` holds the current step; return the role acted in
    (the actor's role assignments are read once, then checked in Python)."""
    step = graph_step(dossier_graph(dossier), dossier.current_step)
    agency = (
        related_agency(dossier, "holder_agency")
        if dossier.holder_agency_id is not None
        else step_agency(dossier, step)
    )
    named_ok = dossier.holder_user_id is None or dossier.holder_user_id == actor.pk
    if named_ok and has_role(actor, agency, [step.role], dossier=dossier):
        return step.role
    if allow_leader and has_role(actor, agency, [Role.LEADER], dossier=dossier):
        return str(Role.LEADER)
    raise PermissionDenied(
        _("Bạn không phải người đang giữ hồ sơ ở bước “%(step)s”.") % {"step": step.name},
        code="not_step_holder",
    )


def require_one_stop_officer(dossier: Dossier, actor: User) -> None:
    """Refuse unless ``actor`` is a one-stop officer of the receiving agency."""
    require_role(
        actor,
        related_agency(dossier, "receiving_agency"),
        [Role.ONE_STOP_OFFICER],
        code="not_one_stop_officer",
        dossier=dossier,
    )
