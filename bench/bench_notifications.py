"""Messages delivered per second by one worker against the sandboxes.

    python bench/bench_notifications.py [N_DOSSIERS]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_h4 \\
        python bench/bench_notifications.py 500

In a child process on a fresh SQLite file (or the disposable PostgreSQL
database of ``BENCH_DATABASE_URL``, which must be empty): N dossiers are submitted (each
submission's event enqueues its notify task after commit), then ONE
``motcua db_worker --batch`` runs every queued task; each task builds the
messages of its event (applicant by e-mail, SMS and Zalo; the officers by
e-mail) and sends them over real sockets to the SMTP, SMS and Zalo
sandboxes running in this process. Prints, for example::

    notification messages delivered (sqlite, 1 worker): 120 /s
    notification tasks run (sqlite, 1 worker): 30 /s
    notification messages per submission: 4
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PORTS = range(19240, 19250)


def child(n: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from motcua.accounts.models import Applicant
    from motcua.dossiers import services
    from motcua.dossiers.tests.factories import make_procedure
    from motcua.integrations.sms.sandbox import SmsSandbox
    from motcua.integrations.smtp.sandbox import SmtpSandbox
    from motcua.integrations.smtp.testing import free_ports
    from motcua.integrations.zalo.sandbox import ZaloSandbox
    from motcua.notifications.models import ContactPoint, Message, MessageStatus, Preference
    from motcua.testing import make_personas

    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    smtp_port, sms_port, zalo_port = free_ports(3, PORTS)
    smtp = SmtpSandbox(port=smtp_port).start()
    sms = SmsSandbox(port=sms_port).start()
    zalo = ZaloSandbox(port=zalo_port).start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    settings.NOTIFY_SMS_URL, settings.NOTIFY_ZALO_URL = sms.url, zalo.url
    from motcua.notifications.channels import channel_for

    channel_for.cache_clear()

    p = make_personas()
    p.officer.email = "motcua@motcua.local"
    p.officer.save(update_fields=["email"])
    procedure = make_procedure(p.place.agency_a)
    applicant = Applicant.objects.get(user=p.citizen)
    applicant.email = "an@example.vn"
    applicant.save(update_fields=["email"])
    Preference.objects.create(user=p.citizen, email=True, sms=True, zalo=True)
    now = timezone.now()
    for kind, value in (("email", "an@example.vn"), ("phone", "0912345678")):
        ContactPoint.objects.create(user=p.citizen, kind=kind, value=value, verified_at=now)
    for _ in range(n):
        services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant)
    started, cpu = time.perf_counter(), time.process_time()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = Message.objects.filter(status=MessageStatus.SENT).count()
    total = Message.objects.count()
    arrived = len(smtp.store.messages()) + len(sms.accepted()) + len(zalo.accepted())
    smtp.stop()
    sms.stop()
    zalo.stop()
    from django.db import connection

    label = connection.vendor
    print(f"notification messages delivered ({label}, 1 worker): {sent / elapsed:.0f} /s")
    print(f"notification tasks run ({label}, 1 worker): {n / elapsed:.0f} /s")
    # process CPU: the worker and the sandboxes (threads of this process)
    print(
        f"notification CPU, worker + sandboxes ({label}):"
        f" {1000 * cpu / max(1, sent):.2f} ms/message"
    )
    print(f"notification messages per submission: {total / n:.0f}")
    print(f"notification messages arrived in the sandboxes: {arrived} of {total}")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"),
            "MOTCUA_DATA_DIR": tmp,
            "SECRET_KEY": "bench-" + "x" * 50,
            "DEBUG": "0",
        }
        done = subprocess.run([sys.executable, __file__, "--child", str(n)], env=env, check=False)
        return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
