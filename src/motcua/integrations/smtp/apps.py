from django.apps import AppConfig


class SmtpConfig(AppConfig):
    name = "motcua.integrations.smtp"
    label = "smtp_sandbox"
    verbose_name = "Hộp thư thử nghiệm"
