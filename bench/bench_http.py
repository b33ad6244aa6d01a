"""Production-like HTTP benchmark of the dossiers API: gunicorn + PostgreSQL
on 127.0.0.1, driven by closed-loop clients in separate processes.

    python bench/bench_http.py            # full run, < 5 minutes
    python bench/bench_http.py --quick    # one server set-up, short phases, < 60 s
    python bench/bench_http.py --size-only  # bytes per dossier at 100k dossiers

What it does:

1. creates a fresh PostgreSQL database ``motcua_bench_<pid>`` (dropped at the
   end, also on failure), runs ``motcua migrate`` on it and prepares the data
   in a child process (``bench/_http_setup.py``): test province, personas,
   a procedure with a three-step workflow, API tokens and pre-submitted
   dossiers, all through the services; it also counts the SQL queries of
   one request of each type through Django's test client;
2. for each server set-up, starts gunicorn ``motcua.wsgi`` on a free port,
   waits for a health request, warms it up and runs the phases
   (``bench/loadgen.py``) at concurrency 8 and 32, then reads the workers'
   resident memory from ``/proc``;
3. measures the dossier tables' bytes per dossier and compares everything
   against the targets (printed, never asserted).

PostgreSQL must accept ``postgres@127.0.0.1:5432`` without a password, or set
``BENCH_PG_ADMIN_URL``. Output lines are ``name: value unit``.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import math
import os
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from psycopg import sql

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
from loadgen import Phase, PhaseResult, Workload, percentile  # noqa: E402

HOST = "127.0.0.1"
#: Name prefix of the throw-away database (``<prefix>_<pid>``).
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "motcua_bench")
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
#: The bench database is named ``<prefix>_<pid>`` (``BENCH_DB_PREFIX``, default ``motcua_bench``).
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "motcua_bench")
#: gunicorn's worker heartbeat files belong on a RAM disk (its docs' advice).
SHM = "/dev/shm"  # noqa: S108


@dataclass(frozen=True)
class Server:
    workers: int
    worker_class: str = "sync"
    threads: int = 1
    #: False: every dossier event hook silenced (``bench/_silenced_wsgi.py``)
    hooks: bool = True

    @property
    def name(self) -> str:
        name = (
            f"gthread w={self.workers}x{self.threads}"
            if self.worker_class == "gthread"
            else f"sync w={self.workers}"
        )
        return name if self.hooks else f"{name} hooks off"

    @property
    def slots(self) -> int:
        return self.workers * self.threads


@dataclass(frozen=True)
class Plan:
    servers: tuple[Server, ...]
    concurrency: tuple[int, ...]
    seconds: float
    #: unit bounds per phase: submissions, reads, actions, lifecycles
    bounds: dict[str, int]
    track_dossiers: int
    samples: int

    def action_dossiers(self) -> int:
        per_phase = self.bounds["actions"] // 2 + max(self.concurrency)
        return per_phase * len(self.concurrency) * len(self.servers)


FULL = Plan(
    servers=(Server(2), Server(4), Server(2, "gthread", 4)),
    concurrency=(8, 32),
    seconds=4.5,
    bounds={
        "submit": 3000,
        "track": 12000,
        "read": 12000,
        "queue": 2000,
        "actions": 400,
        "lifecycle": 400,
    },
    track_dossiers=64,
    samples=5,
)
QUICK = Plan(
    servers=(Server(4),),
    concurrency=(8, 32),
    seconds=1.5,
    bounds={
        "submit": 600,
        "track": 3000,
        "read": 3000,
        "queue": 300,
        "actions": 300,
        "lifecycle": 80,
    },
    track_dossiers=16,
    samples=1,
)

#: (scenario, minimum throughput per second, maximum p95 in ms or None)
TARGETS: tuple[tuple[str, float, float | None], ...] = (
    ("submit", 300, 100),
    ("track", 1500, 30),
    ("actions", 250, None),
)
TARGET_BYTES_PER_DOSSIER = 4 * 1024
TARGET_RSS_MB = 150


class HarnessError(RuntimeError):
    pass


@dataclass
class Row:
    server: str
    scenario: str
    concurrency: int
    result: PhaseResult
    cpu: CpuUse | None = None

    def cpu_ms_per_unit(self, part: str = "server") -> float:
        """CPU milliseconds per unit of work: ``server`` (gunicorn +
        PostgreSQL backends), ``app`` or ``db``."""
        units = self.result.throughput * self.result.elapsed
        if self.cpu is None or not units:
            return math.nan
        return 1000 * float(getattr(self.cpu, part)) / units

    @property
    def p(self) -> dict[int, float]:
        lat = self.result.latencies()
        return {q: percentile(lat, q) * 1000 for q in (50, 95, 99)}


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    rss: dict[str, list[float]] = field(default_factory=dict)
    bytes_per_dossier: float = math.nan
    loud: list[str] = field(default_factory=list)


def say(line: str) -> None:
    print(line, flush=True)


def _on_term(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"interrupted by signal {signum}")


# ------------------------------------------------------------- database


def _admin() -> psycopg.Connection[Any]:
    return psycopg.connect(ADMIN_URL, autocommit=True)


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    with _admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with _admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        say(f"(dropped database {name})")


def django_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS=HOST,
        MOTCUA_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
        # The benchmark measures capacity, not abuse protection: one account
        # submits far more than a citizen's rate allows.
        MOTCUA_THROTTLE_SUBMIT="off",
        MOTCUA_THROTTLE_UPLOAD="off",
        MOTCUA_THROTTLE_TRACK_CODE="off",
        MOTCUA_THROTTLE_TRACK_ADDRESS="off",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
    )
    return env


def run_child(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise HarnessError(f"{what} failed (exit {done.returncode}):\n{tail}")


@dataclass(frozen=True)
class TableSize:
    rows: int
    data: int  # heap + TOAST
    indexes: int

    @property
    def total(self) -> int:
        return self.data + self.indexes


def dossier_sizes(url: str) -> tuple[int, dict[str, TableSize]]:
    """The dossier count and the size of every ``dossiers_*`` table."""
    sizes: dict[str, TableSize] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        names = conn.execute(
            "SELECT tablename FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename LIKE 'dossiers\\_%'"
        ).fetchall()
        for (name,) in names:
            table = sql.Identifier(str(name))
            row = conn.execute(
                sql.SQL(
                    "SELECT (SELECT count(*) FROM {}), pg_table_size(%(t)s::regclass),"
                    " pg_indexes_size(%(t)s::regclass)"
                ).format(table),
                {"t": str(name)},
            ).fetchone()
            assert row is not None
            sizes[str(name)] = TableSize(int(row[0]), int(row[1]), int(row[2]))
    count = sizes["dossiers_dossier"].rows if "dossiers_dossier" in sizes else 0
    return count, dict(sorted(sizes.items(), key=lambda kv: -kv[1].total))


def print_sizes(label: str, count: int, sizes: dict[str, TableSize]) -> float:
    """Print bytes per dossier, per table (rows, bytes per row, data and
    index share); return the total bytes per dossier."""
    total = sum(t.total for t in sizes.values())
    per = total / count if count else math.nan
    say(f"dossiers in database ({label}): {count}")
    for name, t in sizes.items():
        if not count:
            break
        say(
            f"  {name} ({label}): {t.total / count:.0f} B/dossier"
            f" ({t.rows / count:.2f} rows/dossier, {t.total / max(1, t.rows):.0f} B/row:"
            f" data {t.data / count:.0f} + indexes {t.indexes / count:.0f} B/dossier)"
        )
    log = sizes["dossiers_dossieraccesslog"].total if "dossiers_dossieraccesslog" in sizes else 0
    say(f"bytes per dossier ({label}, dossiers_* tables, no files): {per:.0f} B")
    if count:
        say(f"bytes per dossier ({label}, without access log): {(total - log) / count:.0f} B")
    return per


# --------------------------------------------------------------- server


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if path.exists():
        return [int(p) for p in path.read_text().split()]
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine since boot (every process)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / CLK_TCK


@dataclass
class CpuSnapshot:
    app: dict[int, float]
    db: dict[int, float]
    clients: float
    machine: float
    at: float


class CpuProbe:
    """CPU time of the gunicorn workers, of this database's PostgreSQL
    backends and of the (finished) client processes, plus the whole
    machine's, so a phase can say how much CPU one unit of work costs and
    how much CPU other processes took meanwhile."""

    def __init__(self, master: int, url: str) -> None:
        self.master = master
        self.conn = psycopg.connect(url, autocommit=True)

    def close(self) -> None:
        self.conn.close()

    def snapshot(self) -> CpuSnapshot:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return CpuSnapshot(
            app={pid: proc_cpu(pid) for pid in _children(self.master)},
            db={int(r[0]): proc_cpu(int(r[0])) for r in rows},
            clients=usage.ru_utime + usage.ru_stime,
            machine=machine_busy(),
            at=time.monotonic(),
        )


@dataclass
class CpuUse:
    app: float
    db: float
    clients: float
    machine: float
    seconds: float

    @classmethod
    def between(cls, before: CpuSnapshot, after: CpuSnapshot) -> CpuUse:
        def delta(a: dict[int, float], b: dict[int, float]) -> float:
            return sum(max(0.0, v - a.get(pid, 0.0)) for pid, v in b.items())

        return cls(
            app=delta(before.app, after.app),
            db=delta(before.db, after.db),
            clients=after.clients - before.clients,
            machine=after.machine - before.machine,
            seconds=after.at - before.at,
        )

    @property
    def server(self) -> float:
        return self.app + self.db

    @property
    def others(self) -> float:
        return max(0.0, self.machine - self.server - self.clients)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextmanager
def gunicorn(
    server: Server, env: dict[str, str], log: Path, health: str, port: int = 0
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn serving ``motcua.wsgi`` on ``port`` (0: a free one), up once
    ``health`` answers 200; stopped on leaving."""
    port = port or loadgen.free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "motcua.wsgi:application" if server.hooks else "_silenced_wsgi:application",
        "--pythonpath",
        str(HERE),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(server.workers),
        "--worker-class",
        server.worker_class,
        "--threads",
        str(server.threads),
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--worker-tmp-dir",
        SHM if Path(SHM).is_dir() else tempfile.gettempdir(),
        "--error-logfile",
        str(log),
        "--capture-output",  # the workers' stderr (Django's tracebacks) into the log
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise HarnessError(
                    f"gunicorn exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
                )
            try:
                if _get(port, health) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise HarnessError("gunicorn did not answer the health request within 60 s")
            time.sleep(0.2)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


