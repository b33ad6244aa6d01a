"""A closed-loop HTTP load generator for the dossiers API, standard library only.

Every client is a separate process (``multiprocessing``, fork) holding one
``http.client`` connection, kept alive where the server allows it (gunicorn's
sync workers close after every response; ``http.client`` then reconnects).
A client sends its next request as soon as the previous answer is read.
A phase ends when its unit count *or* its time limit is reached, whichever
comes first. Each request's latency and status are recorded.

Scenarios (units in brackets):

* ``submit``    — ``POST /api/v1/dossiers`` with a unique Idempotency-Key [submissions]
* ``track``     — ``GET /api/v1/dossiers/track/{code}?factor=…`` [reads]
* ``read``      — ``GET /api/v1/dossiers/{code}`` by the officer, authenticated [reads]
* ``queue``     — ``GET /api/v1/dossiers?limit=100``, the officer's queue, first page [pages]
* ``actions``   — ``accept`` then ``forward`` with ``expected_version`` on
  pre-submitted dossiers, each client on its own slice [actions]
* ``lifecycle`` — submit → accept → forward → forward → decide → hand_over
  by the citizen, officer, specialist and leader [lifecycles]

Used by ``bench/bench_http.py``; also runnable on its own against a server
prepared by ``bench/_http_setup.py``::

    python bench/loadgen.py --port 8000 --data setup.json --scenario track -c 8 --seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing as mp
import os
import queue
import socket
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

API = "/api/v1/dossiers"
SCENARIOS = ("submit", "track", "read", "queue", "actions", "lifecycle")
UNITS = {
    "submit": "submissions",
    "track": "reads",
    "read": "reads",
    "queue": "pages",
    "actions": "actions",
    "lifecycle": "lifecycles",
}
#: Dossiers per page of the officer's queue (the ``queue`` scenario).
QUEUE_PAGE = 100
#: The lifecycle's requests after the submission: (action, persona, expected_version).
LIFECYCLE_STEPS = (
    ("accept", "officer", 1),
    ("forward", "officer", 2),
    ("forward", "specialist", 3),
    ("decide", "leader", 4),
    ("hand_over", "officer", 5),
)
MAX_ERROR_SAMPLES = 5


@dataclass
class Workload:
    """What the clients need from the set-up (``bench/_http_setup.py``)."""

    procedure: str
    tokens: dict[str, str]  # officer, specialist, leader
    citizens: list[str]  # one bearer token per citizen
    form_data: dict[str, Any]
    result_delivery: str
    track: list[tuple[str, str]]  # (code, factor)
    actions: list[str]  # codes of submitted dossiers (version 1), unused yet

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Workload:
        return cls(
            procedure=data["procedure"],
            tokens=dict(data["tokens"]),
            citizens=list(data["citizens"]),
            form_data=dict(data["form_data"]),
            result_delivery=str(data.get("result_delivery", "counter")),
            track=[(str(c), str(f)) for c, f in data["track"]],
            actions=list(data["actions"]),
        )

    def take_actions(self, count: int) -> list[str]:
        """Hand out ``count`` unused submitted dossiers (fewer if short)."""
        taken, self.actions = self.actions[:count], self.actions[count:]
        return taken


@dataclass
class Phase:
    scenario: str
    concurrency: int
    max_units: int
    max_seconds: float
    label: str = ""  # distinguishes Idempotency-Keys between phases


@dataclass
class ClientResult:
    index: int
    started: float = 0.0  # time.monotonic(), comparable across processes
    ended: float = 0.0
    units: int = 0
    #: (request kind, seconds, HTTP status; 0 = connection error)
    samples: list[tuple[str, float, int]] = field(default_factory=list)
    lifecycle_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crashed: str = ""


@dataclass
class PhaseResult:
    phase: Phase
    clients: list[ClientResult]

    @property
    def elapsed(self) -> float:
        starts = [c.started for c in self.clients if c.started]
        ends = [c.ended for c in self.clients if c.ended]
        return max(ends) - min(starts) if starts and ends else 0.0

    @property
    def units(self) -> int:
        return sum(c.units for c in self.clients)

    @property
    def ok_requests(self) -> int:
        return sum(1 for c in self.clients for _k, _s, st in c.samples if 200 <= st < 300)

    @property
    def throughput(self) -> float:
        """Units per second. A lifecycle is six requests: its rate is the
        successful requests / 6, so lifecycles cut off by the time limit
        still count for the part done (completed ones are in ``units``)."""
        if self.elapsed <= 0:
            return 0.0
        if self.phase.scenario == "lifecycle":
            return self.ok_requests / (len(LIFECYCLE_STEPS) + 1) / self.elapsed
        return self.units / self.elapsed

    @property
    def requests(self) -> int:
        return sum(len(c.samples) for c in self.clients)

    def latencies(self, kind: str | None = None) -> list[float]:
        return [s for c in self.clients for k, s, _st in c.samples if kind is None or k == kind]

    def statuses(self) -> Counter[int]:
        return Counter(st for c in self.clients for _k, _s, st in c.samples)

    @property
    def errors(self) -> int:
        bad = sum(n for st, n in self.statuses().items() if not 200 <= st < 300)
        return bad + sum(1 for c in self.clients if c.crashed)

    def error_samples(self) -> list[str]:
        out = [c.crashed for c in self.clients if c.crashed]
        out += [e for c in self.clients for e in c.errors]
        return out[:MAX_ERROR_SAMPLES]

    def lifecycle_seconds(self) -> list[float]:
        return [s for c in self.clients for s in c.lifecycle_seconds]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation; NaN if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ------------------------------------------------------------------ client


class _Client:
    def __init__(self, host: str, port: int, result: ClientResult) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.result = result
        self.deadline = math.inf

    def request(
        self, kind: str, method: str, path: str, token: str | None, body: Any, key: str = ""
    ) -> tuple[int, bytes]:
        headers = {"Accept": "application/json"}
        data = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            status, content = 0, f"{type(exc).__name__}: {exc}".encode()
        self.result.samples.append((kind, time.perf_counter() - started, status))
        if not 200 <= status < 300 and len(self.result.errors) < MAX_ERROR_SAMPLES:
            self.result.errors.append(
                f"{kind} {method} {path} -> {status}: "
                + " ".join(content[:300].decode(errors="replace").split())
            )
        return status, content

    def act(self, code: str, action: str, token: str, version: int, kind: str = "") -> bool:
        status, _ = self.request(
            kind or action,
            "POST",
            f"{API}/{code}/actions/{action}",
            token,
            {"expected_version": version},
        )
        return 200 <= status < 300


def _run_client(
    index: int,
    host: str,
    port: int,
    workload: Workload,
    phase: Phase,
    slice_: list[str],
    barrier: Barrier,
    out: mp.Queue[ClientResult],
) -> None:
    result = ClientResult(index=index)
    try:
        client = _Client(host, port, result)
        quota = phase.max_units // phase.concurrency + (
            1 if index < phase.max_units % phase.concurrency else 0
        )
        barrier.wait(timeout=60)
        result.started = time.monotonic()
        client.deadline = deadline = result.started + phase.max_seconds
        step = _SCENARIO_STEPS[phase.scenario]
        n = 0
        while result.units < quota and time.monotonic() < deadline:
            more = step(client, workload, phase, index, n, slice_)
            n += 1
            if not more:
                break
        result.ended = time.monotonic()
        client.conn.close()
    except Exception as exc:  # reported to the parent, loudly
        result.crashed = f"client {index} crashed: {type(exc).__name__}: {exc}"
        result.ended = result.ended or time.monotonic()
    out.put(result)


def _citizen(workload: Workload, index: int) -> str:
    return workload.citizens[index % len(workload.citizens)]


def _submit_body(workload: Workload) -> dict[str, Any]:
    return {
        "procedure": workload.procedure,
        "form_data": workload.form_data,
        "result_delivery": workload.result_delivery,
    }


def _step_submit(
    client: _Client, workload: Workload, phase: Phase, index: int, n: int, slice_: list[str]
) -> bool:
    key = f"{phase.label}-{os.getpid()}-{index}-{n}"
    status, _ = client.request(
        "submit", "POST", API, _citizen(workload, index), _submit_body(workload), key
    )
    client.result.units += 200 <= status < 300
    return True


def _step_track(
    client: _Client, workload: Workload, phase: Phase, index: int, n: int, slice_: list[str]
) -> bool:
    code, factor = workload.track[(index * 7 + n) % len(workload.track)]
    status, _ = client.request("track", "GET", f"{API}/track/{code}?factor={factor}", None, None)
    client.result.units += 200 <= status < 300
    return True


def _step_read(
    client: _Client, workload: Workload, phase: Phase, index: int, n: int, slice_: list[str]
) -> bool:
    code, _factor = workload.track[(index * 7 + n) % len(workload.track)]
    status, _ = client.request("read", "GET", f"{API}/{code}", workload.tokens["officer"], None)
    client.result.units += 200 <= status < 300
    return True


def _step_queue(
    client: _Client, workload: Workload, phase: Phase, index: int, n: int, slice_: list[str]
) -> bool:
    status, _ = client.request(
        "queue", "GET", f"{API}?limit={QUEUE_PAGE}", workload.tokens["officer"], None
    )
    client.result.units += 200 <= status < 300
    return True


def _step_actions(
    client: _Client, workload: Workload, phase: Phase, index: int, n: int, slice_: list[str]
) -> bool:
    """Accept then forward the next dossier of this client's slice (two units)."""
    if n >= len(slice_):
        return False
    officer = workload.tokens["officer"]
    if client.act(slice_[n], "accept", officer, 1):
        client.result.units += 1
        if client.act(slice_[n], "forward", officer, 2):
            client.result.units += 1
    return True


