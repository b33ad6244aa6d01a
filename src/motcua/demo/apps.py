from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province and its ``demo`` command. Above the domains: it
    loads units, accounts and the catalogue through their services."""

    name = "motcua.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
