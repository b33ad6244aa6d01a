"""Domain events of ratings and feedback others subscribe to (the
notifications connect the applicant's messages here):

    from motcua.feedback.events import rating_given
    rating_given.connect(receiver)        # receiver(sender, *, rating, **kwargs)
    feedback_answered.connect(receiver)   # receiver(sender, *, feedback, **kwargs)

Both are sent inside the transaction that records the change, once the row
is written (like the dossiers' event hooks): a receiver that tells the
outside world defers it with ``transaction.on_commit``, so a rolled-back
rating or answer tells no one."""

from __future__ import annotations

from django.dispatch import Signal

#: The applicant rated a dossier (the first rating; a change is not sent).
rating_given = Signal()
#: The responsible unit answered a piece of feedback or a complaint.
feedback_answered = Signal()
