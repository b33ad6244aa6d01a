"""Writes of the summaries: the increment the event hook makes, the rebuild
from the event log and the proof that the two agree."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from motcua.dossiers.hooks import earlier_events
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.scorecards.facts import local_day, procedure_of_version
from motcua.scorecards.metrics import dossier_metrics
from motcua.scorecards.models import DailyCount

Key = tuple[int, datetime.date, int, str]  # agency, day, procedure, metric

_EVENT_FIELDS = (
    "seq",
    "action",
    "from_state",
    "to_state",
    "from_step",
    "to_step",
    "at",
    "working_seconds",
    "payload",
)


def counts_add(counts: Counter[Key]) -> None:
    """Add ``counts`` to the summaries in ONE statement: ``INSERT ... ON
    CONFLICT DO UPDATE SET n = n + excluded.n`` (PostgreSQL and SQLite ≥ 3.24
    alike). Concurrent events on the same row serialise on the row lock of
    the upsert; rows are written in key order so two transactions never lock
    the same rows in opposite orders."""
    rows = [(k, n) for k, n in sorted(counts.items()) if n]
    if not rows:
        return
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list[str | int] = []
    for (agency_id, day, procedure_id, metric), n in rows:
        params += [agency_id, day.isoformat(), procedure_id, metric, n]
    # Only the quoted table name is interpolated; every value is a parameter.
    sql = " ".join(
        [
            "INSERT INTO",
            table,
            "(agency_id, day, procedure_id, metric, n) VALUES",
            values,
            "ON CONFLICT (agency_id, day, procedure_id, metric) DO UPDATE SET n =",
            table + ".n + excluded.n",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _keys(dossier: Dossier, events: list[DossierEvent], only_last: bool) -> Counter[Key]:
    procedure_id = procedure_of_version(dossier.configured_procedure_version_id)
    per_event = dossier_metrics(events, result_delivery=dossier.result_delivery)
    counts: Counter[Key] = Counter()
    pairs = list(zip(events, per_event, strict=True))
    for event, moved in pairs[-1:] if only_last else pairs:
        day = local_day(event.at)
        for metric in moved:
            counts[(dossier.processing_agency_id, day, procedure_id, metric)] += 1
    return counts


def count_event(event: DossierEvent) -> None:
    """The hook: count what ``event`` moves (the dossier's earlier events,
    read once per event for every hook that needs them — none for a
    submission — and one upsert when a counter moves)."""
    events = [*earlier_events(event), event]
    counts_add(_keys(event.dossier, events, only_last=True))


# --------------------------------------------------------------------- rebuild


def _dossiers(
    since: datetime.date | None, until: datetime.date | None, batch: int
) -> Iterator[list[Dossier]]:
    qs = Dossier.objects.only(
        "id", "configured_procedure_version_id", "processing_agency_id", "result_delivery"
    ).order_by("id")
    last = 0
    while True:
        chunk = list(qs.filter(id__gt=last)[:batch])
        if not chunk:
            return
        last = chunk[-1].pk
        yield chunk


def counts_from_events(
    *, since: datetime.date | None = None, until: datetime.date | None = None, batch: int = 500
) -> Counter[Key]:
    """The summaries as the event log says they should be, for the local
    days ``since``..``until`` (inclusive; open ends when ``None``)."""
    total: Counter[Key] = Counter()
    for chunk in _dossiers(since, until, batch):
        by_dossier: dict[int, list[DossierEvent]] = {d.pk: [] for d in chunk}
        for event in (
            DossierEvent.objects.filter(dossier_id__in=list(by_dossier))
            .order_by("dossier_id", "seq")
            .only("dossier_id", *_EVENT_FIELDS)
        ):
            by_dossier[event.dossier_id].append(event)
        for dossier in chunk:
            for key, n in _keys(dossier, by_dossier[dossier.pk], only_last=False).items():
                if (since is None or key[1] >= since) and (until is None or key[1] <= until):
                    total[key] += n
    return total


def _stored(since: datetime.date | None, until: datetime.date | None) -> Counter[Key]:
    qs = DailyCount.objects.all()
    if since is not None:
        qs = qs.filter(day__gte=since)
    if until is not None:
        qs = qs.filter(day__lte=until)
    return Counter(
        {
            (a, d, p, m): n
            for a, d, p, m, n in qs.values_list("agency_id", "day", "procedure_id", "metric", "n")
            if n
        }
    )


@dataclass(frozen=True)
class Difference:
    key: Key
    stored: int
    expected: int


def summaries_verify(
    *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[Difference]:
    """Every summary row that differs from the event log (empty: they agree)."""
    expected = counts_from_events(since=since, until=until)
    stored = _stored(since, until)
    return [
        Difference(key=key, stored=stored.get(key, 0), expected=expected.get(key, 0))
        for key in sorted(set(expected) | set(stored))
        if stored.get(key, 0) != expected.get(key, 0)
    ]


def summaries_rebuild(
    *, since: datetime.date | None = None, until: datetime.date | None = None
) -> int:
    """Replace the summaries of the days ``since``..``until`` by the counts
    from the event log; returns the number of rows written."""
    expected = counts_from_events(since=since, until=until)
    with transaction.atomic():
        qs = DailyCount.objects.all()
        if since is not None:
            qs = qs.filter(day__gte=since)
        if until is not None:
            qs = qs.filter(day__lte=until)
        qs.delete()
        rows = [
            DailyCount(agency_id=a, day=d, procedure_id=p, metric=m, n=n)
            for (a, d, p, m), n in expected.items()
            if n
        ]
        DailyCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def iter_differences(differences: Iterable[Difference]) -> Iterator[str]:
    for d in differences:
        agency_id, day, procedure_id, metric = d.key
        yield (
            f"đơn vị {agency_id}, ngày {day:%d/%m/%Y}, thủ tục {procedure_id}, {metric}: "
            f"đang lưu {d.stored}, theo nhật ký {d.expected}"
        )
