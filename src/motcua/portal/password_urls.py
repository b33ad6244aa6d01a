"""Password recovery by e-mail: Django's password-reset views with the
portal's Vietnamese templates (``templates/registration/password_reset_*``).
The mail goes out through ``EMAIL_*`` (a real SMTP connection; the local
sandbox in ``motcua.integrations.smtp`` for tests and the demo)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from motcua.portal.forms import RecoveryForm

urlpatterns = [
    path(
        "",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
            form_class=RecoveryForm,
        ),
        name="password_reset",
    ),
    path("da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
