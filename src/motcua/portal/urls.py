from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-ky/", views.register, name="register"),
    path("tai-khoan/", views.account, name="account"),
    path("sau-dang-nhap/", views.after_login, name="after_login"),
]
