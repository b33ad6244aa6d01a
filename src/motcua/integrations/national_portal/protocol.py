"""The provincial integration gateway's protocol for the National Public
Service Portal (DVCQG), as the adapter and the simulator both speak it
(domain.md §5.2). Pure functions: no I/O, no database.

- ``POST {base}/auth`` with ``{"username", "password"}`` answers
  ``{"error_code": 0, "session": "…", "expires_in": <seconds>}``.
- ``POST {base}/integration`` with ``{"session", "madonvi", "service", …}``
  answers ``{"error_code": "00", …}`` on success; any other ``error_code`` is
  a refusal with a ``message`` (and, for a refused payload, ``errors``).
- ``POST {base}/TrackingMCDT``: the measurement system's (EMC) dossier events
  (domain.md §6.2), answered ``{"error_code": "00"}``.

Every message the site sends carries ``MaThongDiep``, its idempotency key
(the outbox row's key): a second delivery of the same key is answered as the
first was and changes nothing on the receiving side."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
TIMESTAMP_RE = re.compile(r"^\d{14}$")

SERVICES = (
    "DongBoHoSoMC",
    "CapNhatTienDoHoSoMC",
    "TraCuuHoSo",
    "LayThuTuc",
    "LayDanhSachTTHC",
)

#: ``error_code`` values of the gateway.
OK = "00"
INVALID = "01"  # the payload was refused (required field, code format): permanent
TRANSITION = "02"  # a status change that makes no sense: permanent
UNKNOWN_DOSSIER = "03"  # progress for a dossier the portal does not hold
UNKNOWN_SERVICE = "04"
SESSION_EXPIRED = "99"  # log in again

#: The status codes after which nothing moves any more (domain.md §5.1).
FINAL_STATUSES = frozenset({3, 7, 8, 10})

DOSSIER_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{5,99}$")
PROCEDURE_CODE_RE = re.compile(r"^[0-9][0-9.]{3,29}$")
SUBJECT_ID_RE = re.compile(r"^(\d{12}|\d{10}|\d{13}|\d{10}-\d{3})$")

#: Largest batch of dossier codes one ``TraCuuHoSo`` call may ask about.
LOOKUP_BATCH = 100


def timestamp(moment: datetime.datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time (``""`` for no moment)."""
    if moment is None:
        return ""
    return moment.astimezone(VN_TZ).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime.datetime:
    """A gateway timestamp back to an aware moment; ``ValueError`` if malformed."""
    if not TIMESTAMP_RE.match(text or ""):
        raise ValueError(f"not yyyyMMddHHmmss: {text!r}")
    return datetime.datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=VN_TZ)


def transition_allowed(before: int | None, after: int) -> bool:
    """Whether the portal accepts a dossier moving from ``before`` (``None``:
    not known yet) to ``after``: nothing leaves a final status, nothing goes
    back to 1 (newly registered), and a processed dossier (9) can only be
    returned (10)."""
    if before is None or before == after:
        return True
    if before in FINAL_STATUSES:
        return False
    if after == 1:
        return False
    return not (before == 9 and after != 10)


DOSSIER_REQUIRED = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "ChuHoSo",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "NgayTiepNhan",
    "TrangThaiHoSo",
    "DonViXuLy",
)
PROGRESS_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")
EMC_REQUIRED = ("CodeProfile", "SiteId", "CodeTTHC", "MaHoSo", "Status", "FormsReception")


def _status(value: Any, errors: list[str], field: str) -> None:
    if str(value) not in {str(n) for n in range(1, 11)}:
        errors.append(f"{field}: mã trạng thái phải từ 1 đến 10")


def _moment(record: Mapping[str, Any], field: str, errors: list[str], *, required: bool) -> None:
    value = record.get(field)
    if value in (None, ""):
        if required:
            errors.append(f"{field}: bắt buộc")
        return
    if not isinstance(value, str) or not TIMESTAMP_RE.match(value):
        errors.append(f"{field}: phải theo định dạng yyyyMMddHHmmss")