# ------------------------------------------------------------------ run


def run_server(
    server: Server, plan: Plan, env: dict[str, str], workload: Workload, tmp: Path, report: Report
) -> None:
    code, factor = workload.track[0]
    health = f"{loadgen.API}/track/{code}?factor={factor}"
    started = time.perf_counter()
    log = tmp / f"gunicorn-{server.workers}-{server.worker_class}-{server.hooks}.log"
    with gunicorn(server, env, log, health) as (port, proc):
        up = time.perf_counter() - started
        say(f"## gunicorn {server.name} on {HOST}:{port} (up in {up:.1f} s)")
        probe = CpuProbe(proc.pid, env["DATABASE_URL"])
        server_errors = False
        # Warm every worker (imports, calendar and workflow caches), unrecorded.
        for scenario, units in (("lifecycle", server.slots * 3), ("track", server.slots * 20)):
            warm = loadgen.run_phase(
                HOST,
                port,
                workload,
                Phase(scenario, server.slots, units, min(2.0, plan.seconds), f"warm{port}"),
            )
            if warm.errors:
                report.loud.append(f"{server.name} warm-up {scenario}: {warm.errors} errors")
                for sample in warm.error_samples():
                    say(f"  ! {sample}")
                server_errors |= any(st >= 500 for st in warm.statuses())
        for concurrency in plan.concurrency:
            for scenario in loadgen.SCENARIOS:
                phase = Phase(
                    scenario,
                    concurrency,
                    plan.bounds[scenario],
                    plan.seconds,
                    f"{scenario}{port}c{concurrency}",
                )
                before = probe.snapshot()
                result = loadgen.run_phase(HOST, port, workload, phase)
                cpu = CpuUse.between(before, probe.snapshot())
                row = Row(server.name, scenario, concurrency, result, cpu)
                report.rows.append(row)
                prefix = f"{server.name} {scenario} c={concurrency}"
                for line in loadgen.summary_lines(prefix, result):
                    say(line)
                unit = loadgen.UNITS[scenario].rstrip("s")
                say(
                    f"{prefix} server CPU per {unit}: {row.cpu_ms_per_unit():.1f} ms"
                    f" (gunicorn {row.cpu_ms_per_unit('app'):.1f}"
                    f" + PostgreSQL {row.cpu_ms_per_unit('db'):.1f})"
                )
                say(
                    f"{prefix} capacity per CPU core: {1000 / row.cpu_ms_per_unit():.1f}"
                    f" {loadgen.UNITS[scenario]}/s (server CPU only)"
                )
                per_s = 1 / cpu.seconds
                say(
                    f"{prefix} CPU cores busy: {cpu.machine * per_s:.2f}"
                    f" (server {cpu.server * per_s:.2f}, clients {cpu.clients * per_s:.2f},"
                    f" other processes {cpu.others * per_s:.2f})"
                )
                if result.errors:
                    message = (
                        f"{server.name} {scenario} c={concurrency}: {result.errors} ERRORS"
                        f" {dict(result.statuses())}"
                    )
                    report.loud.append(message)
                    say(f"!!! {message}")
                    for sample in result.error_samples():
                        say(f"  ! {sample}")
                    server_errors |= any(st >= 500 for st in result.statuses())
        probe.close()
        if server_errors:
            say(f"!!! server errors: the end of gunicorn's log ({log}):")
            say(log.read_text(errors="replace")[-4000:])
        workers = _children(proc.pid)
        rss = [rss_mb(pid) for pid in workers]
        report.rss[server.name] = rss
        say(f"{server.name} master RSS: {rss_mb(proc.pid):.1f} MB")
        for pid, value in zip(workers, rss, strict=True):
            say(f"{server.name} worker {pid} RSS: {value:.1f} MB")
        say(f"{server.name} worker RSS max: {max(rss, default=math.nan):.1f} MB")


