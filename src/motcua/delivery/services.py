"""Writes of results by post: the applicant's choice, the order sent to the
carrier (after commit, by a task), and the carrier's status updates
(signed webhook or polling)."""

from __future__ import annotations

import datetime
import json
import logging
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from motcua.delivery.events import delivery_delivered, delivery_failed
from motcua.delivery.models import (
    FINAL,
    RANK,
    DeliveryEvent,
    DeliveryOrder,
    Direction,
    DraftPostalRequest,
    OrderStatus,
    PostalRequest,
)
from motcua.dossiers import drafts
from motcua.dossiers.models import Delivery, Dossier, DossierDraft
from motcua.dossiers.services import dossier_hand_over, holds_role, roles_of
from motcua.dossiers.states import State
from motcua.integrations.vnpost.client import Carrier, CarrierError, Receiver, published_fee
from motcua.integrations.vnpost.signing import verify

log = logging.getLogger("motcua.delivery")

#: States in which the applicant may still change what they asked for.
_CHANGEABLE = frozenset({State.SUBMITTED, State.COMPLETING, State.PROCESSING, State.SUPPLEMENTING})


#: The reference at the carrier: the dossier's code and the direction.
_SUFFIX: dict[str, str] = {Direction.RECEIVE_RESULT: "KQ", Direction.SEND_DOSSIER: "HS"}


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def postal_eligible(*, dossier: Dossier) -> bool:
    """Whether the dossier's procedure may use the public postal service."""
    cpv = dossier.configured_procedure_version
    return bool(cpv.configured.procedure.postal_eligible)


def is_applicant(*, dossier: Dossier, actor: User) -> bool:
    """Whether ``actor`` filed the dossier or it was filed for them."""
    return actor.pk is not None and (
        dossier.submitted_by_id == actor.pk or dossier.applicant.user_id == actor.pk
    )


def postal_request_set(
    *,
    dossier: Dossier,
    actor: User,
    send_dossier: bool,
    receive_result: bool,
    receiver_name: str,
    receiver_phone: str,
    receiver_address: str,
) -> PostalRequest:
    """The applicant picks send-dossier, receive-result or both."""
    if not is_applicant(dossier=dossier, actor=actor):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    if not (send_dossier or receive_result):
        raise DomainError(_("Chọn ít nhất một dịch vụ bưu chính."), code="postal_choice_required")
    if not postal_eligible(dossier=dossier):
        raise DomainError(
            _("Thủ tục này không thực hiện qua dịch vụ bưu chính công ích."),
            code="postal_not_eligible",
        )
    if dossier.state not in _CHANGEABLE:
        raise DomainError(
            _("Hồ sơ ở trạng thái này không thể thay đổi dịch vụ bưu chính."),
            code="postal_not_changeable",
        )
    if receive_result and dossier.result_delivery != Delivery.POST:
        raise DomainError(
            _("Hồ sơ này đã chọn hình thức nhận kết quả khác; liên hệ bộ phận một cửa."),
            code="postal_result_not_chosen",
        )
    fields = {
        "receiver_name": receiver_name.strip(),
        "receiver_phone": receiver_phone.strip(),
        "receiver_address": receiver_address.strip(),
    }
    if not all(fields.values()):
        raise DomainError(
            _("Cần ghi họ tên, số điện thoại và địa chỉ nhận."), code="postal_address_required"
        )
    request, _created = PostalRequest.objects.update_or_create(
        dossier=dossier,
        defaults={"send_dossier": send_dossier, "receive_result": receive_result, **fields},
    )
    return request


def postal_fee_estimate(*, weight_grams: int = 500) -> int:
    """The shipping fee the applicant is shown before filing (per direction,
    the carrier's published tariff; the order records the carrier's answer)."""
    return published_fee(weight_grams)


#: A receiver's phone: 10 or 11 digits from 0 (or +84 / 84 for the 0).
_PHONE = re.compile(r"^(?:0|\+?84)\d{9,10}$")
#: The least an address needs for the carrier: this many characters and words.
_ADDRESS_MIN_CHARS, _ADDRESS_MIN_WORDS = 10, 3


