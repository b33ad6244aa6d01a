"""The one small interface every notification channel adapter implements
(e-mail over SMTP, SMS over an HTTP gateway, Zalo ZNS over HTTP).

An adapter turns one :class:`Outgoing` message into one :class:`SendResult`
and never raises for a provider's answer: a refused connection, a timeout,
a 5xx or an answer it cannot read is a *temporary* failure (retry later);
a refusal the provider says will not change (bad number, not a Zalo user,
template not approved) is *permanent* (never retried)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Outgoing:
    """One message to one address. ``reference`` is stable across retries
    of the same message (the providers deduplicate on it)."""

    reference: str
    address: str
    subject: str
    text: str
    template_id: str = ""
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_id: str = ""
    code: str = ""
    detail: str = ""


class Channel(Protocol):
    name: str

    def send(self, message: Outgoing) -> SendResult: ...
