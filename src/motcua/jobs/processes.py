"""The processes ``make run`` (``motcua devserver``) starts together: the
ONE list to extend (sandboxes of outside systems go here too). Each entry
gives the command line from the launcher's options; every process runs
the ``motcua`` command line of the same interpreter."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LaunchOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    reload: bool = True


@dataclass(frozen=True)
class Process:
    name: str
    argv: Callable[[LaunchOptions], list[str]]


def motcua(*args: str) -> list[str]:
    """``motcua <args>`` with this interpreter."""
    return [sys.executable, "-m", "motcua", *args]


def _web(o: LaunchOptions) -> list[str]:
    return motcua("runserver", f"{o.host}:{o.port}", *([] if o.reload else ["--noreload"]))


def _vnpost(o: LaunchOptions) -> list[str]:
    """The carrier sandbox, posting its status changes to this site."""
    callback = f"http://{o.host}:{o.port}/buu-chinh/thong-bao/"
    port = str(o.port + 25)  # 8025 beside 8000: VNPOST_BASE_URL's default
    return motcua("vnpost_sandbox", "--host", o.host, "--port", port, "--callback", callback)


PROCESSES: tuple[Process, ...] = (
    Process("web", _web),
    Process("worker", lambda o: motcua("db_worker", "--interval", "2")),
    Process("scheduler", lambda o: motcua("run_scheduler", "--interval", "30")),
    Process("vnpost", _vnpost),
)
