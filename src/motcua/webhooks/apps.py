from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "motcua.webhooks"
    label = "webhooks"
    verbose_name = "Webhook cho các hệ thống khác của tỉnh"

    def ready(self) -> None:
        from motcua.outbox.destinations import register_destination
        from motcua.webhooks import selectors
        from motcua.webhooks.destination import WebhookDestination

        register_destination(WebhookDestination())
        selectors.connect()