def _step_lifecycle(
    client: _Client, workload: Workload, phase: Phase, index: int, n: int, slice_: list[str]
) -> bool:
    started = time.perf_counter()
    key = f"{phase.label}-{os.getpid()}-{index}-{n}"
    status, content = client.request(
        "submit", "POST", API, _citizen(workload, index), _submit_body(workload), key
    )
    if not 200 <= status < 300:
        return True
    code = json.loads(content)["code"]
    for action, persona, version in LIFECYCLE_STEPS:
        if time.monotonic() >= client.deadline:
            return False  # time is up: the unfinished lifecycle is not counted
        kind = f"{action} ({persona})" if action == "forward" else action
        if not client.act(code, action, workload.tokens[persona], version, kind):
            return True
    client.result.units += 1
    client.result.lifecycle_seconds.append(time.perf_counter() - started)
    return True


_SCENARIO_STEPS: dict[str, Callable[[_Client, Workload, Phase, int, int, list[str]], bool]] = {
    "submit": _step_submit,
    "track": _step_track,
    "read": _step_read,
    "queue": _step_queue,
    "actions": _step_actions,
    "lifecycle": _step_lifecycle,
}


# ------------------------------------------------------------------ driver


def run_phase(host: str, port: int, workload: Workload, phase: Phase) -> PhaseResult:
    """Run ``phase`` with ``phase.concurrency`` client processes; for
    ``actions``, each client takes its own slice of unused dossiers."""
    if host != "127.0.0.1":
        raise ValueError("the load generator only sends traffic to 127.0.0.1")
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(phase.concurrency)
    out: mp.Queue[ClientResult] = ctx.Queue()
    slices: list[list[str]] = [[] for _ in range(phase.concurrency)]
    if phase.scenario == "actions":
        per_client = math.ceil(phase.max_units / 2 / phase.concurrency)
        for i in range(phase.concurrency):
            slices[i] = workload.take_actions(per_client)
    procs = [
        ctx.Process(
            target=_run_client,
            args=(i, host, port, workload, phase, slices[i], barrier, out),
            daemon=True,
        )
        for i in range(phase.concurrency)
    ]
    for proc in procs:
        proc.start()
    results: list[ClientResult] = []
    limit = time.monotonic() + phase.max_seconds + 90
    try:
        while len(results) < len(procs) and time.monotonic() < limit:
            try:
                results.append(out.get(timeout=1))
            except queue.Empty:
                if not any(p.is_alive() for p in procs) and out.empty():
                    break
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    seen = {r.index for r in results}
    results += [
        ClientResult(index=i, crashed=f"client {i} returned no result")
        for i in range(phase.concurrency)
        if i not in seen
    ]
    return PhaseResult(phase=phase, clients=sorted(results, key=lambda r: r.index))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def summary_lines(prefix: str, result: PhaseResult) -> list[str]:
    """``name: value unit`` lines for one phase."""
    scenario = result.phase.scenario
    lat = result.latencies()
    lines = [
        f"{prefix} throughput: {result.throughput:.1f} {UNITS[scenario]}/s",
        f"{prefix} requests: {result.requests} in {result.elapsed:.2f} s"
        f" ({result.units} {UNITS[scenario]} completed)",
        f"{prefix} p50: {percentile(lat, 50) * 1000:.1f} ms",
        f"{prefix} p95: {percentile(lat, 95) * 1000:.1f} ms",
        f"{prefix} p99: {percentile(lat, 99) * 1000:.1f} ms",
        f"{prefix} errors: {result.errors} non-2xx",
    ]
    if scenario == "lifecycle":
        cycle = result.lifecycle_seconds()
        lines.append(f"{prefix} lifecycle p50: {percentile(cycle, 50) * 1000:.1f} ms")
        lines.append(f"{prefix} lifecycle p95: {percentile(cycle, 95) * 1000:.1f} ms")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data", type=Path, required=True, help="JSON from _http_setup.py")
    parser.add_argument("--scenario", choices=SCENARIOS, required=True)
    parser.add_argument("-c", "--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max-units", type=int, default=100_000)
    args = parser.parse_args(argv)
    workload = Workload.from_json(json.loads(args.data.read_text()))
    phase = Phase(
        args.scenario, args.concurrency, args.max_units, args.seconds, f"cli{os.getpid()}"
    )
    result = run_phase("127.0.0.1", args.port, workload, phase)
    for line in summary_lines(f"{args.scenario} c={args.concurrency}", result):
        print(line)
    for sample in result.error_samples():
        print(f"  ! {sample}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
