"""The national payment platform's protocol (domain.md §5.3), shared by the
client and the sandbox: the INIT message (``LoaiBanTin="INIT"``,
``PhienBan="1.0.6"``, …) with ``MaXacThuc`` = SHA-256 (hex) of the
pipe-joined fields followed by the shared secret; the NOTIFY callback and
the CHECK (confirm/check) call are signed the same way over their fields;
the receipt block ``ThongTinBienLai`` travels with INIT."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping, Sequence

VERSION = "1.0.6"
GMT7 = datetime.timezone(datetime.timedelta(hours=7))
INIT_PATH = "/api/thanhtoan/init"
CHECK_PATH = "/api/thanhtoan/check"
PAY_PATH = "/thanhtoan"
CONFIRM_PATH = "/thanhtoan/xacnhan"

INIT_FIELDS: tuple[str, ...] = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
    "UrlTraVe",
    "UrlThongBao",
)
INIT_ANSWER_FIELDS: tuple[str, ...] = ("MaLoi", "MaThamChieu", "UrlThanhToan")
NOTIFY_FIELDS: tuple[str, ...] = (
    "LoaiBanTin",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaGiaoDich",
    "TrangThai",
    "ThoiGianGD",
)
CHECK_FIELDS: tuple[str, ...] = ("LoaiBanTin", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
CHECK_ANSWER_FIELDS: tuple[str, ...] = ("MaLoi", "MaThamChieu", "SoTien", "MaGiaoDich", "TrangThai")

#: REFUND (LoaiHinhThanhToan=REFUND on the platform): a full refund of a
#: paid transaction, ``MaYeuCau`` our request id (the same on every try).
REFUND_PATH = "/api/thanhtoan/refund"
REFUND_FIELDS: tuple[str, ...] = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "MaGiaoDich",
    "MaYeuCau",
    "SoTien",
    "LyDo",
    "ThoiGianGD",
)
REFUND_ANSWER_FIELDS: tuple[str, ...] = (
    "MaLoi",
    "MaThamChieu",
    "MaYeuCau",
    "SoTien",
    "MaGiaoDichHoan",
)
#: Refund MaLoi: 00 done, 06 already refunded (an earlier try), 04 unknown,
#: 05 wrong amount, 07 not refundable, 03 bad check value, 99 error.
REFUND_DONE = frozenset({"00", "06"})

#: TrangThai: 00 paid, 01 failed or cancelled, 02 pending, 03 refunded.
PAID, FAILED, PENDING, REFUNDED = "00", "01", "02", "03"


def gd_time(moment: datetime.datetime) -> str:
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def check_value(secret: str, message: Mapping[str, object], fields: Sequence[str]) -> str:
    if not secret:
        raise ValueError("no secret configured")  # fail closed
    joined = "|".join(str(message.get(f, "")) for f in fields)
    return hashlib.sha256(f"{joined}|{secret}".encode()).hexdigest()


def verify(secret: str, message: Mapping[str, object], fields: Sequence[str]) -> bool:
    given = str(message.get("MaXacThuc", "")).lower()
    if not secret or not given:
        return False
    return hmac.compare_digest(given, check_value(secret, message, fields))
