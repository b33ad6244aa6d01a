"""The VNPay-style protocol (payment URL v2.1.0), shared by the client and
the sandbox: the amount is sent ×100 and the checksum covers it as sent;
``vnp_SecureHash`` is HMAC-SHA512 (hex) over the sorted, URL-encoded
``vnp_*`` fields; times are ``yyyyMMddHHmmss`` in GMT+7; the query
(``querydr``) checksum covers its pipe-joined fields."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import quote_plus

VERSION = "2.1.0"
GMT7 = datetime.timezone(datetime.timedelta(hours=7))
PAY_PATH = "/paymentv2/vpcpay.html"
CONFIRM_PATH = "/paymentv2/confirm"
QUERY_PATH = "/merchant_webapi/api/transaction"
QUERY_FIELDS: tuple[str, ...] = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_ANSWER_FIELDS: tuple[str, ...] = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionStatus",
)

#: ``refund`` on the same address as ``querydr``: the checksum covers these
#: fields pipe-joined, in this order; the answer's covers the second list.
REFUND_FIELDS: tuple[str, ...] = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_ANSWER_FIELDS: tuple[str, ...] = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
#: Refund answers: 00 done; 94 the same refund was already made (an earlier
#: try whose answer was lost); 91 unknown transaction, 95 not refundable,
#: 02/03/97/99 refused. A full refund is transaction type 02.
REFUND_DONE = frozenset({"00", "94"})
FULL_REFUND = "02"


def vnp_time(moment: datetime.datetime) -> str:
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def hmac512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, str]) -> str:
    return "&".join(
        f"{k}={quote_plus(str(v))}"
        for k, v in sorted(params.items())
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType") and v != ""
    )


def sign(secret: str, params: Mapping[str, str]) -> str:
    if not secret:
        raise ValueError("no secret configured")  # fail closed (lesson 20)
    return hmac512(secret, hash_data(params))


def verify(secret: str, params: Mapping[str, str]) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    if not secret or not given:
        return False
    return hmac.compare_digest(given, sign(secret, params))


def sign_fields(secret: str, params: Mapping[str, str], fields: Sequence[str]) -> str:
    if not secret:
        raise ValueError("no secret configured")
    return hmac512(secret, "|".join(str(params.get(f, "")) for f in fields))
