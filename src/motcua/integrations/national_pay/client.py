"""The national payment platform adapter
(:class:`motcua.payments.gateways.Gateway`): INIT over HTTP (JSON), the
NOTIFY callback verified, CHECK for reconciliation."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from motcua.integrations.http_json import post_json
from motcua.integrations.national_pay import protocol as p
from motcua.payments.gateways import (
    BadCallback,
    Charge,
    GatewayError,
    Notice,
    RefundAnswer,
    RefundRequest,
    Started,
)

ANSWERS: dict[str, tuple[str, str]] = {
    "applied": ("00", "Thành công"),
    "duplicate": ("00", "Đã ghi nhận trước đó"),
    "replay": ("02", "Giao dịch đã ở trạng thái cuối"),
    "unknown_reference": ("04", "Không tìm thấy mã tham chiếu"),
    "wrong_amount": ("05", "Sai số tiền"),
    "bad_signature": ("03", "Sai mã xác thực"),
    "malformed": ("99", "Sai định dạng"),
}


class NationalPayClient:
    name = "national"

    def __init__(self, *, base_url: str, partner: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.partner = partner
        self.secret = secret

    def _post(self, path: str, message: Mapping[str, Any]) -> dict[str, Any]:
        return post_json(self.base_url + path, message)

    def start(self, charge: Charge) -> Started:
        message: dict[str, Any] = {
            "LoaiBanTin": "INIT",
            "PhienBan": p.VERSION,
            "MaDoiTac": self.partner,
            "MaThamChieu": charge.reference,
            "SoTien": str(charge.amount_vnd),
            "LoaiHinhThanhToan": "PAY",
            "MaKenhThanhToan": "1",
            "MaThietBi": "1",
            "NgonNgu": "vi-VN",
            "MaTienTe": "VND",
            "MaNganHang": "",
            "ThongTinGiaoDich": charge.description[:255],
            "ThoiGianGD": p.gd_time(charge.created_at),
            "Ip": charge.client_ip or "127.0.0.1",
            "UrlTraVe": charge.return_url,
            "UrlThongBao": charge.notify_url,
            "ThongTinBienLai": {
                "MaTTHC": charge.procedure_code,
                "MaDVC": charge.procedure_code,
                "MaDonVi": charge.agency_code,
                "MaHoSo": charge.dossier_code,
                "DSKhoanNop": [{"NoiDung": charge.description, "SoTien": charge.amount_vnd}],
            },
        }
        message["MaXacThuc"] = p.check_value(self.secret, message, p.INIT_FIELDS)
        answer = self._post(p.INIT_PATH, message)
        if answer.get("MaLoi") != "00" or not p.verify(self.secret, answer, p.INIT_ANSWER_FIELDS):
            raise GatewayError(f"INIT: {answer.get('MaLoi')} {answer.get('MoTaLoi', '')}")
        return Started(pay_url=str(answer["UrlThanhToan"]))

    def verify_callback(self, params: Mapping[str, str]) -> Notice:
        if not p.verify(self.secret, params, p.NOTIFY_FIELDS):
            raise BadCallback("bad_signature", "sai mã xác thực")
        if params.get("MaDoiTac") != self.partner or params.get("LoaiBanTin") != "NOTIFY":
            raise BadCallback("bad_signature", "sai mã đối tác")
        try:
            amount = int(params["SoTien"])
            reference = str(params["MaThamChieu"])
        except (KeyError, ValueError) as exc:
            raise BadCallback("malformed", "thiếu trường") from exc
        return Notice(
            reference=reference,
            status="paid" if params.get("TrangThai") == p.PAID else "failed",
            amount_vnd=amount,
            transaction=str(params.get("MaGiaoDich", "")),
        )

    def callback_answer(self, outcome: str) -> tuple[int, dict[str, str]]:
        code, message = ANSWERS.get(outcome, ANSWERS["malformed"])
        return 200, {"MaLoi": code, "MoTaLoi": message}

    def query(self, *, reference: str, created_at: datetime.datetime) -> Notice:
        message: dict[str, Any] = {
            "LoaiBanTin": "CHECK",
            "MaDoiTac": self.partner,
            "MaThamChieu": reference,
            "ThoiGianGD": p.gd_time(datetime.datetime.now(tz=datetime.UTC)),
        }
        message["MaXacThuc"] = p.check_value(self.secret, message, p.CHECK_FIELDS)
        answer = self._post(p.CHECK_PATH, message)
        if not p.verify(self.secret, answer, p.CHECK_ANSWER_FIELDS):
            raise GatewayError("CHECK: bad check value")
        if answer.get("MaLoi") == "04":
            return Notice(reference=reference, status="not_found", amount_vnd=0)
        if answer.get("MaLoi") != "00":
            raise GatewayError(f"CHECK: {answer.get('MaLoi')}")
        status = {p.PAID: "paid", p.PENDING: "pending"}.get(str(answer.get("TrangThai")), "failed")
        return Notice(
            reference=reference,
            status=status,  # type: ignore[arg-type]
            amount_vnd=int(answer.get("SoTien") or 0),
            transaction=str(answer.get("MaGiaoDich", "")),
        )

    def refund(self, request: RefundRequest) -> RefundAnswer:
        """REFUND, signed like INIT; the answer's check value, reference,
        request id and amount are checked."""
        message: dict[str, Any] = {
            "LoaiBanTin": "REFUND",
            "PhienBan": p.VERSION,
            "MaDoiTac": self.partner,
            "MaThamChieu": request.reference,
            "MaGiaoDich": request.transaction,
            "MaYeuCau": request.request_id,
            "SoTien": str(request.amount_vnd),
            "LyDo": request.reason[:255],
            "ThoiGianGD": p.gd_time(datetime.datetime.now(tz=datetime.UTC)),
        }
        message["MaXacThuc"] = p.check_value(self.secret, message, p.REFUND_FIELDS)
        answer = self._post(p.REFUND_PATH, message)
        if not p.verify(self.secret, answer, p.REFUND_ANSWER_FIELDS):
            raise GatewayError("REFUND: bad check value")
        code = str(answer.get("MaLoi", ""))
        if code in p.REFUND_DONE:
            same = (
                str(answer.get("MaThamChieu")) == request.reference
                and str(answer.get("MaYeuCau")) == request.request_id
                and str(answer.get("SoTien")) == str(request.amount_vnd)
            )
            if not same:
                raise GatewayError("REFUND: answer about another request or amount")
            return RefundAnswer("refunded", code, str(answer.get("MaGiaoDichHoan", "")))
        if code in ("99", ""):
            raise GatewayError(f"REFUND: {code or 'no code'}")
        return RefundAnswer("refused", code)
