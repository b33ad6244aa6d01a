"""A sandbox of the national payment platform over real HTTP: INIT (JSON,
check value verified) answers the payment page's address; the Vietnamese
"pay / cancel" page; the signed NOTIFY posted (JSON) to ``UrlThongBao``;
CHECK answers the transaction's state. Control endpoints: see
:mod:`motcua.integrations.payment_sandbox`."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from motcua.integrations import payment_sandbox as base
from motcua.integrations.national_pay import protocol as p


def build(*, host: str, port: int, partner: str, secret: str) -> base.RunningSandbox:
    def signed(answer: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        answer["MaXacThuc"] = p.check_value(secret, answer, fields)
        return answer

    def read_json(h: base.SandboxHandler) -> dict[str, Any] | None:
        try:
            data = json.loads(h.body())
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def init(h: base.SandboxHandler) -> None:
        msg = read_json(h)
        if (
            msg is None
            or not p.verify(secret, msg, p.INIT_FIELDS)
            or msg.get("MaDoiTac") != partner
        ):
            h.send_json(200, {"MaLoi": "03", "MoTaLoi": "Sai mã xác thực"})
            return
        row = base.SandboxTransaction(
            reference=str(msg["MaThamChieu"]),
            amount_vnd=int(msg["SoTien"]),
            description=str(msg.get("ThongTinGiaoDich", "")),
            return_url=str(msg.get("UrlTraVe", "")),
            notify_url=str(msg.get("UrlThongBao", "")),
        )
        h.server.store.add(row)
        host_header = h.headers.get("Host") or f"{host}:{port}"
        url = f"http://{host_header}{p.PAY_PATH}?ref={quote(row.reference)}"
        answer = {"MaLoi": "00", "MoTaLoi": "Thành công", "MaThamChieu": row.reference}
        answer["UrlThanhToan"] = url
        h.send_json(200, signed(answer, p.INIT_ANSWER_FIELDS))

    def page(h: base.SandboxHandler) -> None:
        row = h.server.store.get(h.query.get("ref", ""))
        if row is None:
            h.send(404, "Không có giao dịch.".encode(), "text/plain; charset=utf-8")
            return
        body = base.pay_page(
            title="Nền tảng thanh toán Cổng Dịch vụ công quốc gia", row=row, action=p.CONFIRM_PATH
        )
        h.send(200, body, "text/html; charset=utf-8")

    def confirm(h: base.SandboxHandler) -> None:
        row = base.confirm_choice(h, p.gd_time)
        if row is None:
            return
        notice = signed(
            {
                "LoaiBanTin": "NOTIFY",
                "MaDoiTac": partner,
                "MaThamChieu": row.reference,
                "SoTien": str(row.amount_vnd),
                "MaGiaoDich": row.transaction,
                "TrangThai": p.PAID if row.status == "paid" else p.FAILED,
                "ThoiGianGD": row.paid_at,
            },
            p.NOTIFY_FIELDS,
        )
        row.last_callback = {k: str(v) for k, v in notice.items()}
        if row.notify_url and not base.dropped(h.server.store, row.reference):
            row.callback_status = base.deliver(
                row.notify_url,
                data=json.dumps(notice, ensure_ascii=False).encode(),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
        back = {"MaThamChieu": row.reference, "TrangThai": notice["TrangThai"]}
        h.redirect(f"{row.return_url}?{urlencode(back)}")

    def check(h: base.SandboxHandler) -> None:
        msg = read_json(h)
        if msg is None or not p.verify(secret, msg, p.CHECK_FIELDS):
            h.send_json(200, signed({"MaLoi": "03", "MaThamChieu": ""}, p.CHECK_ANSWER_FIELDS))
            return
        row = h.server.store.get(str(msg.get("MaThamChieu", "")))
        if row is None:
            answer: dict[str, Any] = {"MaLoi": "04", "MaThamChieu": msg.get("MaThamChieu", "")}
        else:
            answer = {
                "MaLoi": "00",
                "MaThamChieu": row.reference,
                "SoTien": str(row.amount_vnd),
                "MaGiaoDich": row.transaction,
                "TrangThai": {
                    "paid": p.PAID,
                    "pending": p.PENDING,
                    "refunded": p.REFUNDED,
                }.get(row.status, p.FAILED),
            }
        h.send_json(200, signed(answer, p.CHECK_ANSWER_FIELDS))

    def refund(h: base.SandboxHandler) -> None:
        """A full refund of a paid transaction; the same transaction again
        answers 06 (already refunded) with the first refund's number; a
        reference ending in ``-NOREFUND`` is refused (07)."""
        msg = read_json(h)
        echo: dict[str, Any] = {
            "MaThamChieu": (msg or {}).get("MaThamChieu", ""),
            "MaYeuCau": (msg or {}).get("MaYeuCau", ""),
            "SoTien": (msg or {}).get("SoTien", ""),
            "MaGiaoDichHoan": "",
        }
        if msg is None or not p.verify(secret, msg, p.REFUND_FIELDS):
            h.send_json(200, signed({"MaLoi": "03", **echo}, p.REFUND_ANSWER_FIELDS))
            return
        row = h.server.store.get(str(msg.get("MaThamChieu", "")))
        if msg.get("MaDoiTac") != partner:
            code = "03"
        elif row is None:
            code = "04"
        elif str(msg.get("SoTien")) != str(row.amount_vnd):
            code = "05"
        elif row.status == "refunded":
            code = "06"
            echo["MaGiaoDichHoan"] = row.refund_transaction
        elif row.status != "paid" or row.reference.endswith("-NOREFUND"):
            code = "07"
        else:
            row.status = "refunded"
            row.refund_transaction = f"HT{row.transaction}"
            code = "00"
            echo["MaGiaoDichHoan"] = row.refund_transaction
        h.send_json(200, signed({"MaLoi": code, **echo}, p.REFUND_ANSWER_FIELDS))

    routes: dict[tuple[str, str], base.Route] = {
        ("POST", p.REFUND_PATH): refund,
        ("POST", p.INIT_PATH): init,
        ("GET", p.PAY_PATH): page,
        ("POST", p.CONFIRM_PATH): confirm,
        ("POST", p.CHECK_PATH): check,
    }
    return base.RunningSandbox(base.SandboxServer((host, port), routes))
