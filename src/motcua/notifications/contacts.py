"""The applicant's channels and verified contacts: a new phone or e-mail is
used only after the code sent to it has been typed back."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.integrations.channel import Outgoing
from motcua.notifications.channels import channel_for
from motcua.notifications.models import ContactPoint, Preference

CODE_LIFETIME = datetime.timedelta(minutes=15)
MAX_TRIES = 5
_PHONE = re.compile(r"^0\d{9,10}$")


def _digest(contact: ContactPoint, code: str) -> str:
    key = str(settings.SECRET_KEY).encode()
    return hmac.new(key, f"{contact.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def contact_normalise(*, kind: str, value: str) -> str:
    """The contact in its stored form, or :class:`DomainError`."""
    value = value.strip()
    if kind == "phone":
        digits = re.sub(r"[\s.\-]", "", value)
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        if not _PHONE.match(digits):
            raise DomainError("Số điện thoại không hợp lệ (ví dụ 0912345678).", code="bad_phone")
        return digits
    if kind == "email":
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError("Địa chỉ thư điện tử không hợp lệ.", code="bad_email") from None
        return value.lower()
    raise DomainError("Loại địa chỉ liên lạc không hợp lệ.", code="bad_kind")


def contact_add(
    *, user: User, kind: str, value: str, now: datetime.datetime | None = None
) -> ContactPoint:
    """Record a phone or e-mail and send it a six-digit code (after commit)."""
    now = now or timezone.now()
    value = contact_normalise(kind=kind, value=value)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        contact, _ = ContactPoint.objects.get_or_create(user=user, kind=kind, value=value)
        if contact.verified_at is not None:
            return contact
        contact.code_digest = _digest(contact, code)
        contact.code_sent_at, contact.code_tries = now, 0
        contact.save(update_fields=["code_digest", "code_sent_at", "code_tries"])
        transaction.on_commit(lambda: _send_code(contact, code))
    return contact


def _send_code(contact: ContactPoint, code: str) -> None:
    text = f"Mã xác nhận địa chỉ nhận thông báo của Ông/Bà là {code} (dùng trong 15 phút)."
    channel = channel_for("email" if contact.kind == "email" else "sms")
    channel.send(
        Outgoing(
            reference=f"xac-nhan-{contact.pk}-{contact.code_digest[:12]}",
            address=contact.value,
            subject="Mã xác nhận địa chỉ nhận thông báo",
            text=text,
        )
    )


def contact_verify(
    *, user: User, contact_id: int, code: str, now: datetime.datetime | None = None
) -> ContactPoint:
    now = now or timezone.now()
    with transaction.atomic():
        contact = ContactPoint.objects.select_for_update().filter(user=user, pk=contact_id).first()
        if contact is None:
            raise DomainError("Không tìm thấy địa chỉ liên lạc.", code="contact_not_found")
        if contact.verified_at is not None:
            return contact
        expired = contact.code_sent_at is None or now > contact.code_sent_at + CODE_LIFETIME
        if expired or contact.code_tries >= MAX_TRIES:
            raise DomainError("Mã xác nhận đã hết hạn. Vui lòng gửi lại mã.", code="code_expired")
        contact.code_tries += 1
        right = hmac.compare_digest(contact.code_digest, _digest(contact, code.strip()))
        if right:
            contact.verified_at, contact.code_digest = now, ""
        contact.save(update_fields=["verified_at", "code_digest", "code_tries"])
    if not right:  # the try is counted (committed) before the refusal
        raise DomainError("Mã xác nhận không đúng.", code="code_wrong")
    return contact


def contact_remove(*, user: User, contact_id: int) -> None:
    ContactPoint.objects.filter(user=user, pk=contact_id).delete()


def preference_set(*, user: User, email: bool, sms: bool, zalo: bool) -> Preference:
    preference, _ = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "zalo": zalo}
    )
    return preference
