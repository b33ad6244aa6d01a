"""A VNPay-style sandbox over real HTTP: checks the signed payment URL,
shows a Vietnamese "pay / cancel" page, sends the signed IPN to the
configured IPN address (server to server, GET, as VNPay does) and sends the
browser back to ``vnp_ReturnUrl``; answers ``querydr``. See
:mod:`motcua.integrations.payment_sandbox` for the control endpoints."""

from __future__ import annotations

from urllib.parse import urlencode

from motcua.integrations import payment_sandbox as base
from motcua.integrations.vnpay import protocol as p


def _result_params(
    tmn_code: str, secret: str, row: base.SandboxTransaction, code: str
) -> dict[str, str]:
    params = {
        "vnp_Amount": str(row.amount_vnd * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": row.description,
        "vnp_PayDate": row.paid_at,
        "vnp_ResponseCode": code,
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionNo": row.transaction,
        "vnp_TransactionStatus": "00" if code == "00" else "02",
        "vnp_TxnRef": row.reference,
    }
    params["vnp_SecureHash"] = p.sign(secret, params)
    return params


def _refund(
    h: base.SandboxHandler, tmn_code: str, secret: str, body: dict[str, str]
) -> dict[str, str]:
    """A full refund of a paid transaction; the same transaction again
    answers 94 (already refunded); a named test case: a reference ending in
    ``-NOREFUND`` is refused (95)."""
    answer = {
        "vnp_ResponseId": str(body.get("vnp_RequestId", "")),
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
        "vnp_Amount": str(body.get("vnp_Amount", "")),
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "",
        "vnp_TransactionNo": "",
        "vnp_TransactionType": str(body.get("vnp_TransactionType", "")),
        "vnp_TransactionStatus": "",
        "vnp_OrderInfo": str(body.get("vnp_OrderInfo", "")),
    }
    row = h.server.store.get(answer["vnp_TxnRef"])
    if body.get("vnp_SecureHash") != p.sign_fields(secret, body, p.REFUND_FIELDS):
        answer.update(vnp_ResponseCode="97", vnp_Message="Invalid checksum")
    elif body.get("vnp_TmnCode") != tmn_code:
        answer.update(vnp_ResponseCode="02", vnp_Message="Invalid TmnCode")
    elif row is None:
        answer.update(vnp_ResponseCode="91", vnp_Message="Not found")
    elif answer["vnp_Amount"] != str(row.amount_vnd * 100):
        answer.update(vnp_ResponseCode="03", vnp_Message="Invalid amount")
    elif row.status == "refunded":
        answer.update(
            vnp_ResponseCode="94",
            vnp_Message="Duplicate request",
            vnp_TransactionNo=row.refund_transaction,
            vnp_TransactionStatus="05",
        )
    elif row.status != "paid" or row.reference.endswith("-NOREFUND"):
        answer.update(vnp_ResponseCode="95", vnp_Message="Not refundable")
    else:
        row.status = "refunded"
        row.refund_transaction = f"H{row.transaction}"
        answer.update(
            vnp_ResponseCode="00",
            vnp_Message="Refund success",
            vnp_PayDate=row.paid_at,
            vnp_TransactionNo=row.refund_transaction,
            vnp_TransactionStatus="05",
        )
    answer["vnp_SecureHash"] = p.sign_fields(secret, answer, p.REFUND_ANSWER_FIELDS)
    return answer


def build(*, host: str, port: int, tmn_code: str, secret: str, ipn_url: str) -> base.RunningSandbox:
    def pay(h: base.SandboxHandler) -> None:
        q = h.query
        if not p.verify(secret, q) or q.get("vnp_TmnCode") != tmn_code:
            h.send(400, "Sai chữ ký yêu cầu thanh toán.".encode(), "text/plain; charset=utf-8")
            return
        row = base.SandboxTransaction(
            reference=q["vnp_TxnRef"],
            amount_vnd=int(q["vnp_Amount"]) // 100,
            description=q.get("vnp_OrderInfo", ""),
            return_url=q.get("vnp_ReturnUrl", ""),
            notify_url=ipn_url,
        )
        h.server.store.add(row)
        stored = h.server.store.get(row.reference) or row
        page = base.pay_page(title="Cổng thanh toán VNPay", row=stored, action=p.CONFIRM_PATH)
        h.send(200, page, "text/html; charset=utf-8")

    def confirm(h: base.SandboxHandler) -> None:
        row = base.confirm_choice(h, p.vnp_time)
        if row is None:
            return
        params = _result_params(tmn_code, secret, row, "00" if row.status == "paid" else "24")
        row.last_callback = params
        if row.notify_url and not base.dropped(h.server.store, row.reference):
            row.callback_status = base.deliver(
                f"{row.notify_url}?{urlencode(params)}", data=None, method="GET", headers={}
            )
        h.redirect(f"{row.return_url}?{urlencode(params)}")

    def query(h: base.SandboxHandler) -> None:
        import json

        try:
            body = json.loads(h.body())
        except ValueError:
            h.send_json(400, {"vnp_ResponseCode": "03"})
            return
        if body.get("vnp_Command") == "refund":
            h.send_json(200, _refund(h, tmn_code, secret, body))
            return
        if body.get("vnp_SecureHash") != p.sign_fields(secret, body, p.QUERY_FIELDS):
            answer = {"vnp_ResponseCode": "97", "vnp_Message": "Invalid checksum"}
        else:
            row = h.server.store.get(str(body.get("vnp_TxnRef", "")))
            answer = {
                "vnp_ResponseId": body.get("vnp_RequestId", ""),
                "vnp_Command": "querydr",
                "vnp_TmnCode": tmn_code,
                "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
            }
            if row is None:
                answer.update({"vnp_ResponseCode": "91", "vnp_Message": "Not found"})
            else:
                answer.update(
                    {
                        "vnp_ResponseCode": "00",
                        "vnp_Message": "OK",
                        "vnp_Amount": str(row.amount_vnd * 100),
                        "vnp_TransactionNo": row.transaction,
                        "vnp_TransactionStatus": {"paid": "00", "pending": "01"}.get(
                            row.status, "02"
                        ),
                    }
                )
        answer["vnp_SecureHash"] = p.sign_fields(secret, answer, p.QUERY_ANSWER_FIELDS)
        h.send_json(200, answer)

    routes: dict[tuple[str, str], base.Route] = {
        ("GET", p.PAY_PATH): pay,
        ("POST", p.CONFIRM_PATH): confirm,
        ("POST", p.QUERY_PATH): query,
    }
    return base.RunningSandbox(base.SandboxServer((host, port), routes))