def print_queries(setup: dict[str, Any], show_sql: bool) -> None:
    say("## SQL queries per request (Django test client, warm caches)")
    say(f"event hooks: {', '.join(setup.get('hooks', []))}")
    silenced = setup.get("queries_silenced", {})
    for name, count in setup["queries"].items():
        timing = setup["in_process"].get(name, {})
        quiet = setup.get("in_process_silenced", {}).get(name, {})
        say(
            f"queries {name}: {count} queries"
            f" ({timing.get('total_ms', math.nan):.1f} ms in-process,"
            f" {timing.get('sql_ms', math.nan):.1f} ms of it in SQL);"
            f" hooks silenced: {silenced.get(name, '?')} queries"
            f" ({quiet.get('total_ms', math.nan):.1f} ms in-process)"
        )
        if show_sql:
            for statement in setup["sql"][name]:
                say(f"    {statement[:400]}")
    say(f"service dossier_submit (pre-submitted dossiers): {setup['submit_service_ms']:.1f} ms")
    if setup.get("profile"):
        say("## cProfile (CPU time) of 30 in-process lifecycles, 10 requests each (set-up process)")
        say(setup["profile"])


def print_table(report: Report) -> None:
    say("")
    say("## summary")
    header = (
        f"{'server':<16} {'phase':<10} {'c':>3} {'units/s':>9} {'req/s':>8}"
        f" {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
        f" {'cpu ms/u':>9} {'u/s/core':>9} {'others':>6}"
    )
    say(header)
    say("-" * len(header))
    for row in report.rows:
        r = row.result
        req_s = r.requests / r.elapsed if r.elapsed else 0.0
        p = row.p
        others = row.cpu.others / row.cpu.seconds if row.cpu else math.nan
        say(
            f"{row.server:<16} {row.scenario:<10} {row.concurrency:>3} {r.throughput:>9.1f}"
            f" {req_s:>8.1f} {p[50]:>8.1f} {p[95]:>8.1f} {p[99]:>8.1f} {r.errors:>6}"
            f" {row.cpu_ms_per_unit():>9.1f} {1000 / row.cpu_ms_per_unit():>9.1f}"
            f" {others:>6.2f}"
        )


