from django.apps import AppConfig


class ZaloConfig(AppConfig):
    name = "motcua.integrations.zalo"
    label = "zalo_sandbox"
    verbose_name = "Zalo ZNS thử nghiệm"
