"""The hash chain of dossier events.

Each event's hash is the SHA-256 of a canonical JSON encoding (sorted keys,
no spaces, UTF-8) of the row's meaningful fields, ``prev_hash`` included, so
changing, removing or reordering any stored event breaks every later hash.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from motcua.dossiers.models import Dossier, DossierEvent


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    dossier_public_id: str,
    seq: int,
    action: str,
    actor_id: int | None,
    actor_role: str,
    actor_agency_id: int | None,
    from_state: str,
    to_state: str,
    from_step: str,
    to_step: str,
    at: datetime.datetime,
    working_seconds: int,
    payload: Any,
    prev_hash: str,
) -> bytes:
    row = {
        "dossier": dossier_public_id,
        "seq": seq,
        "action": action,
        "actor": actor_id,
        "actor_role": actor_role,
        "actor_agency": actor_agency_id,
        "from_state": from_state,
        "to_state": to_state,
        "from_step": from_step,
        "to_step": to_step,
        "at": _moment(at),
        "working_seconds": working_seconds,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: DossierEvent, *, dossier_public_id: str) -> str:
    return hashlib.sha256(
        canonical(
            dossier_public_id=dossier_public_id,
            seq=event.seq,
            action=event.action,
            actor_id=event.actor_id,
            actor_role=event.actor_role,
            actor_agency_id=event.actor_agency_id,
            from_state=event.from_state,
            to_state=event.to_state,
            from_step=event.from_step,
            to_step=event.to_step,
            at=event.at,
            working_seconds=event.working_seconds,
            payload=event.payload,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    code: str
    seq: int
    reason: str


def verify_chain(dossier: Dossier, events: Iterable[DossierEvent]) -> ChainBreak | None:
    """The first break in ``dossier``'s chain, or None when it is intact."""
    prev = ""
    expected_seq = 1
    public_id = str(dossier.public_id)
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(dossier.code, event.seq, f"sequence gap: expected {expected_seq}")
        if event.prev_hash != prev:
            return ChainBreak(dossier.code, event.seq, "prev_hash does not match")
        if event_hash(event, dossier_public_id=public_id) != event.hash:
            return ChainBreak(dossier.code, event.seq, "hash does not match the row")
        prev = event.hash
        expected_seq += 1
    if prev != dossier.last_hash or expected_seq - 1 != dossier.version:
        return ChainBreak(dossier.code, expected_seq - 1, "the dossier row is ahead of its events")
    return None
