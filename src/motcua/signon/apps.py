from django.apps import AppConfig


class SignonConfig(AppConfig):
    name = "motcua.signon"
    verbose_name = "Đăng nhập bằng định danh điện tử"
