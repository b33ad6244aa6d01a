"""The VNPay-style adapter (:class:`motcua.payments.gateways.Gateway`):
builds the signed redirect, verifies the IPN, queries a transaction over
HTTP (``querydr``)."""

from __future__ import annotations

import datetime
import hmac
import uuid
from collections.abc import Mapping
from urllib.parse import urlencode

from motcua.integrations.http_json import post_json
from motcua.integrations.vnpay import protocol as p
from motcua.payments.gateways import (
    BadCallback,
    Charge,
    GatewayError,
    Notice,
    RefundAnswer,
    RefundRequest,
    Started,
)

#: IPN answers: 00/02 stop VNPay's retries, the others make it retry.
ANSWERS: dict[str, tuple[str, str]] = {
    "applied": ("00", "Confirm Success"),
    "duplicate": ("02", "Order already confirmed"),
    "replay": ("02", "Order already confirmed"),
    "unknown_reference": ("01", "Order not found"),
    "wrong_amount": ("04", "Invalid amount"),
    "bad_signature": ("97", "Invalid signature"),
    "malformed": ("99", "Unknown error"),
}


class VnpayClient:
    name = "vnpay"

    def __init__(self, *, base_url: str, tmn_code: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.tmn_code = tmn_code
        self.secret = secret

    def start(self, charge: Charge) -> Started:
        params = {
            "vnp_Version": p.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(charge.amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": charge.reference,
            "vnp_OrderInfo": charge.description[:255],
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": charge.return_url,
            "vnp_IpAddr": charge.client_ip or "127.0.0.1",
            "vnp_CreateDate": p.vnp_time(charge.created_at),
        }
        params["vnp_SecureHash"] = p.sign(self.secret, params)
        return Started(pay_url=f"{self.base_url}{p.PAY_PATH}?{urlencode(params)}")

    def verify_callback(self, params: Mapping[str, str]) -> Notice:
        if not p.verify(self.secret, params):
            raise BadCallback("bad_signature", "chữ ký IPN không đúng")
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise BadCallback("bad_signature", "mã đơn vị không đúng")
        try:
            amount = int(params["vnp_Amount"])
            reference = params["vnp_TxnRef"]
        except (KeyError, ValueError) as exc:
            raise BadCallback("malformed", "thiếu trường") from exc
        if amount % 100:
            raise BadCallback("wrong_amount", "số tiền lẻ")
        ok = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
        return Notice(
            reference=reference,
            status="paid" if ok else "failed",
            amount_vnd=amount // 100,
            transaction=params.get("vnp_TransactionNo", ""),
        )

    def callback_answer(self, outcome: str) -> tuple[int, dict[str, str]]:
        code, message = ANSWERS.get(outcome, ANSWERS["malformed"])
        return 200, {"RspCode": code, "Message": message}

    def query(self, *, reference: str, created_at: datetime.datetime) -> Notice:
        now = datetime.datetime.now(tz=datetime.UTC)
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": p.VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": reference,
            "vnp_OrderInfo": f"Truy van {reference}",
            "vnp_TransactionDate": p.vnp_time(created_at),
            "vnp_CreateDate": p.vnp_time(now),
            "vnp_IpAddr": "127.0.0.1",
        }
        body["vnp_SecureHash"] = p.sign_fields(self.secret, body, p.QUERY_FIELDS)
        answer = post_json(self.base_url + p.QUERY_PATH, body)
        expected = p.sign_fields(self.secret, answer, p.QUERY_ANSWER_FIELDS)
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash", "")), expected):
            raise GatewayError("querydr: bad checksum")
        if answer.get("vnp_ResponseCode") == "91":
            return Notice(reference=reference, status="not_found", amount_vnd=0)
        if answer.get("vnp_ResponseCode") != "00":
            raise GatewayError(f"querydr: code {answer.get('vnp_ResponseCode')}")
        status = {"00": "paid", "01": "pending"}.get(
            str(answer.get("vnp_TransactionStatus")), "failed"
        )
        return Notice(
            reference=reference,
            status=status,  # type: ignore[arg-type]
            amount_vnd=int(answer.get("vnp_Amount", 0)) // 100,
            transaction=str(answer.get("vnp_TransactionNo", "")),
        )

    def refund(self, request: RefundRequest) -> RefundAnswer:
        """``vnp_Command=refund`` (full), signed over the pipe-joined fields;
        the answer's checksum, reference and amount are checked."""
        now = datetime.datetime.now(tz=datetime.UTC)
        body = {
            "vnp_RequestId": request.request_id[:32],
            "vnp_Version": p.VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": p.FULL_REFUND,
            "vnp_TxnRef": request.reference,
            "vnp_Amount": str(request.amount_vnd * 100),
            "vnp_TransactionNo": request.transaction,
            "vnp_TransactionDate": p.vnp_time(request.paid_at),
            "vnp_CreateBy": request.created_by[:50] or "he-thong",
            "vnp_CreateDate": p.vnp_time(now),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"Hoan tien {request.reference}",
        }
        body["vnp_SecureHash"] = p.sign_fields(self.secret, body, p.REFUND_FIELDS)
        answer = post_json(self.base_url + p.QUERY_PATH, body)
        expected = p.sign_fields(self.secret, answer, p.REFUND_ANSWER_FIELDS)
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash", "")), expected):
            raise GatewayError("refund: bad checksum")
        code = str(answer.get("vnp_ResponseCode", ""))
        if code in p.REFUND_DONE:
            if str(answer.get("vnp_TxnRef")) != request.reference or str(
                answer.get("vnp_Amount")
            ) != str(request.amount_vnd * 100):
                raise GatewayError("refund: answer about another transaction or amount")
            return RefundAnswer("refunded", code, str(answer.get("vnp_TransactionNo", "")))
        if code in ("99", ""):
            raise GatewayError(f"refund: code {code or 'missing'}")
        return RefundAnswer("refused", code)
