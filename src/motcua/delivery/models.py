"""Results (and dossiers) by post, Decision 45/2016/QĐ-TTg: the
applicant's choice, the carrier's orders and their tracking events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    SEND_DOSSIER = "send_dossier", _("Gửi hồ sơ qua bưu chính")
    RECEIVE_RESULT = "receive_result", _("Nhận kết quả qua bưu chính")


class OrderStatus(models.TextChoices):
    REQUESTED = "requested", _("Đang gửi yêu cầu cho bưu điện")
    CREATED = "created", _("Bưu điện đã nhận yêu cầu")
    PICKED_UP = "picked_up", _("Bưu điện đã lấy hàng")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    DELIVERED = "delivered", _("Đã giao thành công")
    FAILED = "failed", _("Giao không thành công, kết quả trả về bộ phận một cửa")


#: The order in which a carrier's statuses may follow each other; a status
#: ranked at or below the current one is out of order and ignored.
RANK: dict[str, int] = {
    OrderStatus.REQUESTED: 0,
    OrderStatus.CREATED: 1,
    OrderStatus.PICKED_UP: 2,
    OrderStatus.IN_TRANSIT: 3,
    OrderStatus.DELIVERED: 4,
    OrderStatus.FAILED: 4,
}
FINAL = frozenset({OrderStatus.DELIVERED, OrderStatus.FAILED})


class PostalRequest(models.Model):
    """What the applicant asked for: the dossier sent by post, the result
    received by post, or both, and where."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="postal_request"
    )
    send_dossier = models.BooleanField(_("gửi hồ sơ qua bưu chính"), default=False)
    receive_result = models.BooleanField(_("nhận kết quả qua bưu chính"), default=False)
    receiver_name = models.CharField(_("người nhận"), max_length=200)
    receiver_phone = models.CharField(_("số điện thoại"), max_length=20)
    receiver_address = models.CharField(_("địa chỉ nhận"), max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu bưu chính")
        verbose_name_plural = _("yêu cầu bưu chính")

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class DraftPostalRequest(models.Model):
    """The postal choice made inside the online filing step, kept with the
    draft until it is filed (then it becomes the dossier's
    :class:`PostalRequest`, in the same transaction)."""

    draft = models.OneToOneField(
        "dossiers.DossierDraft", on_delete=models.CASCADE, related_name="postal_choice"
    )
    send_dossier = models.BooleanField(_("gửi hồ sơ qua bưu chính"), default=False)
    receiver_name = models.CharField(_("người nhận"), max_length=200, blank=True)
    receiver_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    receiver_address = models.CharField(_("địa chỉ nhận"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn bưu chính khi nộp")
        verbose_name_plural = _("lựa chọn bưu chính khi nộp")

    def __str__(self) -> str:
        return f"{self.draft_id}"


class DeliveryOrder(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="delivery_orders"
    )
    direction = models.CharField(_("chiều"), max_length=20, choices=Direction.choices)
    #: Our reference at the carrier: the carrier answers the same order for
    #: the same reference, so a retried job never creates a second one.
    reference = models.CharField(max_length=80, unique=True)
    order_code = models.CharField(_("mã vận đơn"), max_length=40, null=True, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.REQUESTED
    )
    last_seq = models.PositiveIntegerField(default=0)
    fee = models.PositiveIntegerField(_("cước phí (đồng)"), null=True, blank=True)
    weight_grams = models.PositiveIntegerField(default=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    carrier_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("vận đơn")
        verbose_name_plural = _("vận đơn")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "direction"], name="delivery_order_one_per_direction"
            )
        ]

    def __str__(self) -> str:
        return self.order_code or self.reference

    @property
    def returned_to_counter(self) -> bool:
        return self.status == OrderStatus.FAILED and self.direction == Direction.RECEIVE_RESULT


class DeliveryEvent(models.Model):
    order = models.ForeignKey(DeliveryOrder, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["order", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seq"], name="delivery_event_unique_seq")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.status}"
