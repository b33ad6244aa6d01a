"""Every change to a dossier, by one name: ``from motcua.dossiers import
services`` and ``services.dossier_<verb>(*, dossier, actor, expected_version,
…, now=None)``. The code lives in modules by concern (docs/developers/dossiers.md
has the map); this module re-exports their public names so no caller needs to
know where each one lives:

- :mod:`~motcua.dossiers.submission` — filing a dossier (``dossier_submit``);
- :mod:`~motcua.dossiers.actions` — every later action, by family
  (``reception``, ``processing``, ``pauses``, ``endings``) and ``ACTIONS``;
- :mod:`~motcua.dossiers.engine` — how every action is applied: version check,
  compare-and-set, one hash-chained event, step runs, pauses, appointments;
- :mod:`~motcua.dossiers.access` — who may act: roles, step holder, applicant;
  the access log;
- :mod:`~motcua.dossiers.clock` — now, working time, reception window,
  appointment;
- :mod:`~motcua.dossiers.codes` — dossier codes;
- :mod:`~motcua.dossiers.caches` — pinned versions, graphs and agencies cached
  per process;
- :mod:`~motcua.dossiers.prepared` — reads compiled once per connection.

Each service checks the state, who the actor is and ``expected_version``;
then, in one transaction, moves the cached row with a compare-and-set,
appends exactly one hash-chained :class:`DossierEvent` and keeps the pause,
appointment and step-run rows in step. Or it changes nothing and raises a
:class:`DomainError` with a stable code.
"""

from __future__ import annotations

from motcua.dossiers.access import (
    APPLICANT_ROLE,
    PENDING_LOG_ATTR,
    RoleRow,
    holds_role,
    require_applicant,
    roles_of,
    write_access_log,
)
from motcua.dossiers.actions import (
    ACTIONS,
    dossier_accept,
    dossier_answer,
    dossier_apologise,
    dossier_ask_to_complete,
    dossier_ask_to_pay,
    dossier_ask_to_supplement,
    dossier_complete,
    dossier_consult,
    dossier_decide,
    dossier_forward,
    dossier_hand_over,
    dossier_pay,
    dossier_reassign,
    dossier_refuse,
    dossier_send_back,
    dossier_stop,
    dossier_supplement,
    dossier_withdraw,
)
from motcua.dossiers.caches import (
    AGENCY_TTL,
    VERSION_DEFERRED,
    agencies_by_id,
    attach_related,
    clear_caches,
    pinned_graph,
    pinned_version,
    workflow_graph,
)
from motcua.dossiers.clock import LOCAL_TZ, RECEPTION_HOURS
from motcua.dossiers.codes import format_code
from motcua.dossiers.engine import dossier_check_version, versioned
from motcua.dossiers.prepared import INT_MARKER, TEXT_MARKER, PreparedRead
from motcua.dossiers.submission import FORM_SET_2025_FROM, dossier_search_text, dossier_submit

__all__ = [
    "ACTIONS",
    "AGENCY_TTL",
    "APPLICANT_ROLE",
    "FORM_SET_2025_FROM",
    "INT_MARKER",
    "LOCAL_TZ",
    "PENDING_LOG_ATTR",
    "RECEPTION_HOURS",
    "TEXT_MARKER",
    "VERSION_DEFERRED",
    "PreparedRead",
    "RoleRow",
    "agencies_by_id",
    "attach_related",
    "clear_caches",
    "dossier_accept",
    "dossier_answer",
    "dossier_apologise",
    "dossier_ask_to_complete",
    "dossier_ask_to_pay",
    "dossier_ask_to_supplement",
    "dossier_check_version",
    "dossier_complete",
    "dossier_consult",
    "dossier_decide",
    "dossier_forward",
    "dossier_hand_over",
    "dossier_pay",
    "dossier_reassign",
    "dossier_refuse",
    "dossier_search_text",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement",
    "dossier_withdraw",
    "format_code",
    "holds_role",
    "pinned_graph",
    "pinned_version",
    "require_applicant",
    "roles_of",
    "versioned",
    "workflow_graph",
    "write_access_log",
]
