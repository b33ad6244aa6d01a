"""Reconciliation with the national portal: look every recent dossier up
with ``TraCuuHoSo`` (in batches), compare with the local national status,
record the result per dossier (:class:`NationalSync`) and hand the
differences to a repair function (the outbox re-enqueues what is missing or
behind: :func:`motcua.national.destinations.repair`).

Idempotent: a row is written only when its result changes, and the repair
is told only of dossiers that have no repair waiting already, so a run
repeated at once changes nothing. A batch the portal cannot answer is
retried once and then reported with its reason (never skipped silently)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.integrations.national_portal.client import NationalPortal, PortalError
from motcua.integrations.national_portal.protocol import LOOKUP_BATCH
from motcua.national import gateway
from motcua.national.models import NationalSync, SyncState


@dataclass(frozen=True)
class Difference:
    dossier_id: int
    code: str
    local_status: int
    remote_status: int | None  # None: the portal does not hold the dossier

    @property
    def state(self) -> str:
        return SyncState.MISSING if self.remote_status is None else SyncState.BEHIND


@dataclass
class ReconcileReport:
    checked: int = 0
    synced: int = 0
    differences: list[Difference] = field(default_factory=list)
    changed_rows: int = 0
    repaired: int = 0
    failed_batches: list[tuple[list[str], str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Đã đối soát {self.checked} hồ sơ: {self.synced} khớp, "
            f"{len(self.differences)} lệch, {self.repaired} gửi lại, "
            f"{len(self.failed_batches)} lô không tra cứu được."
        )


Repair = Callable[[Sequence[Difference]], int]


def _recent(since: datetime.datetime, chunk: int) -> Iterator[list[tuple[int, str, int]]]:
    """(id, code, national status) of the dossiers with an event since
    ``since``, in chunks, by id (keyset paging: constant memory)."""
    last = 0
    while True:
        rows = list(
            Dossier.objects.filter(
                pk__gt=last, last_event_at__gte=since, national_status__isnull=False
            )
            .order_by("pk")
            .values_list("pk", "code", "national_status")[:chunk]
        )
        if not rows:
            return
        yield [(int(pk), str(code), int(status or 0)) for pk, code, status in rows]
        last = rows[-1][0]


def _lookup(client: NationalPortal, codes: list[str]) -> dict[str, dict[str, object]]:
    try:
        return client.lookup(codes)
    except PortalError as error:
        if not error.temporary:
            raise
        return client.lookup(codes)  # once more; a second failure is reported


def reconcile(
    *,
    now: datetime.datetime | None = None,
    days: int | None = None,
    client: NationalPortal | None = None,
    repair: Repair | None = None,
    batch: int = LOOKUP_BATCH,
) -> ReconcileReport:
    """Compare and record; ``repair`` (if given) gets the differences that
    have no repair waiting and returns how many it re-enqueued."""
    now = now or timezone.now()
    days = settings.MOTCUA_NATIONAL_RECONCILE_DAYS if days is None else days
    client = client or gateway.portal()
    report = ReconcileReport()
    for rows in _recent(now - datetime.timedelta(days=days), batch):
        codes = [code for _pk, code, _status in rows]
        try:
            found = _lookup(client, codes)
        except PortalError as error:
            report.failed_batches.append((codes, str(error)))
            continue
        report.checked += len(rows)
        differences: list[Difference] = []
        for pk, code, status in rows:
            item = found[code]
            remote = item.get("TrangThaiHoSo") if item.get("TonTai") else None
            try:
                remote_status = None if remote is None else int(str(remote))
            except ValueError:
                remote_status = None
            if remote_status == status:
                report.synced += 1
            else:
                differences.append(Difference(pk, code, status, remote_status))
        report.changed_rows += _record(rows, differences, now)
        report.differences.extend(differences)
    if repair is not None and report.differences:
        report.repaired = repair(report.differences)
    return report


def _record(
    rows: list[tuple[int, str, int]], differences: list[Difference], now: datetime.datetime
) -> int:
    """Write the result of one batch; only rows whose result changed."""
    by_id = {d.dossier_id: d for d in differences}
    wanted: dict[int, tuple[str, int | None]] = {}
    for pk, _code, status in rows:
        difference = by_id.get(pk)
        if difference is None:
            wanted[pk] = (SyncState.SYNCED, status)
        else:
            wanted[pk] = (difference.state, difference.remote_status)
    with transaction.atomic():
        existing = {s.dossier_id: s for s in NationalSync.objects.filter(dossier_id__in=wanted)}
        create, update = [], []
        for pk, (state, remote) in wanted.items():
            sync = existing.get(pk)
            if sync is None:
                create.append(
                    NationalSync(dossier_id=pk, state=state, state_since=now, remote_status=remote)
                )
            elif sync.state != state or sync.remote_status != remote:
                if sync.state != state:
                    sync.state_since = now
                sync.state, sync.remote_status = state, remote
                update.append(sync)
        NationalSync.objects.bulk_create(create, batch_size=500)
        NationalSync.objects.bulk_update(
            update, ["state", "remote_status", "state_since"], batch_size=500
        )
    return len(create) + len(update)
