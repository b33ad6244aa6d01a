"""The webhooks as a destination of the outbox: one row per active
subscription of the dossier's receiving or processing unit that wants the
event's action; each try POSTs the JSON body, signed afresh."""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import time
import urllib.parse
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from motcua.dossiers.caches import agencies_by_id
from motcua.dossiers.models import DossierEvent
from motcua.outbox.destinations import Delivered, Failed
from motcua.outbox.models import OutboxMessage
from motcua.webhooks import signing
from motcua.webhooks.models import WebhookSubscription
from motcua.webhooks.selectors import active_units, forget_active_units

logger = logging.getLogger(__name__)

NAME = "webhooks"
#: Answers that say "try again later"; any other non-2xx is a refusal.
_TEMPORARY = frozenset({408, 425, 429}) | frozenset(range(500, 600))


def event_body(event: DossierEvent, key: str, agencies: dict[int, str]) -> dict[str, Any]:
    """What a receiver is told: the dossier's code and state and the event,
    no personal data (a receiver that needs more reads it through the API)."""
    d = event.dossier
    return {
        "id": key,
        "type": f"dossier.{event.action}",
        "created_at": event.at.isoformat(),
        "dossier": {
            "code": d.code,
            "state": d.state,
            "national_status": d.national_status,
            "receiving_agency": agencies.get(d.receiving_agency_id, ""),
            "processing_agency": agencies.get(d.processing_agency_id, ""),
            "appointment_at": d.appointment_at.isoformat() if d.appointment_at else None,
            "finished_at": d.finished_at.isoformat() if d.finished_at else None,
        },
        "event": {
            "seq": event.seq,
            "action": event.action,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "at": event.at.isoformat(),
        },
    }


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class WebhookDestination:
    name = NAME

    def messages_for(self, event: DossierEvent) -> list[dict[str, Any]]:
        d = event.dossier
        units = {d.receiving_agency_id, d.processing_agency_id} & active_units()
        if not units:  # the common case: no query (the active units are cached)
            return []
        subscriptions = [
            s
            for s in WebhookSubscription.objects.filter(active=True, agency_id__in=units).only(
                "id", "event_types"
            )
            if s.wants(event.action)
        ]
        if not subscriptions:
            return []
        agencies = {
            pk: str(a.public_id)
            for pk, a in agencies_by_id([d.receiving_agency_id, d.processing_agency_id]).items()
        }
        out = []
        for s in subscriptions:
            key = f"wh{s.pk}.e{event.pk}"
            out.append(
                {
                    "_key": key,
                    "_stream": f"wh{s.pk}.d{d.pk}",
                    "subscription": s.pk,
                    "body": event_body(event, key, agencies),
                }
            )
        return out

    def deliver(self, message: OutboxMessage) -> Delivered | Failed:
        sub = WebhookSubscription.objects.filter(pk=message.payload.get("subscription")).first()
        if sub is None or not sub.active:
            return Failed(reason="Đăng ký webhook đã tắt hoặc đã bị xóa.", permanent=True)
        if not sub.secret:  # fail closed: never send unsigned
            return Failed(reason="Đăng ký webhook chưa có khóa bí mật.", permanent=True)
        body = dict(message.payload.get("body") or {})
        result = post(sub, body, message.key)
        if isinstance(result, Delivered):
            WebhookSubscription.objects.filter(pk=sub.pk).update(
                consecutive_failures=0, last_delivered_at=timezone.now()
            )
        else:
            count_failure(sub, result.reason)
        return result


def post(sub: WebhookSubscription, body: dict[str, Any], event_id: str) -> Delivered | Failed:
    raw = encode(body)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "MotCua-Webhook/1",
        signing.SIGNATURE_HEADER: signing.sign(sub.secret, timestamp, raw),
        signing.EVENT_ID_HEADER: event_id,
        signing.EVENT_TYPE_HEADER: str(body.get("type", "")),
    }
    url = urllib.parse.urlsplit(sub.url)
    timeout = float(settings.MOTCUA_WEBHOOK_TIMEOUT)
    host = url.hostname or ""
    conn: http.client.HTTPConnection
    if url.scheme == "https":
        conn = http.client.HTTPSConnection(
            host, url.port, timeout=timeout, context=ssl.create_default_context()
        )
    elif url.scheme == "http":
        conn = http.client.HTTPConnection(host, url.port, timeout=timeout)
    else:
        return Failed(reason="Địa chỉ nhận không hợp lệ.", permanent=True)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    try:
        conn.request("POST", path, body=raw, headers=headers)
        response = conn.getresponse()
        answer = response.read(4000).decode("utf-8", "replace")
    except TimeoutError:
        return Failed(
            reason="Hệ thống nhận không trả lời kịp (quá thời gian chờ).", permanent=False
        )
    except (OSError, http.client.HTTPException) as exc:
        return Failed(reason=f"Không kết nối được tới hệ thống nhận: {exc}", permanent=False)
    finally:
        conn.close()
    status = response.status
    if 200 <= status < 300:
        return Delivered(answer=f"HTTP {status} {answer}".strip())
    return Failed(
        reason=f"Hệ thống nhận trả lời HTTP {status}.",
        permanent=status not in _TEMPORARY,
        answer=answer,
    )


def count_failure(sub: WebhookSubscription, reason: str) -> None:
    """One more failure in a row; at ``MOTCUA_WEBHOOK_DISABLE_AFTER`` the
    subscription is switched off and the unit's administrators are told."""
    WebhookSubscription.objects.filter(pk=sub.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    limit = int(settings.MOTCUA_WEBHOOK_DISABLE_AFTER)
    disabled = WebhookSubscription.objects.filter(
        pk=sub.pk, active=True, consecutive_failures__gte=limit
    ).update(active=False, disabled_at=timezone.now(), disabled_reason=reason[:500])
    if disabled:
        forget_active_units()
        from motcua.webhooks.services import alert_disabled

        sub.refresh_from_db()
        alert_disabled(sub)
