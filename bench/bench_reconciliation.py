"""Reconciliation of 100,000 payments: the sweep, its second run, and the
per-unit, per-day report (screen rows and xlsx).

    python bench/bench_reconciliation.py [N_PAYMENTS] [--lost FRACTION]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_w3 \\
        python bench/bench_reconciliation.py

Set-up (not timed): one dossier through the services, then N obligations and
N payments bulk-inserted over 30 days; a fraction (default 1 %) is still
pending at our side while the VNPay sandbox (real HTTP on 127.0.0.1, in this
process) holds it as paid — its callback was lost. Timed: the sweep (each
open payment asked about over HTTP with ``querydr`` and settled), the second
sweep (must change nothing), the report query over all N, the xlsx.
SQLite gets a fresh file in a temporary folder; a PostgreSQL database must be
disposable. Prints ``name: value unit`` lines.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(n: int, lost: float) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from motcua.accounts.models import Applicant
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.tests.factories import make_procedure
    from motcua.integrations.payment_sandbox import SandboxTransaction
    from motcua.payments import selectors, services
    from motcua.payments.models import Obligation, Payment, PaymentTransition
    from motcua.payments.report_xlsx import report_xlsx
    from motcua.payments.sandboxes import sandbox_build
    from motcua.testing import make_personas

    call_command("migrate", verbosity=0)
    label = connection.vendor
    personas = make_personas()
    procedure = make_procedure(personas.place.agency_a)
    dossier = dossier_services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=Applicant.objects.get(user=personas.citizen),
    )
    sandbox = sandbox_build(
        which="vnpay", host="127.0.0.1", port=0, site="http://127.0.0.1:9"
    ).start()
    settings.MOTCUA_PAY_VNPAY_URL = sandbox.url
    now = timezone.now()
    open_every = max(1, round(1 / lost)) if lost > 0 else n + 1
    started = time.perf_counter()
    batch = 5000
    for first in range(0, n, batch):
        size = min(batch, n - first)
        obligations = Obligation.objects.bulk_create(
            Obligation(
                dossier=dossier,
                agency_id=dossier.receiving_agency_id,
                stage="submission",
                amount_vnd=20000,
                lines=[],
                state="paid" if (first + i) % open_every else "cancelled",
                created_at=now - datetime.timedelta(days=(first + i) % 30, hours=1),
                receipt_number=None,
            )
            for i in range(size)
        )
        payments = []
        for i, o in enumerate(obligations):
            k = first + i
            is_open = k % open_every == 0
            at = o.created_at
            payments.append(
                Payment(
                    obligation=o,
                    gateway="vnpay",
                    reference=f"BENCH{k:09d}",
                    idempotency_key=f"k{k}",
                    amount_vnd=20000,
                    state="pending" if is_open else "paid",
                    created_at=at,
                    updated_at=at,
                    expires_at=at + datetime.timedelta(days=400),
                    paid_at=None if is_open else at,
                )
            )
            if is_open:
                sandbox.store.add(
                    SandboxTransaction(
                        reference=f"BENCH{k:09d}",
                        amount_vnd=20000,
                        description="",
                        return_url="",
                        notify_url="",
                        status="paid",
                        transaction=f"{k:010d}",
                    )
                )
        Payment.objects.bulk_create(payments)
    # The open payments' obligations are "cancelled", not "due": the bench's
    # obligations all hang on one dossier (one due obligation per dossier).
    open_count = Payment.objects.filter(state="pending").count()
    print(f"set-up ({label}): {time.perf_counter() - started:.1f} s for {n} payments")

    t = time.perf_counter()
    first_run = services.payments_reconcile(older_than=datetime.timedelta(0), limit=n)
    sweep = time.perf_counter() - t
    print(f"reconciliation sweep ({label}): {sweep:.2f} s for {n} payments, {open_count} open")
    print(
        f"  settled: {first_run.settled}, expired: {first_run.expired}, errors: {first_run.errors}"
    )
    if first_run.checked:
        print(
            f"  per open payment: {1000 * sweep / first_run.checked:.2f} ms (HTTP query + settle)"
        )
    rows = PaymentTransition.objects.count()
    t = time.perf_counter()
    second = services.payments_reconcile(older_than=datetime.timedelta(0), limit=n)
    print(
        f"second sweep ({label}): {time.perf_counter() - t:.3f} s, checked {second.checked}, "
        f"transitions added {PaymentTransition.objects.count() - rows}"
    )
    t = time.perf_counter()
    report = selectors.reconciliation_report(
        agency_ids=[dossier.receiving_agency_id],
        start=(now - datetime.timedelta(days=31)).date(),
        end=(now + datetime.timedelta(days=1)).date(),
    )
    print(
        f"per-unit, per-day report ({label}): {time.perf_counter() - t:.3f} s, {len(report)} rows"
    )
    assert sum(r.paid_count for r in report) == n, "every payment is paid after the sweep"
    t = time.perf_counter()
    size = len(report_xlsx(report))
    print(f"report xlsx ({label}): {time.perf_counter() - t:.3f} s, {size} B")
    sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--lost", type=float, default=0.01, help="share of callbacks lost")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.n, args.lost)
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MOTCUA_DATA_DIR": folder}
        if os.environ.get("BENCH_DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        subprocess.run(
            [sys.executable, __file__, str(args.n), "--lost", str(args.lost), "--child"],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
