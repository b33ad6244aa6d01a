from django.urls import path

from motcua.accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.report, name="report"),
]
