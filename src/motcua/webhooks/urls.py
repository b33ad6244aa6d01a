from django.urls import path

from motcua.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscriptions, name="list"),
    path("<int:pk>/bat-tat/", views.toggle, name="toggle"),
    path("<int:pk>/khoa-moi/", views.rotate, name="rotate"),
]
