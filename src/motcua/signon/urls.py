from django.urls import path

from motcua.signon import views

app_name = "signon"

urlpatterns = [
    path("", views.start, name="start"),
    path("ve/", views.callback, name="callback"),
]
