"""The adapter to the National Public Service Portal (DVCQG) through the
provincial integration gateway, and to the measurement system (EMC).

The domain (``motcua.national``) sees :class:`NationalPortal`,
:class:`PortalError` and the answers as plain dicts. The session token is
kept per client and renewed before it expires; an answer "session expired"
makes the client log in once more and repeat the call once.

Errors are classified for the outbox: ``temporary`` (network, timeouts, HTTP
5xx, an answer that is not JSON, a session that keeps expiring) — retry later;
otherwise permanent (the other side refused the content: fix the mapping)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from motcua.integrations.national_portal import protocol as p


class PortalError(Exception):
    """A call that did not succeed; ``temporary`` says whether trying again
    later may; ``answer`` is what the other side said (may be empty)."""

    def __init__(self, message: str, *, temporary: bool, code: str = "", answer: str = "") -> None:
        super().__init__(message)
        self.temporary = temporary
        self.code = code
        self.answer = answer


def _post(url: str, body: Mapping[str, Any], timeout: float) -> tuple[int, dict[str, Any], str]:
    """POST JSON; (HTTP status, JSON object, raw text). Network trouble and
    answers that are not a JSON object are temporary :class:`PortalError`."""
    if not url.startswith(("http://", "https://")):
        raise PortalError(f"không phải địa chỉ HTTP: {url!r}", temporary=False)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read(2_000_000)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(2_000_000)
        if status >= 500 or status in (408, 429):
            raise PortalError(
                f"HTTP {status}", temporary=True, answer=raw[:500].decode("utf-8", "replace")
            ) from error
    except (OSError, TimeoutError) as error:
        raise PortalError(f"không kết nối được: {error}", temporary=True) from error
    text = raw[:2000].decode("utf-8", "replace")
    try:
        answer = json.loads(raw)
    except ValueError as error:
        raise PortalError("câu trả lời không phải JSON", temporary=True, answer=text) from error
    if not isinstance(answer, dict):
        raise PortalError("câu trả lời không phải đối tượng JSON", temporary=True, answer=text)
    return status, answer, text


class NationalPortal:
    """One client per process (see :func:`motcua.national.gateway.portal`).
    Thread-safe: the session is shared under a lock."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        unit_code: str,
        timeout: float = 10.0,
        clock: Any = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username, self.password = username, password
        self.unit_code = unit_code
        self.timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._session = ""
        self._expires = 0.0
        self.logins = 0

    # ------------------------------------------------------------ session
    def _login(self) -> str:
        status, answer, text = _post(
            f"{self.base_url}/auth",
            {"username": self.username, "password": self.password},
            self.timeout,
        )
        session = answer.get("session")
        if status != 200 or str(answer.get("error_code")) != "0" or not isinstance(session, str):
            # Wrong credentials are a configuration fault: nothing resent will fix it
            # until an administrator does, but the messages must not be lost either.
            raise PortalError(
                f"đăng nhập cổng kết nối thất bại: {answer.get('message', status)}",
                temporary=True,
                code="auth",
                answer=text,
            )
        try:
            lifetime = float(answer.get("expires_in", 1800))
        except (TypeError, ValueError):
            lifetime = 1800.0
        self.logins += 1
        self._session = session
        # Renew a little before the gateway would expire it.
        self._expires = self._clock() + max(0.0, lifetime - 30)
        return session

    def _current_session(self, *, renew: bool = False) -> str:
        with self._lock:
            if renew or not self._session or self._clock() >= self._expires:
                return self._login()
            return self._session

    # ------------------------------------------------------------ calls
    def call(self, service: str, **fields: Any) -> dict[str, Any]:
        """One gateway service; the answer when ``error_code`` is ``"00"``,
        :class:`PortalError` otherwise. An expired session is renewed once."""
        if service not in p.SERVICES:
            raise ValueError(service)
        for attempt in (1, 2):
            session = self._current_session(renew=attempt == 2)
            body = {"session": session, "madonvi": self.unit_code, "service": service, **fields}
            status, answer, text = _post(f"{self.base_url}/integration", body, self.timeout)
            code = str(answer.get("error_code", ""))
            if code == p.SESSION_EXPIRED or status == 401:
                if attempt == 1:
                    continue
                raise PortalError(
                    "phiên làm việc hết hạn cả sau khi đăng nhập lại",
                    temporary=True,
                    code=code,
                    answer=text,
                )
            if code == p.OK:
                return answer
            message = str(answer.get("message", "")) or f"mã lỗi {code!r}"
            details = [
                "; ".join(str(e) for e in r.get("errors", []))
                for r in answer.get("ketqua", [])
                if isinstance(r, dict) and r.get("error_code") != p.OK
            ]
            if details:
                message = f"{message}: {' | '.join(details)}"
            raise PortalError(message, temporary=False, code=code or "?", answer=text)
        raise AssertionError("unreachable")

    def sync_dossier(
        self, record: Mapping[str, Any], *, key: str, updating: bool
    ) -> dict[str, Any]:
        return self.call(
            "DongBoHoSoMC",
            MaThongDiep=key,
            isUpdating="True" if updating else "False",
            data=[dict(record)],
        )

    def progress(self, records: list[Mapping[str, Any]], *, key: str) -> dict[str, Any]:
        return self.call("CapNhatTienDoHoSoMC", MaThongDiep=key, data=[dict(r) for r in records])

    def lookup(self, codes: list[str]) -> dict[str, dict[str, Any]]:
        """``TraCuuHoSo`` for up to :data:`protocol.LOOKUP_BATCH` codes: what the
        portal holds per code (``{"TonTai": False}`` for an unknown one). An
        answer that leaves a code out or is malformed is a temporary error
        for the whole batch (the caller retries it)."""
        if not codes or len(codes) > p.LOOKUP_BATCH:
            raise ValueError("1..LOOKUP_BATCH codes")
        answer = self.call("TraCuuHoSo", danhsachmahoso=list(codes))
        data = answer.get("data")
        if not isinstance(data, list):
            raise PortalError("TraCuuHoSo: thiếu data", temporary=True, answer=str(answer)[:500])
        found: dict[str, dict[str, Any]] = {}
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("MaHoSo"), str):
                found[item["MaHoSo"]] = item
        missing = [c for c in codes if c not in found]
        if missing:
            raise PortalError(f"TraCuuHoSo: không trả lời cho {len(missing)} mã", temporary=True)
        return found

    def procedures(self) -> list[dict[str, Any]]:
        data = self.call("LayDanhSachTTHC").get("data")
        if not isinstance(data, list):
            raise PortalError("LayDanhSachTTHC: thiếu data", temporary=True)
        return [d for d in data if isinstance(d, dict)]

    def procedure(self, code: str) -> dict[str, Any]:
        data = self.call("LayThuTuc", maTTHC=code).get("data")
        if not isinstance(data, dict):
            raise PortalError(f"LayThuTuc {code}: thiếu data", temporary=True)
        return data


class Measurement:
    """The measurement system's (EMC) server-side dossier events."""

    def __init__(self, *, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, event: Mapping[str, Any], *, key: str) -> dict[str, Any]:
        status, answer, text = _post(self.url, {**event, "MaThongDiep": key}, self.timeout)
        if str(answer.get("error_code", "")) == p.OK:
            return answer
        raise PortalError(
            str(answer.get("message", "")) or f"HTTP {status}",
            temporary=False,
            code=str(answer.get("error_code", "")),
            answer=text,
        )
