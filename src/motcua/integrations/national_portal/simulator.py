"""The national-portal simulator: the provincial gateway in front of the
National Public Service Portal (DVCQG) and the measurement system (EMC), as a
real HTTP server (stdlib) that a site or an integrator's own system can talk
to. ``motcua national_portal_sandbox`` runs it; tests start it in a thread.

It is a *strict* receiver (see :mod:`.protocol`): required fields, code and
timestamp formats, status transitions that make sense, progress only for a
dossier it holds, and idempotency on ``MaThongDiep`` (a redelivered message
is answered as the first time, changes nothing, and is logged as
``duplicate``). What it receives is kept in SQLite (``:memory:`` or a file,
so a restarted simulator still remembers) and every request is logged.

Pages and control endpoints:

``GET /``                 the status page (dossiers, status history, EMC events)
``GET /_dossiers``        JSON: every dossier with its status history
``GET /_log``             JSON: every request (service, key, outcome, detail)
``GET /_measurements``    JSON: the EMC events received
``POST /_control``        ``{"mode": M, "times": n, "seconds": s}`` where M is
                          ``ok``, ``error`` (HTTP 500), ``timeout`` (answer after
                          ``seconds``), ``garbage`` (200, not JSON),
                          ``expire_sessions`` (every session expires now) or
                          ``down`` (stop listening for ``seconds``)
``POST /_reset``          forget everything
"""

from __future__ import annotations

import html
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from motcua.integrations.national_portal import protocol as p
from motcua.integrations.running import Lifecycle, QuietHandler

