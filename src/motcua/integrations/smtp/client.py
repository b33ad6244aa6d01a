"""The e-mail channel: one message over SMTP through Django's mail
connection (the ``EMAIL_*`` settings). The ``Message-ID`` is derived from
the message's stable reference, so a retry carries the same id and mail
clients show one message."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.integrations.channel import Outcome, Outgoing, SendResult


def _smtp_outcome(code: int) -> Outcome:
    return Outcome.PERMANENT if 500 <= code < 600 else Outcome.TEMPORARY


class EmailChannel:
    name = "email"

    def __init__(self, *, domain: str = "motcua.local") -> None:
        self.domain = domain

    def send(self, message: Outgoing) -> SendResult:
        message_id = f"<{message.reference}@{self.domain}>"
        mail = EmailMessage(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={"Message-ID": message_id},
        )
        try:
            with get_connection(fail_silently=False) as connection:
                connection.send_messages([mail])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (550, b""))
            detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            return SendResult(_smtp_outcome(code), code=f"smtp_{code}", detail=detail)
        except smtplib.SMTPResponseException as exc:
            detail = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            return SendResult(
                _smtp_outcome(exc.smtp_code), code=f"smtp_{exc.smtp_code}", detail=detail
            )
        except (smtplib.SMTPException, OSError) as exc:
            return SendResult(Outcome.TEMPORARY, code="unreachable", detail=str(exc))
        return SendResult(Outcome.ACCEPTED, provider_id=message_id)
