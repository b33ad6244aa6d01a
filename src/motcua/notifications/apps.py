from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from motcua.notifications import delivery_receivers, feedback_receivers, hooks

        hooks.connect()
        delivery_receivers.connect()
        feedback_receivers.connect()