MODES = ("ok", "error", "timeout", "garbage", "expire_sessions", "down")
MAX_BODY = 5_000_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dossier (
    code TEXT PRIMARY KEY, status INTEGER NOT NULL, unit TEXT NOT NULL,
    record TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL, status INTEGER NOT NULL,
    key TEXT NOT NULL, at TEXT NOT NULL, content TEXT NOT NULL, received REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS message (key TEXT PRIMARY KEY, service TEXT, answer TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS measurement (
    key TEXT PRIMARY KEY, code TEXT NOT NULL, status TEXT NOT NULL, record TEXT NOT NULL,
    received REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, received REAL NOT NULL, service TEXT NOT NULL,
    key TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL
);
"""


class Reply:
    def __init__(
        self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8"
    ) -> None:
        self.status, self.body, self.content_type = status, body, content_type


def _json(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode())


def _answer(code: str, message: str = "", **extra: Any) -> dict[str, Any]:
    return {"error_code": code, "message": message, **extra}


class NationalPortalSimulator(Lifecycle):
    """The gateway, DVCQG and EMC in one process (see the module docstring)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "motcua",
        password: str = "motcua",  # noqa: S107 - the sandbox's documented default
        session_seconds: int = 1800,
        database: str | Path = ":memory:",
        catalog: list[dict[str, Any]] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.session_seconds = session_seconds
        self.catalog = list(catalog or [])
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(database), check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        self._sessions: dict[str, float] = {}
        self._mode, self._times, self._delay = "ok", 0, 30.0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._down_until = 0.0

    # ------------------------------------------------------------ control
    def fail(self, mode: str, *, times: int = -1, seconds: float = 30.0) -> None:
        """Switch a failure mode (``ok`` switches back). ``times``: how many
        requests fail (``-1``: until switched back)."""
        if mode not in MODES:
            raise ValueError(mode)
        if mode == "expire_sessions":
            with self._lock:
                self._sessions.clear()
            return
        if mode == "down":
            self.go_down(seconds)
            return
        with self._lock:
            self._mode, self._times, self._delay = mode, times, seconds

    def go_down(self, seconds: float) -> None:
        """Stop listening now and listen again on the same port after
        ``seconds`` (what is kept stays kept)."""
        self._down_until = time.monotonic() + seconds

        def outage() -> None:
            self._stop_server()
            time.sleep(max(0.0, self._down_until - time.monotonic()))
            for _attempt in range(50):
                try:
                    self._start_server()
                    return
                except OSError:
                    time.sleep(0.1)

        threading.Thread(target=outage, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            for table in ("dossier", "history", "message", "measurement", "log"):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
            self._sessions.clear()
            self._mode, self._times, self.requests = "ok", 0, 0

    def _next_mode(self) -> str:
        with self._lock:
            self.requests += 1
            mode = self._mode
            if mode != "ok" and self._times > 0:
                self._times -= 1
                if self._times == 0:
                    self._mode = "ok"
            return mode

    # ------------------------------------------------------------ reads
    def dossiers(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT code, status, unit, record FROM dossier ORDER BY created, code"
            ).fetchall()
            history = self._db.execute(
                "SELECT code, status, key, at, content FROM history ORDER BY id"
            ).fetchall()
        by_code: dict[str, list[dict[str, Any]]] = {}
        for code, status, key, at, content in history:
            by_code.setdefault(code, []).append(
                {"status": status, "key": key, "at": at, "content": content}
            )
        return [
            {
                "code": code,
                "status": status,
                "unit": unit,
                "record": json.loads(record),
                "history": by_code.get(code, []),
            }
            for code, status, unit, record in rows
        ]

    def history(self, code: str) -> list[int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT status FROM history WHERE code = ? ORDER BY id", [code]
            ).fetchall()
        return [r[0] for r in rows]

    def log(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT received, service, key, outcome, detail FROM log ORDER BY id"
            ).fetchall()
        return [
            {"received": r[0], "service": r[1], "key": r[2], "outcome": r[3], "detail": r[4]}
            for r in rows
        ]

    def measurements(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, record FROM measurement ORDER BY received, key"
            ).fetchall()
        return [{"key": key, **json.loads(record)} for key, record in rows]

    def _log(self, service: str, key: str, outcome: str, detail: str = "") -> None:
        self._db.execute(
            "INSERT INTO log (received, service, key, outcome, detail) VALUES (?, ?, ?, ?, ?)",
            [time.time(), service, key, outcome, detail[:2000]],
        )

    # ------------------------------------------------------------ protocol
    def login(self, body: Mapping[str, Any]) -> Reply:
        if body.get("username") != self.username or body.get("password") != self.password:
            with self._lock:
                self._log("auth", "", "refused", "sai tên đăng nhập hoặc mật khẩu")
            return _json(401, {"error_code": 1, "message": "sai tên đăng nhập hoặc mật khẩu"})
        session = secrets.token_hex(16)
        with self._lock:
            self._sessions[session] = time.monotonic() + self.session_seconds
        return _json(200, {"error_code": 0, "session": session, "expires_in": self.session_seconds})

    def _session_valid(self, session: Any) -> bool:
        with self._lock:
            until = self._sessions.get(str(session))
            if until is None:
                return False
            if until < time.monotonic():
                self._sessions.pop(str(session), None)
                return False
            return True

    def integration(self, body: Mapping[str, Any]) -> Reply:
        service = str(body.get("service", ""))
        key = str(body.get("MaThongDiep", ""))
        if not self._session_valid(body.get("session")):
            with self._lock:
                self._log(service or "?", key, "session_expired")
            return _json(401, _answer(p.SESSION_EXPIRED, "phiên làm việc đã hết hạn"))
        handlers: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            "DongBoHoSoMC": self._sync_dossier,
            "CapNhatTienDoHoSoMC": self._progress,
            "TraCuuHoSo": self._lookup,
            "LayDanhSachTTHC": self._procedures,
            "LayThuTuc": self._procedure,
        }
        handler = handlers.get(service)
        if handler is None:
            with self._lock:
                self._log(service or "?", key, "refused", "dịch vụ không tồn tại")
            return _json(200, _answer(p.UNKNOWN_SERVICE, f"dịch vụ không tồn tại: {service}"))
        if not str(body.get("madonvi", "")).strip():
            with self._lock:
                self._log(service, key, "refused", "thiếu madonvi")
            return _json(200, _answer(p.INVALID, "madonvi: bắt buộc"))
        writes = service in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC")
        if writes and not key:
            with self._lock:
                self._log(service, key, "refused", "thiếu MaThongDiep")
            return _json(200, _answer(p.INVALID, "MaThongDiep: bắt buộc"))
        with self._lock:
            if writes:
                known = self._db.execute(
                    "SELECT answer FROM message WHERE key = ?", [key]
                ).fetchone()
                if known is not None:
                    self._log(service, key, "duplicate")
                    return _json(200, {**json.loads(known[0]), "duplicate": True})
            self._db.execute("BEGIN")
            try:
                answer = handler(body)
                if writes and answer["error_code"] == p.OK:
                    self._db.execute(
                        "INSERT INTO message (key, service, answer) VALUES (?, ?, ?)",
                        [key, service, json.dumps(answer, ensure_ascii=False)],
                    )
                outcome = "accepted" if answer["error_code"] == p.OK else "refused"
                if writes or outcome == "refused":
                    self._log(service, key, outcome, answer.get("message", ""))
                self._db.execute("COMMIT")
            except Exception:
                self._db.execute("ROLLBACK")
                raise
        return _json(200, answer)

    def _sync_dossier(self, body: Mapping[str, Any]) -> dict[str, Any]:
        updating = str(body.get("isUpdating", "")).lower()
        if updating not in ("true", "false"):
            return _answer(p.INVALID, 'isUpdating: phải là "True" hoặc "False"')
        records = body.get("data")
        if not isinstance(records, list) or not records:
            return _answer(p.INVALID, "data: phải là danh sách hồ sơ")
        results, now = [], time.time()
        for record in records:
            errors = p.dossier_errors(record)
            code = str(record.get("MaHoSo", "")) if isinstance(record, Mapping) else ""
            if errors:
                results.append({"MaHoSo": code, "error_code": p.INVALID, "errors": errors})
                continue
            status = int(record["TrangThaiHoSo"])
            row = self._db.execute("SELECT status FROM dossier WHERE code = ?", [code]).fetchone()
            if row is None and updating == "true":
                results.append(
                    {"MaHoSo": code, "error_code": p.UNKNOWN_DOSSIER, "errors": ["chưa có"]}
                )
                continue
            if row is not None and not p.transition_allowed(row[0], status):
                results.append(
                    {
                        "MaHoSo": code,
                        "error_code": p.TRANSITION,
                        "errors": [f"không thể chuyển trạng thái {row[0]} → {status}"],
                    }
                )
                continue
            self._db.execute(
                "INSERT INTO dossier (code, status, unit, record, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                "status = excluded.status, record = excluded.record, updated = excluded.updated",
                [
                    code,
                    status,
                    str(body["madonvi"]),
                    json.dumps(record, ensure_ascii=False),
                    now,
                    now,
                ],
            )
            results.append({"MaHoSo": code, "error_code": p.OK})
        return self._batch_answer(results)

    def _progress(self, body: Mapping[str, Any]) -> dict[str, Any]:
        records = body.get("data")
        if not isinstance(records, list) or not records:
            return _answer(p.INVALID, "data: phải là danh sách tiến độ")
        results, key = [], str(body.get("MaThongDiep", ""))
        for index, record in enumerate(records):
            errors = p.progress_errors(record)
            code = str(record.get("MaHoSo", "")) if isinstance(record, Mapping) else ""
            if errors:
                results.append({"MaHoSo": code, "error_code": p.INVALID, "errors": errors})
                continue
            status = int(record["TrangThai"])
            row = self._db.execute("SELECT status FROM dossier WHERE code = ?", [code]).fetchone()
            if row is None:
                results.append(
                    {"MaHoSo": code, "error_code": p.UNKNOWN_DOSSIER, "errors": ["chưa có"]}
                )
                continue
            last = self._db.execute(
                "SELECT status FROM history WHERE code = ? ORDER BY id DESC LIMIT 1", [code]
            ).fetchone()
            before = last[0] if last is not None else None
            if not p.transition_allowed(before, status):
                results.append(
                    {
                        "MaHoSo": code,
                        "error_code": p.TRANSITION,
                        "errors": [f"không thể chuyển trạng thái {before} → {status}"],
                    }
                )
                continue
            self._db.execute(
                "INSERT INTO history (code, status, key, at, content, received) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    code,
                    status,
                    f"{key}#{index}" if len(records) > 1 else key,
                    str(record["ThoiDiemXuLy"]),
                    str(record.get("NoiDungXuLy", "")),
                    time.time(),
                ],
            )
            self._db.execute("UPDATE dossier SET status = ? WHERE code = ?", [status, code])
            results.append({"MaHoSo": code, "error_code": p.OK})
        return self._batch_answer(results)

    def _batch_answer(self, results: list[dict[str, Any]]) -> dict[str, Any]:
        failed = [r for r in results if r["error_code"] != p.OK]
        if not failed:
            return _answer(p.OK, "thành công", ketqua=results)
        if len(failed) < len(results):
            # A partial batch is refused as a whole: nothing of it is kept.
            raise _PartialBatch(_answer(failed[0]["error_code"], "lỗi một phần", ketqua=results))
        return _answer(failed[0]["error_code"], "; ".join(failed[0]["errors"]), ketqua=results)

    def _lookup(self, body: Mapping[str, Any]) -> dict[str, Any]:
        codes = body.get("danhsachmahoso")
        if codes is None and body.get("mahoso"):
            codes = [body["mahoso"]]
        if not isinstance(codes, list) or not codes or len(codes) > p.LOOKUP_BATCH:
            return _answer(p.INVALID, f"mahoso: từ 1 đến {p.LOOKUP_BATCH} mã hồ sơ")
        data = []
        for code in codes:
            row = self._db.execute(
                "SELECT status, updated FROM dossier WHERE code = ?", [str(code)]
            ).fetchone()
            if row is None:
                data.append({"MaHoSo": str(code), "TonTai": False})
                continue
            count = self._db.execute(
                "SELECT COUNT(*) FROM history WHERE code = ?", [str(code)]
            ).fetchone()[0]
            data.append(
                {"MaHoSo": str(code), "TonTai": True, "TrangThaiHoSo": row[0], "SoTienDo": count}
            )
        return _answer(p.OK, "thành công", data=data)

    def _procedures(self, body: Mapping[str, Any]) -> dict[str, Any]:
        data = [
            {"MaTTHC": r.get("code"), "TenTTHC": r.get("name"), "LinhVuc": r.get("field")}
            for r in self.catalog
        ]
        return _answer(p.OK, "thành công", data=data)

    def _procedure(self, body: Mapping[str, Any]) -> dict[str, Any]:
        code = str(body.get("maTTHC", ""))
        for record in self.catalog:
            if record.get("code") == code:
                return _answer(p.OK, "thành công", data=record)
        return _answer(p.UNKNOWN_DOSSIER, f"không có thủ tục {code}")

    def measurement(self, body: Mapping[str, Any]) -> Reply:
        key = str(body.get("MaThongDiep", ""))
        errors = p.measurement_errors(body)
        if not key:
            errors.append("MaThongDiep: bắt buộc")
        with self._lock:
            if errors:
                self._log("TrackingMCDT", key, "refused", "; ".join(errors))
                return _json(200, _answer(p.INVALID, "; ".join(errors)))
            known = self._db.execute("SELECT 1 FROM measurement WHERE key = ?", [key]).fetchone()
            if known is not None:
                self._log("TrackingMCDT", key, "duplicate")
                return _json(200, _answer(p.OK, "thành công", duplicate=True))
            record = {k: v for k, v in body.items() if k != "MaThongDiep"}
            self._db.execute(
                "INSERT INTO measurement (key, code, status, record, received) VALUES (?,?,?,?,?)",
                [
                    key,
                    str(body["MaHoSo"]),
                    str(body["Status"]),
                    json.dumps(record, ensure_ascii=False),
                    time.time(),
                ],
            )
            self._log("TrackingMCDT", key, "accepted")
        return _json(200, _answer(p.OK, "thành công"))

    # ------------------------------------------------------------ page
    def page(self) -> Reply:
        rows = []
        for dossier in self.dossiers():
            steps = " → ".join(str(h["status"]) for h in dossier["history"]) or "—"
            rows.append(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                    html.escape(dossier["code"]),
                    html.escape(str(dossier["record"].get("TenTTHC", ""))),
                    dossier["status"],
                    html.escape(steps),
                )
            )
        events = [
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(str(m.get("MaHoSo", ""))),
                html.escape(str(m.get("Status", ""))),
                html.escape(str(m.get("CodeTTHC", ""))),
            )
            for m in self.measurements()
        ]
        body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Cổng Dịch vụ công quốc gia (mô phỏng)</title></head><body><main>
