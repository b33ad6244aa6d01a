from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "motcua.national"
    label = "national"
    verbose_name = "Liên thông Cổng Dịch vụ công quốc gia"

    def ready(self) -> None:
        from motcua.national.destinations import MeasurementDestination, NationalPortalDestination
        from motcua.outbox.destinations import register_destination

        register_destination(NationalPortalDestination())
        register_destination(MeasurementDestination())
