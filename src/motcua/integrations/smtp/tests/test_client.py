"""The e-mail adapter against the SMTP sandbox: 4xx is temporary, 5xx
permanent, a server that is down temporary."""

from __future__ import annotations

from typing import Any

from motcua.integrations.channel import Outcome, Outgoing
from motcua.integrations.smtp.client import EmailChannel
from motcua.integrations.smtp.sandbox import DEFERRED_RECIPIENT, REFUSED_RECIPIENT, SmtpSandbox
from motcua.integrations.testing import closed_port


def _mail(to: str = "an@example.vn") -> Outgoing:
    return Outgoing(reference="m-1", address=to, subject="Hồ sơ H1", text="Xem: http://x/")


def test_delivered_with_a_stable_message_id(smtp_sandbox: SmtpSandbox) -> None:
    result = EmailChannel().send(_mail())
    assert result.outcome == Outcome.ACCEPTED and result.provider_id == "<m-1@motcua.local>"
    [mail] = smtp_sandbox.store.messages()
    assert mail.subject == "Hồ sơ H1" and mail.recipients == ["an@example.vn"]


def test_refused_recipient_is_permanent_deferred_is_temporary(smtp_sandbox: SmtpSandbox) -> None:
    refused = EmailChannel().send(_mail(REFUSED_RECIPIENT))
    deferred = EmailChannel().send(_mail(DEFERRED_RECIPIENT))
    assert (refused.outcome, refused.code) == (Outcome.PERMANENT, "smtp_550")
    assert (deferred.outcome, deferred.code) == (Outcome.TEMPORARY, "smtp_451")
    smtp_sandbox.fail("error", times=1)
    assert EmailChannel().send(_mail()).outcome == Outcome.TEMPORARY
    assert EmailChannel().send(_mail()).outcome == Outcome.ACCEPTED
    assert len(smtp_sandbox.store.messages()) == 1


def test_server_down_is_temporary(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    result = EmailChannel().send(_mail())
    assert (result.outcome, result.code) == (Outcome.TEMPORARY, "unreachable")