def postal_address_problems(
    *, receiver_name: str, receiver_phone: str, receiver_address: str
) -> list[dict[str, str]]:
    """What is wrong with a receiver's name, phone and address, one item a
    field (``{"field", "message"}``, Vietnamese for the officer or the
    applicant); empty when the carrier can deliver to it."""
    problems: list[dict[str, str]] = []
    name, address = receiver_name.strip(), " ".join(receiver_address.split())
    phone = re.sub(r"[\s.\-]", "", receiver_phone)
    if not name:
        problems.append(
            {"field": "receiver_name", "message": _("Cần ghi họ tên người nhận kết quả.")}
        )
    elif len(name) > 200:
        problems.append({"field": "receiver_name", "message": _("Họ tên người nhận dài quá.")})
    if not phone:
        problems.append(
            {"field": "receiver_phone", "message": _("Cần ghi số điện thoại người nhận.")}
        )
    elif not _PHONE.match(phone):
        problems.append(
            {
                "field": "receiver_phone",
                "message": _(
                    "Số điện thoại người nhận không đúng: cần 10 hoặc 11 chữ số, "
                    "bắt đầu bằng 0 (ví dụ 0912345678)."
                ),
            }
        )
    if not address:
        problems.append(
            {"field": "receiver_address", "message": _("Cần ghi địa chỉ nhận kết quả.")}
        )
    elif len(address) > 500:
        problems.append(
            {"field": "receiver_address", "message": _("Địa chỉ nhận dài quá 500 ký tự.")}
        )
    elif len(address) < _ADDRESS_MIN_CHARS or len(address.split()) < _ADDRESS_MIN_WORDS:
        problems.append(
            {
                "field": "receiver_address",
                "message": _(
                    "Địa chỉ nhận chưa đủ để bưu điện giao: ghi số nhà hoặc thôn, xóm, "
                    "và xã, phường (ví dụ: Số 1, thôn Đông, xã A)."
                ),
            }
        )
    return problems


def counter_postal_set(
    *,
    dossier: Dossier,
    actor: User,
    receiver_name: str,
    receiver_phone: str,
    receiver_address: str,
) -> PostalRequest:
    """At counter intake, the applicant chose to receive the result by post:
    the one-stop officer of the receiving agency records it, in the intake's
    transaction (a refusal here files nothing). Only for a procedure eligible
    for post and a dossier filed with the result by post; the address must
    be one the carrier can deliver to (:func:`postal_address_problems`)."""
    _require_counter_officer(dossier, actor, _("Chỉ cán bộ một cửa mới ghi được yêu cầu này."))
    if not postal_eligible(dossier=dossier):
        raise DomainError(
            _("Thủ tục này không thực hiện qua dịch vụ bưu chính công ích."),
            code="postal_not_eligible",
        )
    if dossier.result_delivery != Delivery.POST:
        raise DomainError(
            _("Hồ sơ này không chọn nhận kết quả qua dịch vụ bưu chính."),
            code="postal_result_not_chosen",
        )
    problems = postal_address_problems(
        receiver_name=receiver_name,
        receiver_phone=receiver_phone,
        receiver_address=receiver_address,
    )
    if problems:
        raise DomainError(
            _("Thông tin nhận kết quả qua bưu chính chưa đúng."),
            code="postal_address_invalid",
            errors=problems,
        )
    request, _created = PostalRequest.objects.update_or_create(
        dossier=dossier,
        defaults={
            "send_dossier": False,
            "receive_result": True,
            "receiver_name": receiver_name.strip(),
            "receiver_phone": re.sub(r"[\s.\-]", "", receiver_phone),
            "receiver_address": " ".join(receiver_address.split()),
        },
    )
    return request


def draft_postal_set(
    *,
    draft: DossierDraft,
    actor: User,
    result_delivery: str,
    send_dossier: bool,
    receiver_name: str,
    receiver_phone: str,
    receiver_address: str,
) -> DraftPostalRequest | None:
    """The "how to receive the result" step of online filing: the result's
    channel and, for a procedure eligible for post, the postal choice
    (send-dossier, receive-result — the result by post — or both) with the
    address. Kept with the draft; filed with it by :func:`draft_submit_with_postal`."""
    by_post = result_delivery == Delivery.POST
    eligible = bool(draft.procedure.procedure.postal_eligible)
    if (by_post or send_dossier) and not eligible:
        raise DomainError(
            _("Thủ tục này không thực hiện qua dịch vụ bưu chính công ích."),
            code="postal_not_eligible",
        )
    fields = {
        "receiver_name": receiver_name.strip()[:200],
        "receiver_phone": receiver_phone.strip()[:20],
        "receiver_address": receiver_address.strip()[:500],
    }
    # The result by post with no address yet is allowed: the applicant gives
    # it later on the dossier's postal page. Fetching the dossier needs it now.
    wanted = send_dossier or (by_post and bool(fields["receiver_address"]))
    if wanted and not all(fields.values()):
        raise DomainError(
            _("Cần ghi họ tên, số điện thoại và địa chỉ nhận."), code="postal_address_required"
        )
    with transaction.atomic():
        drafts.draft_set_delivery(draft=draft, actor=actor, result_delivery=result_delivery)
        if not wanted:
            DraftPostalRequest.objects.filter(draft=draft).delete()
            return None
        choice, _created = DraftPostalRequest.objects.update_or_create(
            draft=draft, defaults={"send_dossier": send_dossier, **fields}
        )
    return choice


