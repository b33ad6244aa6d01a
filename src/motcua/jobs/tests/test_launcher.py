"""``motcua devserver`` starts web, worker and scheduler and stops them all
on SIGINT (Ctrl-C). Real processes on a real port; every wait is a bounded
number of polls, never a timing assertion."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from motcua.jobs.processes import PROCESSES

PORT = 18310
POLLS = 1200  # × 0.1 s at most, per wait


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not reaped) is not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _poll(condition: object) -> bool:
    assert callable(condition)
    for _ in range(POLLS):
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_devserver_starts_its_children_and_stops_them_on_ctrl_c(tmp_path: Path) -> None:
    if _port_open(PORT):
        pytest.skip(f"port {PORT} is busy")
    env = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'launcher.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"):
        env.pop(name, None)
    motcua = [sys.executable, "-m", "motcua"]
    subprocess.run([*motcua, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    log = tmp_path / "devserver.log"
    with log.open("wb") as out:
        launcher = subprocess.Popen(  # noqa: S603
            [*motcua, "devserver", "--port", str(PORT), "--noreload"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            assert _poll(lambda: _port_open(PORT) or launcher.poll() is not None)
            assert launcher.poll() is None, log.read_text()
            pids = {
                name: int(pid)
                for name, pid in re.findall(r"^\[(\w+)\] pid (\d+)", log.read_text(), re.M)
            }
            assert set(pids) == {p.name for p in PROCESSES}, log.read_text()
            assert all(_alive(pid) for pid in pids.values())
            # DEBUG off and no key configured: the demo made its own (not the built-in one).
            key = tmp_path / "demo-secret-key"
            assert key.stat().st_mode & 0o077 == 0 and len(key.read_text()) > 40
            launcher.send_signal(signal.SIGINT)
            assert _poll(lambda: launcher.poll() is not None), log.read_text()
            assert launcher.returncode == 0, log.read_text()
            assert _poll(lambda: not any(_alive(pid) for pid in pids.values()))
            assert _poll(lambda: not _port_open(PORT))
        finally:
            if launcher.poll() is None:
                launcher.kill()
                launcher.wait()