def print_hooks(report: Report) -> None:
    """CPU per unit with the event hooks on minus silenced (``--hooks both``)."""
    off = {
        (r.server.removesuffix(" hooks off"), r.scenario, r.concurrency): r
        for r in report.rows
        if r.server.endswith(" hooks off")
    }
    pairs = [
        (off[key], r) for r in report.rows if (key := (r.server, r.scenario, r.concurrency)) in off
    ]
    if not pairs:
        return
    say("")
    say("## side effects: server CPU per unit, event hooks silenced -> on")
    for quiet, loud in pairs:
        before, after = quiet.cpu_ms_per_unit(), loud.cpu_ms_per_unit()
        say(
            f"hooks {loud.server} {loud.scenario} c={loud.concurrency}:"
            f" {before:.2f} -> {after:.2f} ms ({after - before:+.2f} ms,"
            f" {100 * (after - before) / before:+.0f} %)"
        )


def print_targets(report: Report) -> None:
    say("")
    say("## targets (best server set-up and concurrency for each, event hooks on)")
    for scenario, minimum, max_p95 in TARGETS:
        rows = [
            r
            for r in report.rows
            if r.scenario == scenario and r.result.errors == 0 and "hooks off" not in r.server
        ]
        if not rows:
            say(f"target {scenario}: no error-free measurement — below target")
            continue
        fitting = [r for r in rows if max_p95 is None or r.p[95] < max_p95]
        best = max(fitting or rows, key=lambda r: r.result.throughput)
        met = best.result.throughput >= minimum and (max_p95 is None or best.p[95] < max_p95)
        limit = f" with p95 < {max_p95:.0f} ms" if max_p95 is not None else ""
        say(
            f"target {loadgen.UNITS[scenario]} >= {minimum:.0f}/s{limit}:"
            f" {best.result.throughput:.1f}/s, p95 {best.p[95]:.1f} ms"
            f" ({best.server}, c={best.concurrency}) — {'target met' if met else 'below target'}"
        )
        costs = [r.cpu_ms_per_unit() for r in rows if not math.isnan(r.cpu_ms_per_unit())]
        if costs:
            cost = statistics.median(costs)
            unit = loadgen.UNITS[scenario].rstrip("s")
            say(
                f"target {loadgen.UNITS[scenario]} server CPU needed: {minimum * cost / 1000:.1f}"
                f" cores of this machine ({cost:.1f} ms CPU per {unit}, median)"
            )
    per = report.bytes_per_dossier
    verdict = "target met" if per <= TARGET_BYTES_PER_DOSSIER else "below target"
    say(f"target <= 4 KB/dossier: {per / 1024:.2f} KB — {verdict}")
    rss = max((v for values in report.rss.values() for v in values), default=math.nan)
    verdict = "target met" if rss <= TARGET_RSS_MB else "below target"
    say(f"target <= {TARGET_RSS_MB} MB/worker: {rss:.1f} MB — {verdict}")
    if report.loud:
        say("")
        say("!!! ERRORS DURING THE RUN (the figures above include them):")
        for line in report.loud:
            say(f"!!! {line}")