<h1>Cổng Dịch vụ công quốc gia (mô phỏng)</h1>
<p>Số yêu cầu đã nhận: {self.requests}. Chế độ: {html.escape(self._mode)}.</p>
<h2>Hồ sơ đã đồng bộ ({len(rows)})</h2>
<table><thead><tr><th scope="col">Mã hồ sơ</th><th scope="col">Thủ tục</th>
<th scope="col">Trạng thái</th><th scope="col">Lịch sử trạng thái</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Sự kiện gửi hệ thống đo lường ({len(events)})</h2>
<table><thead><tr><th scope="col">Mã hồ sơ</th><th scope="col">Trạng thái</th>
<th scope="col">Mã thủ tục</th></tr></thead><tbody>{"".join(events)}</tbody></table>
</main></body></html>"""
        return Reply(200, body.encode(), "text/html; charset=utf-8")

    # ------------------------------------------------------------ server
    def handle(self, method: str, path: str, raw: bytes) -> Reply | None:
        """The reply to one request (``None``: close without answering)."""
        path = path.split("?")[0].rstrip("/") or "/"
        if method == "GET":
            gets: dict[str, Callable[[], Reply]] = {
                "/": self.page,
                "/_dossiers": lambda: _json(200, {"dossiers": self.dossiers()}),
                "/_log": lambda: _json(200, {"log": self.log()}),
                "/_measurements": lambda: _json(200, {"events": self.measurements()}),
            }
            action = gets.get(path)
            return action() if action else _json(404, {"error": "not found"})
        if path == "/_control":
            return _control(self, raw)
        if path == "/_reset":
            self.reset()
            return _json(200, {"ok": True})
        routes: dict[str, Callable[[Mapping[str, Any]], Reply]] = {
            "/auth": self.login,
            "/integration": self.integration,
            "/TrackingMCDT": self.measurement,
        }
        route = routes.get(path)
        if route is None:
            return _json(404, {"error": "not found"})
        mode = self._next_mode()
        if mode == "error":
            return Reply(500, b"<html>Internal Server Error</html>", "text/html")
        if mode == "garbage":
            return Reply(200, b"<html>\x00ok?", "text/html")
        if mode == "timeout":
            time.sleep(self._delay)
        try:
            body = json.loads(raw)
        except ValueError:
            return _json(400, _answer(p.INVALID, "nội dung không phải JSON"))
        if not isinstance(body, dict):
            return _json(400, _answer(p.INVALID, "nội dung phải là một đối tượng JSON"))
        try:
            return route(body)
        except _PartialBatch as partial:
            with self._lock:
                self._log(
                    str(body.get("service", "")),
                    str(body.get("MaThongDiep", "")),
                    "refused",
                    "lỗi một phần của lô",
                )
            return _json(200, partial.answer)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        simulator = self

        class Handler(QuietHandler):
            def _reply(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_error(413)
                    return
                raw = self.rfile.read(length) if length else b""
                reply = simulator.handle(method, self.path, raw)
                if reply is None:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def do_GET(self) -> None:
                self._reply("GET")

            def do_POST(self) -> None:
                self._reply("POST")

        return Handler

    def _start_server(self) -> None:
        server = ThreadingHTTPServer((self.host, self.port), self._handler())
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def _stop_server(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def start(self) -> Self:
        self._start_server()
        return self

    def stop(self) -> None:
        self._down_until = 0.0
        self._stop_server()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class _PartialBatch(Exception):
    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__(answer.get("message", ""))
        self.answer = answer


def _control(simulator: NationalPortalSimulator, raw: bytes) -> Reply:
    try:
        body = json.loads(raw)
        simulator.fail(
            str(body["mode"]),
            times=int(body.get("times", -1)),
            seconds=float(body.get("seconds", 30)),
        )
    except (ValueError, KeyError, TypeError):
        return _json(400, {"error": "bad control request"})
    return _json(200, {"ok": True})


def load_catalog(path: Path) -> list[dict[str, Any]]:
    """The procedure records the simulator's DVCQG serves (the project's
    catalogue file, schema_version 1)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("procedures", []))
