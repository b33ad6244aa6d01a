from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "motcua.accountability"
    verbose_name = "Trách nhiệm giải trình"
