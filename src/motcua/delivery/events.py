"""Domain events of delivery others subscribe to (the notifications
engineer connects the applicant's message here):

    from motcua.delivery.events import delivery_failed
    delivery_failed.connect(receiver)   # receiver(sender, *, order, **kwargs)

Both are sent after the transaction that recorded the change commits."""

from __future__ import annotations

from django.dispatch import Signal

#: A delivery failed: the result is back at the counter; tell the applicant.
delivery_failed = Signal()
#: A delivery reached the receiver.
delivery_delivered = Signal()
