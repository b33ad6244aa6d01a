from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/<slug:public_id>/", views.agency_detail, name="agency"),
]
