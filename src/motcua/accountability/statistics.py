"""The layouts units report upward: the periodic statistics report (dossiers
received, finished early / on time / late, withdrawn or stopped, in
progress within time / overdue, per procedure and processing agency) and the
tracking book (sổ theo dõi hồ sơ, form 07 of Circular 03/2025/TT-VPCP).

Timeliness follows domain.md §2: the finish *date* (local) against the
*first* appointment's date (lifecycle.md: the rescheduled appointment is
kept beside it; an apology does not make a late dossier on time); no
appointment counts as on time. A dossier still open at the end of the
period is within time when its first appointment's date is on or after the
period's last day, otherwise overdue.

:func:`periodic_statistics` is the one entry point of the report's figures,
so it can later read per-unit daily summaries instead of the dossiers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Q

from motcua.accountability.periods import Period, local_date
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State

_FINISHED_WITH_RESULT = frozenset({State.RESULT_READY, State.RETURNED})
_ENDED_WITHOUT_RESULT = frozenset({State.WITHDRAWN, State.STOPPED})


@dataclass
class StatRow:
    procedure_code: str
    procedure: str
    agency: str
    carried_over: int = 0  # received before the period, still open at its start
    received: int = 0  # accepted in the period
    early: int = 0
    on_time: int = 0
    late: int = 0
    withdrawn_or_stopped: int = 0
    open_within_time: int = 0
    open_overdue: int = 0

    @property
    def to_handle(self) -> int:
        return self.carried_over + self.received

    @property
    def finished(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def in_progress(self) -> int:
        return self.open_within_time + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of finished dossiers finished early or on time, in percent;
        none finished gives no rate."""
        return (
            None
            if self.finished == 0
            else round(100 * (self.early + self.on_time) / self.finished, 1)
        )

    def add(self, other: StatRow) -> None:
        for name in (
            "carried_over",
            "received",
            "early",
            "on_time",
            "late",
            "withdrawn_or_stopped",
            "open_within_time",
            "open_overdue",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def timeliness(
    finished_at: datetime.datetime, first_appointment_at: datetime.datetime | None
) -> str:
    """``early``, ``on_time`` or ``late`` by dates (domain.md §2)."""
    finished = local_date(finished_at)
    due = local_date(first_appointment_at)
    if due is None or finished is None or finished == due:
        return "on_time"
    return "early" if finished < due else "late"


def periodic_statistics(
    *, agency_ids: Sequence[int], period: Period
) -> tuple[list[StatRow], StatRow]:
    """The report's rows (per procedure and processing agency, sorted) and
    their total. Dossiers count under the agency that processed them, as
    recorded then: a unit merged mid-period keeps its own rows (its
    dossiers are never re-attributed to the successor)."""
    start, end = period.start_at, period.end_at
    rows = (
        Dossier.objects.filter(processing_agency_id__in=agency_ids, accepted_at__lt=end)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start))
        .values_list(
            "configured_procedure_version__procedure_version__procedure__code",
            "configured_procedure_version__procedure_version__name",
            "processing_agency__name",
            "state",
            "accepted_at",
            "finished_at",
            "first_appointment_at",
        )
        .iterator(chunk_size=5000)
    )
    table: dict[tuple[str, str, str], StatRow] = {}
    for code, name, agency, state, accepted_at, finished_at, first_at in rows:
        key = (code, name, agency)
        row = table.get(key)
        if row is None:
            row = table[key] = StatRow(procedure_code=code, procedure=name, agency=agency)
        if accepted_at is None:  # excluded by the filter; for the type checker
            continue
        if accepted_at < start:
            row.carried_over += 1
        else:
            row.received += 1
        if finished_at is not None and finished_at < end:
            if state in _FINISHED_WITH_RESULT:
                kind = timeliness(finished_at, first_at)
                setattr(row, kind, getattr(row, kind) + 1)
            elif state in _ENDED_WITHOUT_RESULT:
                row.withdrawn_or_stopped += 1
            continue
        due = local_date(first_at)
        if due is None or due >= period.end:
            row.open_within_time += 1
        else:
            row.open_overdue += 1
    out = [table[k] for k in sorted(table)]
    total = StatRow(procedure_code="", procedure="", agency="")
    for row in out:
        total.add(row)
    return out, total


# ----------------------------------------------------------- tracking book


@dataclass(frozen=True)
class BookRow:
    dossier_id: int
    code: str
    procedure: str
    applicant: str
    address: str
    phone: str
    processing_agency: str
    submitted_at: datetime.datetime
    appointment_at: datetime.datetime | None
    transferred_at: datetime.datetime | None
    result_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    state: str


_BOOK_FIELDS = (
    "id",
    "code",
    "configured_procedure_version__procedure_version__name",
    "applicant__name",
    "applicant__address",
    "applicant__phone",
    "processing_agency__name",
    "submitted_at",
    "first_appointment_at",
    "state",
)


def tracking_book_count(*, agency_ids: Sequence[int], period: Period) -> int:
    return Dossier.objects.filter(
        receiving_agency_id__in=agency_ids,
        submitted_at__gte=period.start_at,
        submitted_at__lt=period.end_at,
    ).count()


def _moments(ids: list[int]) -> dict[int, dict[str, datetime.datetime]]:
    """Per dossier: the first forward (transfer to the processing steps),
    the decision (result ready) and the hand-over, from the event log."""
    out: dict[int, dict[str, datetime.datetime]] = defaultdict(dict)
    events = (
        DossierEvent.objects.filter(dossier_id__in=ids)
        .filter(Q(action__in=("forward", "hand_over")) | Q(to_state=State.RESULT_READY))
        .order_by("dossier_id", "seq")
        .values_list("dossier_id", "action", "to_state", "at")
    )
    for dossier_id, action, to_state, at in events:
        moments = out[dossier_id]
        if action == "forward":
            moments.setdefault("transferred", at)
        if to_state == State.RESULT_READY:
            moments.setdefault("result", at)
        if action == "hand_over":
            moments.setdefault("returned", at)
    return out


def tracking_book(
    *, agency_ids: Sequence[int], period: Period, after: int = 0, limit: int = 50
) -> tuple[list[BookRow], int]:
    """One page of the book (dossiers received by the agencies in the period,
    in the order received), keyset on the dossier id; returns the rows and
    the next cursor (0 at the end)."""
    query = Dossier.objects.filter(
        receiving_agency_id__in=agency_ids,
        submitted_at__gte=period.start_at,
        submitted_at__lt=period.end_at,
        id__gt=after,
    ).order_by("id")
    rows = list(query.values_list(*_BOOK_FIELDS)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    moments = _moments([r[0] for r in rows])
    out = [
        BookRow(
            dossier_id=r[0],
            code=r[1],
            procedure=r[2],
            applicant=r[3],
            address=r[4],
            phone=r[5],
            processing_agency=r[6],
            submitted_at=r[7],
            appointment_at=r[8],
            transferred_at=moments[r[0]].get("transferred"),
            result_at=moments[r[0]].get("result"),
            returned_at=moments[r[0]].get("returned"),
            state=r[9],
        )
        for r in rows
    ]
    return out, (out[-1].dossier_id if more and out else 0)


def tracking_book_all(
    *, agency_ids: Sequence[int], period: Period, chunk: int = 2000
) -> Iterator[BookRow]:
    """Every row of the book, a chunk at a time (for the exports)."""
    after = 0
    while True:
        rows, after = tracking_book(agency_ids=agency_ids, period=period, after=after, limit=chunk)
        yield from rows
        if not after:
            return
