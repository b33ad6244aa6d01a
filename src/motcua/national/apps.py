from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "motcua.national"
    label = "national"
    verbose_name = "Liên thông Cổng Dịch vụ công quốc gia"
