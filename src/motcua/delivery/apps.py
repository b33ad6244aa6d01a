from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "motcua.delivery"
    verbose_name = "Dịch vụ bưu chính công ích"