def draft_postal_get(*, draft: DossierDraft) -> DraftPostalRequest | None:
    return DraftPostalRequest.objects.filter(draft=draft).first()


def draft_submit_with_postal(
    *, draft: DossierDraft, actor: User, now: datetime.datetime | None = None
) -> Dossier:
    """File the draft and, in the same transaction, the postal request chosen
    in it (idempotent as ``draft_submit``: a second click files nothing new)."""
    with transaction.atomic():
        dossier = drafts.draft_submit(draft=draft, actor=actor, now=now)
        choice = DraftPostalRequest.objects.filter(draft_id=draft.pk).first()
        by_post = dossier.result_delivery == Delivery.POST
        known = PostalRequest.objects.filter(dossier=dossier).exists()
        if choice is not None and (choice.send_dossier or by_post) and not known:
            postal_request_set(
                dossier=dossier,
                actor=actor,
                send_dossier=choice.send_dossier,
                receive_result=by_post,
                receiver_name=choice.receiver_name,
                receiver_phone=choice.receiver_phone,
                receiver_address=choice.receiver_address,
            )
    return dossier


def _require_counter_officer(dossier: Dossier, actor: User, message: str = "") -> None:
    agency = dossier.receiving_agency
    if not holds_role(
        roles_of(actor, dossier=dossier),
        agency_id=agency.pk,
        province_id=agency.province_id,
        roles=[Role.ONE_STOP_OFFICER],
    ):
        raise PermissionDenied(
            message or _("Chỉ cán bộ một cửa của đơn vị tiếp nhận mới gửi được vận đơn."),
            code="not_one_stop_officer",
        )