def dossier_errors(record: Any) -> list[str]:
    """What a strict receiver refuses in one ``DongBoHoSoMC`` record."""
    if not isinstance(record, Mapping):
        return ["bản ghi hồ sơ phải là một đối tượng"]
    errors = [f"{f}: bắt buộc" for f in DOSSIER_REQUIRED if record.get(f) in (None, "")]
    procedure = record.get("MaTTHC")
    if procedure and not (isinstance(procedure, str) and PROCEDURE_CODE_RE.match(procedure)):
        errors.append("MaTTHC: sai định dạng")
    code = record.get("MaHoSo")
    if code and not (isinstance(code, str) and DOSSIER_CODE_RE.match(code)):
        errors.append("MaHoSo: sai định dạng")
    if record.get("LoaiDoiTuong") not in (None, "") and str(record["LoaiDoiTuong"]) not in (
        "1",
        "2",
    ):
        errors.append("LoaiDoiTuong: phải là 1 (công dân) hoặc 2 (doanh nghiệp)")
    subject = record.get("MaDoiTuong")
    if subject and not (isinstance(subject, str) and SUBJECT_ID_RE.match(subject)):
        errors.append("MaDoiTuong: số định danh hoặc mã số thuế sai định dạng")
    if record.get("TrangThaiHoSo") not in (None, ""):
        _status(record["TrangThaiHoSo"], errors, "TrangThaiHoSo")
    _moment(record, "NgayTiepNhan", errors, required=True)
    for field in ("NgayHenTra", "NgayTra", "NgayKetThucXuLy"):
        _moment(record, field, errors, required=False)
    if str(record.get("HinhThuc", "0")) not in ("0", "1"):
        errors.append("HinhThuc: phải là 0 hoặc 1")
    for list_field in ("TaiLieuNop", "DanhSachLePhi", "DanhSachGiayToKetQua"):
        items = record.get(list_field, [])
        if not isinstance(items, list):
            errors.append(f"{list_field}: phải là một danh sách")
            continue
        for item in items:
            if not isinstance(item, Mapping):
                errors.append(f"{list_field}: mỗi phần tử phải là một đối tượng")
            elif list_field != "DanhSachLePhi":
                url = item.get("DuongDanTaiTepTin") or item.get("DuongDanTepTinKetQua")
                if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
                    errors.append(f"{list_field}: thiếu đường dẫn tải tệp")
    return errors


def progress_errors(record: Any) -> list[str]:
    """What a strict receiver refuses in one ``CapNhatTienDoHoSoMC`` record."""
    if not isinstance(record, Mapping):
        return ["bản ghi tiến độ phải là một đối tượng"]
    errors = [f"{f}: bắt buộc" for f in PROGRESS_REQUIRED if record.get(f) in (None, "")]
    if record.get("TrangThai") not in (None, ""):
        _status(record["TrangThai"], errors, "TrangThai")
    _moment(record, "ThoiDiemXuLy", errors, required=True)
    for field in ("NgayBatDau", "NgayKetThucTheoQuyDinh"):
        _moment(record, field, errors, required=False)
    return errors


def measurement_errors(record: Any) -> list[str]:
    """What the measurement system (EMC) refuses in one dossier event."""
    if not isinstance(record, Mapping):
        return ["sự kiện phải là một đối tượng"]
    errors = [f"{f}: bắt buộc" for f in EMC_REQUIRED if record.get(f) in (None, "")]
    if record.get("Status") not in (None, "") and str(record["Status"]) not in "01234":
        errors.append("Status: phải là 0, 1, 2, 3 hoặc 4")
    if str(record.get("FormsReception", "1")) not in ("1", "2"):
        errors.append("FormsReception: phải là 1 hoặc 2")
    if str(record.get("FormsPayments", "0")) not in ("0", "1", "2"):
        errors.append("FormsPayments: phải là 0, 1 hoặc 2")
    if str(record.get("Level", "0")) not in ("0", "1", "3", "4"):
        errors.append("Level: phải là 0, 1, 3 hoặc 4")
    user = record.get("User")
    if user is not None and not isinstance(user, Mapping):
        errors.append("User: phải là một đối tượng")
    return errors
