"""Start a list of processes together and stop them together.

Each child runs in its own process group (so a reloader's grandchildren go
with it). SIGINT (Ctrl-C) or SIGTERM to the launcher, or any child exiting,
stops every group: SIGTERM first, SIGKILL for those still running after
``grace`` seconds. The launcher's exit status is 0 after a requested stop,
else the status of the child that ended first."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from types import FrameType

from motcua.jobs.processes import LaunchOptions, Process


def _signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)


def stop_all(children: dict[str, subprocess.Popen[bytes]], *, grace: float = 10.0) -> None:
    for child in children.values():
        if child.poll() is None:
            _signal_group(child, signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait()
        # A reloader's child may outlive its parent: end the whole group.
        _signal_group(child, signal.SIGKILL)


def launch(
    processes: Sequence[Process],
    options: LaunchOptions,
    *,
    say: Callable[[str], None] = print,
    grace: float = 10.0,
    env: Mapping[str, str] | None = None,
) -> int:
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    children: dict[str, subprocess.Popen[bytes]] = {}
    status = 0
    try:
        for process in processes:
            argv = process.argv(options)
            child_env = None if env is None else dict(env)
            child = subprocess.Popen(argv, start_new_session=True, env=child_env)  # noqa: S603
            children[process.name] = child
            say(f"[{process.name}] pid {children[process.name].pid}: {' '.join(argv[2:])}")
        while not stop.wait(0.5):
            ended = [(n, c.returncode) for n, c in children.items() if c.poll() is not None]
            if ended:
                name, code = ended[0]
                say(f"[{name}] đã dừng (mã {code}); dừng các tiến trình còn lại.")
                status = code or 1
                break
    finally:
        say("Đang dừng: " + ", ".join(children))
        stop_all(children, grace=grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