def delivery_order_create(
    *,
    dossier: Dossier,
    actor: User,
    direction: str = Direction.RECEIVE_RESULT,
    weight_grams: int = 500,
    now: datetime.datetime | None = None,
) -> DeliveryOrder:
    """The one-stop officer sends the result (or asks the carrier to fetch the
    dossier): the order row is written now, the carrier is called by a task
    after the commit (:func:`delivery_order_send`)."""
    now = _now(now)
    _require_counter_officer(dossier, actor)
    if direction not in Direction.values:
        raise DomainError(_("Chiều vận chuyển không hợp lệ."), code="invalid_direction")
    request = PostalRequest.objects.filter(dossier=dossier).first()
    wanted = request is not None and (
        request.receive_result if direction == Direction.RECEIVE_RESULT else request.send_dossier
    )
    if not wanted:
        raise Conflict(  # the dossier's state (its postal choice), not the request, is wrong
            _("Người nộp không chọn dịch vụ bưu chính này."), code="postal_not_requested"
        )
    if direction == Direction.RECEIVE_RESULT and dossier.state != State.RESULT_READY:
        raise DomainError(_("Hồ sơ chưa có kết quả để gửi."), code="result_not_ready")
    if not 1 <= weight_grams <= 30_000:
        raise DomainError(_("Khối lượng không hợp lệ."), code="invalid_weight")
    try:
        with transaction.atomic():
            order = DeliveryOrder.objects.create(
                dossier=dossier,
                direction=direction,
                reference=f"{dossier.code}-{_SUFFIX[direction]}",
                weight_grams=weight_grams,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise Conflict(_("Vận đơn này đã được tạo."), code="delivery_order_exists") from None
    order_id = order.pk

    def _enqueue() -> None:
        from motcua.delivery.tasks import send_delivery_order

        send_delivery_order.enqueue(order_id)

    transaction.on_commit(_enqueue)
    return order


def delivery_order_send(*, order_id: int, carrier: Carrier) -> DeliveryOrder:
    """Call the carrier for a requested order. Safe to run twice: the carrier
    answers the same order for the same reference, and a sent order is left
    as it is."""
    order = DeliveryOrder.objects.select_related("dossier").get(pk=order_id)
    if order.order_code:
        return order
    request = PostalRequest.objects.get(dossier_id=order.dossier_id)
    try:
        answer = carrier.create_order(
            reference=order.reference,
            receiver=Receiver(
                name=request.receiver_name,
                phone=request.receiver_phone,
                address=request.receiver_address,
            ),
            weight_grams=order.weight_grams,
        )
    except CarrierError as error:
        DeliveryOrder.objects.filter(pk=order.pk).update(carrier_error=str(error)[:200])
        log.warning("carrier refused order %s: %s", order.reference, error)
        if error.temporary:
            raise
        return order
    if answer.reference != order.reference:
        raise CarrierError("carrier answered another reference", temporary=True)
    with transaction.atomic():
        order = DeliveryOrder.objects.select_for_update().get(pk=order.pk)
        if not order.order_code:
            order.order_code = answer.order_code
            order.fee = answer.fee
            order.carrier_error = ""
            if RANK[OrderStatus.CREATED] > RANK[order.status]:
                order.status = OrderStatus.CREATED
            order.updated_at = timezone.now()
            order.save()
    return order


def _parse_moment(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _apply(order: DeliveryOrder, event: dict[str, Any]) -> str:
    """Apply one carrier event to a locked order: ``applied`` or ``ignored``."""
    status = event.get("status")
    seq = event.get("seq")
    at = _parse_moment(event.get("at"))
    if (
        status not in RANK
        or status == OrderStatus.REQUESTED
        or not isinstance(seq, int)
        or at is None
    ):
        raise DomainError(_("Thông báo trạng thái không hợp lệ."), code="invalid_carrier_update")
    if seq <= order.last_seq or order.status in FINAL or RANK[str(status)] <= RANK[order.status]:
        log.warning(
            "carrier update ignored (out of order or repeated): order=%s seq=%s status=%s "
            "current=%s last_seq=%s",
            order.order_code,
            seq,
            status,
            order.status,
            order.last_seq,
        )
        return "ignored"
    DeliveryEvent.objects.create(
        order=order, seq=seq, status=status, at=at, note=str(event.get("note") or "")[:500]
    )
    order.status = str(status)
    order.last_seq = seq
    order.updated_at = timezone.now()
    order.save(update_fields=["status", "last_seq", "updated_at"])
    if order.direction == Direction.RECEIVE_RESULT and status == OrderStatus.DELIVERED:
        _hand_over(order, at)
    if status == OrderStatus.FAILED:
        transaction.on_commit(lambda: delivery_failed.send(sender=DeliveryOrder, order=order))
    if status == OrderStatus.DELIVERED:
        transaction.on_commit(lambda: delivery_delivered.send(sender=DeliveryOrder, order=order))
    return "applied"


def _hand_over(order: DeliveryOrder, at: datetime.datetime) -> None:
    """A delivered result closes the dossier: handed over on behalf of the
    officer who gave it to the carrier (the dossier's own action)."""
    dossier = Dossier.objects.select_for_update().get(pk=order.dossier_id)
    if dossier.state != State.RESULT_READY:
        return
    dossier_hand_over(
        dossier=dossier,
        actor=order.created_by,
        expected_version=dossier.version,
        received_by=_("Bưu điện giao (vận đơn %(code)s)") % {"code": order.order_code},
        note="delivery",
        now=max(at, dossier.last_event_at or at),
    )


def delivery_webhook_receive(*, body: bytes, signature: str, secret: str) -> str:
    """A signed status update from the carrier: ``applied`` or ``ignored``;
    a wrong signature or an unknown order is refused (and logged)."""
    if not verify(body, signature, secret=secret):
        log.warning("carrier webhook refused: bad signature")
        raise PermissionDenied(_("Chữ ký không hợp lệ."), code="invalid_signature")
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict) or not isinstance(event.get("order_code"), str):
        raise DomainError(_("Thông báo trạng thái không hợp lệ."), code="invalid_carrier_update")
    with transaction.atomic():
        order = (
            DeliveryOrder.objects.select_for_update().filter(order_code=event["order_code"]).first()
        )
        if order is None:
            log.warning("carrier webhook refused: unknown order %r", event["order_code"])
            raise NotFound(_("Không có vận đơn này."), code="unknown_order")
        return _apply(order, event)


def delivery_poll(*, order: DeliveryOrder, carrier: Carrier) -> int:
    """Ask the carrier for the order's events (when a webhook was lost);
    returns how many were applied. Running it twice changes nothing more."""
    if not order.order_code or order.status in FINAL:
        return 0
    _status, events = carrier.order_status(order_code=order.order_code)
    applied = 0
    for event in sorted(
        (e for e in events if isinstance(e, dict) and isinstance(e.get("seq"), int)),
        key=lambda e: int(e["seq"]),
    ):
        with transaction.atomic():
            locked = DeliveryOrder.objects.select_for_update().get(pk=order.pk)
            try:
                if _apply(locked, event) == "applied":
                    applied += 1
            except DomainError:
                log.warning("carrier poll: bad event for %s: %r", order.order_code, event)
    return applied
