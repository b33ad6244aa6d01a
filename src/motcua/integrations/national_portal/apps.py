from django.apps import AppConfig


class NationalPortalConfig(AppConfig):
    name = "motcua.integrations.national_portal"
    label = "national_portal_sandbox"
    verbose_name = "Cổng Dịch vụ công quốc gia (thử nghiệm)"
