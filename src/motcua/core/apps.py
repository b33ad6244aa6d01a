from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The database cache's table is not a model: create it wherever
    ``migrate`` runs (``make migrate``, the tests, the docs' install steps),
    so no one has to remember ``createcachetable``. Idempotent; once per
    migrate (``core`` has no models, so it hangs on ``contenttypes``)."""
    from django.core.management import call_command

    if sender.label != "contenttypes":
        return
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        from motcua.core import security  # noqa: F401  (registers the deploy check)

        post_migrate.connect(_create_cache_table, dispatch_uid="motcua-cache-table")
