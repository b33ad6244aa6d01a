from django.urls import path

from motcua.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("can-bo/chi-so/", views.scorecard_page, name="scorecard"),
    path("can-bo/chi-so/xep-hang/", views.ranking_page, name="ranking"),
    path("can-bo/chi-so/ho-so/", views.drill_page, name="drill"),
    path("chi-so-phuc-vu/", views.public_page, name="public"),
    path("chi-so-phuc-vu/du-lieu-mo.csv", views.open_data_csv, name="open_data_csv"),
    path("chi-so-phuc-vu/du-lieu-mo.json", views.open_data_json, name="open_data_json"),
]
