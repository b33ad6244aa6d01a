from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "motcua.outbox"
    label = "outbox"
    verbose_name = "Hộp thư đi (đồng bộ ra ngoài)"

    def ready(self) -> None:
        from motcua.outbox import hooks

        hooks.connect()
