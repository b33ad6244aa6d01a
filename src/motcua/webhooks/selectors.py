"""Which units have an active webhook subscription.

Every dossier event asks (the webhooks destination of the outbox, inside the
event's transaction), and almost every answer is "none of this dossier's
units": the answer is kept in the shared cache (Redis in production), so an
event of a unit without subscriptions costs no query (issue #12).

Every change of a subscription forgets it (:func:`forget_active_units`):
the model's ``post_save``/``post_delete`` signals (admin, ``create``) and the
services that change rows with ``update()``. It is forgotten at once and
again when the change's transaction commits, because an event elsewhere may
refill the cache from the rows as they were before the commit;
:data:`ACTIVE_UNITS_TTL` bounds what is left of that race. A cache that does
not answer costs the query, never the event."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction

from motcua.webhooks.models import WebhookSubscription

logger = logging.getLogger(__name__)

ACTIVE_UNITS_KEY = "motcua:webhooks:active-units"
#: Seconds the set is kept at most (the change's invalidation does the real
#: work; this bounds a refill that raced a change's commit).
ACTIVE_UNITS_TTL = 300


def _read() -> list[int] | None:
    try:
        kept: Any = cache.get(ACTIVE_UNITS_KEY)
    except Exception:  # the cache is a shortcut; the rows are the truth
        logger.warning("webhooks: the cache did not answer", exc_info=True)
        return None
    return list(kept) if isinstance(kept, list) else None


def active_units() -> frozenset[int]:
    """The ids of the units with at least one active subscription (one
    query when the cache does not hold them, none when it does)."""
    kept = _read()
    if kept is not None:
        return frozenset(kept)
    units = sorted(
        set(WebhookSubscription.objects.filter(active=True).values_list("agency_id", flat=True))
    )
    try:
        cache.set(ACTIVE_UNITS_KEY, units, ACTIVE_UNITS_TTL)
    except Exception:
        logger.warning("webhooks: the cache did not take the active units", exc_info=True)
    return frozenset(units)


def _delete() -> None:
    try:
        cache.delete(ACTIVE_UNITS_KEY)
    except Exception:
        logger.warning("webhooks: the cache did not forget the active units", exc_info=True)


def forget_active_units() -> None:
    """A subscription was created, changed or deleted: the next event reads
    the rows again (now, and after the commit of the change)."""
    _delete()
    transaction.on_commit(_delete)


def _on_change(**_kwargs: Any) -> None:
    forget_active_units()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_on_change, sender=WebhookSubscription, dispatch_uid="webhooks.units.save")
    post_delete.connect(
        _on_change, sender=WebhookSubscription, dispatch_uid="webhooks.units.delete"
    )
