from django.urls import path

from motcua.national import views

app_name = "national"

urlpatterns = [
    path("lien-thong/tep/<str:token>/", views.signed_file, name="file"),
    path("can-bo/dong-bo-quoc-gia/", views.sync_report, name="report"),
]
