from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "motcua.integrations.sms"
    label = "sms_sandbox"
    verbose_name = "Cổng tin nhắn SMS thử nghiệm"
