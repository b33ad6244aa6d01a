"""The payment state machine: the ONE table of legal transitions.

``created`` (a row, no gateway call yet) → ``pending`` (sent to the gateway)
→ ``paid`` / ``failed`` / ``expired``; ``paid`` → ``refunded``. A late
success after our own expiry is legal (integration lessons §3): ``expired``
→ ``paid``. A second success for an obligation already met goes straight to
``refunded`` (the money must go back; never two successful charges)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentState(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    EXPIRED = "expired", _("Hết hạn")
    REFUNDED = "refunded", _("Đã hoàn tiền")


S = PaymentState

TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (S.CREATED, S.PENDING),
        (S.CREATED, S.FAILED),
        (S.PENDING, S.PAID),
        (S.PENDING, S.FAILED),
        (S.PENDING, S.EXPIRED),
        (S.PENDING, S.REFUNDED),
        (S.EXPIRED, S.PAID),
        (S.EXPIRED, S.REFUNDED),
        (S.PAID, S.REFUNDED),
    }
)

#: States no callback may leave except by the transitions above.
FINAL: frozenset[str] = frozenset({S.PAID, S.FAILED, S.REFUNDED})
OPEN: frozenset[str] = frozenset({S.CREATED, S.PENDING})


def can_move(from_state: str, to_state: str) -> bool:
    return (from_state, to_state) in TRANSITIONS


class ObligationState(models.TextChoices):
    DUE = "due", _("Chưa nộp")
    PAID = "paid", _("Đã nộp")
    WAIVED = "waived", _("Được miễn")
    CANCELLED = "cancelled", _("Đã hủy")


class DueAt(models.TextChoices):
    SUBMISSION = "submission", _("Khi nộp hồ sơ")
    REQUEST = "request", _("Khi cán bộ yêu cầu")


class GatewayName(models.TextChoices):
    NATIONAL = "national", _("Nền tảng thanh toán của Cổng Dịch vụ công quốc gia")
    VNPAY = "vnpay", _("Cổng thanh toán VNPay")
    #: Paid at the one-stop counter (cash or bank transfer), recorded by an
    #: officer: no gateway, never swept, never refunded through a gateway.
    COUNTER = "counter", _("Nộp tại bộ phận một cửa")


#: The gateways a citizen pays through online.
ONLINE_GATEWAYS: tuple[str, ...] = (GatewayName.NATIONAL, GatewayName.VNPAY)


class CounterMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản (mã VietQR)")


class CallbackOutcome(models.TextChoices):
    APPLIED = "applied", _("Đã ghi nhận")
    DUPLICATE = "duplicate", _("Trùng lặp (đã ghi nhận trước)")
    BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
    WRONG_AMOUNT = "wrong_amount", _("Sai số tiền")
    UNKNOWN_REFERENCE = "unknown_reference", _("Không có mã tham chiếu")
    REPLAY = "replay", _("Phát lại, trái trạng thái")
    MALFORMED = "malformed", _("Sai định dạng")