def calibration_us() -> float:
    """Microseconds for ``sum(range(1000))`` (best of 5): how fast one core
    runs Python here, to compare machines (a recent laptop core: about 8)."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(2000):
            sum(range(1000))
        best = min(best, (time.perf_counter() - started) / 2000)
    return best * 1e6


def cpu_pressure() -> str:
    """The kernel's CPU pressure (share of time some task waited for a CPU)."""
    try:
        return Path("/proc/pressure/cpu").read_text().splitlines()[0].removeprefix("some ")
    except OSError:
        return "?"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def bench(plan: Plan, *, show_sql: bool, profile: bool, dossiers: int = 0) -> int:
    report = Report()
    say(f"cpus: {os.cpu_count()}")
    say(f"load average at start: {load_average()}")
    say(f"cpu pressure at start: {cpu_pressure()}")
    say(f"python calibration sum(range(1000)): {calibration_us():.1f} us")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp_name:
        tmp = Path(tmp_name)
        with fresh_database(f"{DB_PREFIX}_{os.getpid()}") as url:
            env = django_env(url, tmp / "data")
            started = time.perf_counter()
            run_child([sys.executable, "-m", "motcua", "migrate", "--noinput"], env, "migrate")
            say(f"migrate: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            setup_file = tmp / "setup.json"
            args = [
                sys.executable,
                str(HERE / "_http_setup.py"),
                str(setup_file),
                "--citizens",
                str(max(plan.concurrency)),
                "--track",
                str(plan.track_dossiers),
                "--actions",
                str(plan.action_dossiers()),
                "--samples",
                str(plan.samples),
            ]
            run_child(args + (["--profile"] if profile else []), env, "data set-up")
            say(f"data set-up: {time.perf_counter() - started:.1f} s")
            if dossiers:
                from bench_queue import _generate  # a province's spread, thousands per due moment

                started = time.perf_counter()
                _generate(url, dossiers)
                say(f"generation of {dossiers} dossiers: {time.perf_counter() - started:.1f} s")
            setup = json.loads(setup_file.read_text())
            print_queries(setup, show_sql)
            workload = Workload.from_json(setup)
            for server in plan.servers:
                run_server(server, plan, env, workload, tmp, report)
            say("")
            say("## database size")
            count, sizes = dossier_sizes(url)
            report.bytes_per_dossier = print_sizes("after the run", count, sizes)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM FULL ANALYZE")
            count, sizes = dossier_sizes(url)
            print_sizes("after VACUUM FULL", count, sizes)
    print_table(report)
    print_hooks(report)
    print_targets(report)
    say(f"load average at end: {load_average()}")
    say(f"cpu pressure at end: {cpu_pressure()}")
    return 0


def size_only(total: int) -> int:
    """Bytes per dossier at scale: file dossiers through the services (mostly
    finished lifecycles: six events, three step runs; some submitted, some in
    processing), then copy them at SQL level (new ids, codes and tokens, with
    their events, step runs and access logs) up to ``total``."""
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp_name:
        tmp = Path(tmp_name)
        with fresh_database(f"{DB_PREFIX}_{os.getpid()}") as url:
            env = django_env(url, tmp / "data")
            run_child([sys.executable, "-m", "motcua", "migrate", "--noinput"], env, "migrate")
            setup_file = tmp / "setup.json"
            args = [sys.executable, str(HERE / "_http_setup.py"), str(setup_file)]
            args += ["--citizens", "32", "--track", "50", "--actions", "50", "--finished", "250"]
            args += ["--samples", "1"]
            run_child(args, env, "data set-up")
            with psycopg.connect(url, autocommit=True) as conn:
                _copy_dossiers(conn, total)
                conn.execute("VACUUM FULL ANALYZE")
            count, sizes = dossier_sizes(url)
            per = print_sizes(f"{count} dossiers, SQL copies", count, sizes)
    verdict = "target met" if per <= TARGET_BYTES_PER_DOSSIER else "below target"
    say(f"target <= 4 KB/dossier: {per / 1024:.2f} KB — {verdict}")
    return 0


def _copy_dossiers(conn: psycopg.Connection[Any], total: int) -> None:
    """Double the dossiers (with their events and step runs) until ``total``."""
    cols = [
        str(r[0])
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'dossiers_dossier' AND column_name <> 'id'"
            " ORDER BY ordinal_position"
        ).fetchall()
    ]
    generated = {
        "public_id": "gen_random_uuid()",
        "code": "left(d.code, 40) || '-' || m.new_id",
        "tracking_token": "left(md5(random()::text || m.new_id), 24)",
        "idempotency_key": "NULL",
    }
    select = ", ".join(generated.get(c, f"d.{c}") for c in cols)
    child_tables = []
    for table in ("dossiers_dossierevent", "dossiers_steprun", "dossiers_dossieraccesslog"):
        child_cols = [
            str(r[0])
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = %s AND column_name NOT IN ('id', 'dossier_id')"
                " ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
        child_tables.append((table, child_cols))
    round_ = 0
    while True:
        row = conn.execute("SELECT count(*), max(id) FROM dossiers_dossier").fetchone()
        assert row is not None
        count, max_id = int(row[0]), int(row[1])
        if count >= total:
            return
        round_ += 1
        limit = min(count, total - count)
        with conn.transaction():
            conn.execute("CREATE TEMP TABLE copy_map (old_id bigint, new_id bigint) ON COMMIT DROP")
            conn.execute(
                "INSERT INTO copy_map SELECT id,"
                " nextval(pg_get_serial_sequence('dossiers_dossier', 'id'))"
                " FROM dossiers_dossier WHERE id <= %s ORDER BY id LIMIT %s",
                [max_id, limit],
            )
            conn.execute(
                f"INSERT INTO dossiers_dossier (id, {', '.join(cols)})"  # noqa: S608
                f" SELECT m.new_id, {select} FROM dossiers_dossier d"
                " JOIN copy_map m ON m.old_id = d.id"
            )
            for table, child_cols in child_tables:
                names = ", ".join(child_cols)
                values = ", ".join(f"t.{c}" for c in child_cols)
                conn.execute(
                    f"INSERT INTO {table} (dossier_id, {names})"  # noqa: S608
                    f" SELECT m.new_id, {values} FROM {table} t"
                    " JOIN copy_map m ON m.old_id = t.dossier_id"
                )
        say(f"size-only: copied {limit} dossiers (round {round_})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="one server set-up, short phases")
    parser.add_argument("--size-only", action="store_true", help="bytes/dossier at 100k dossiers")
    parser.add_argument(
        "--dossiers",
        type=int,
        help="dossiers generated in SQL before the load (bench_queue's province spread);"
        " --size-only: the total (100,000)",
    )
    parser.add_argument(
        "--hooks",
        choices=("on", "off", "both"),
        default="on",
        help="off: the dossier event hooks silenced in gunicorn (no side effects);"
        " both: each server set-up without, then with them",
    )
    parser.add_argument("--seconds", type=float, help="override the per-phase time limit")
    parser.add_argument("--show-sql", action="store_true", help="print every query counted")
    parser.add_argument("--profile", action="store_true", help="cProfile in-process lifecycles")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_term)
    started = time.perf_counter()
    try:
        _admin().close()
    except psycopg.OperationalError as exc:
        say(f"!!! bench_http skipped: PostgreSQL not reachable at {ADMIN_URL}: {exc}")
        return 0
    try:
        if args.size_only:
            return size_only(args.dossiers or 100_000)
        plan = QUICK if args.quick else FULL
        if args.seconds:
            plan = dataclasses.replace(plan, seconds=args.seconds)
        if args.hooks != "on":
            variants = (False, True) if args.hooks == "both" else (False,)
            servers = tuple(dataclasses.replace(s, hooks=h) for s in plan.servers for h in variants)
            plan = dataclasses.replace(plan, servers=servers)
        return bench(
            plan, show_sql=args.show_sql, profile=args.profile, dossiers=args.dossiers or 0
        )
    except (HarnessError, psycopg.Error) as exc:
        say(f"!!! benchmark harness failed: {exc}")
        return 1
    finally:
        say(f"bench_http total: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
