from django.apps import AppConfig


class VnpostConfig(AppConfig):
    name = "motcua.integrations.vnpost"
    label = "vnpost_sandbox"
    verbose_name = "Bưu chính (VNPost)"
