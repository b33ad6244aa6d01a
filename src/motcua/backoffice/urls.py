from django.urls import path

from motcua.backoffice import dossier_views, intake_support, token_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/<slug:public_id>/", views.agency_detail, name="agency"),
    path(
        "don-vi/<slug:public_id>/vai-tro/<int:assignment_id>/thu-hoi/",
        views.role_revoke,
        name="role_revoke",
    ),
    path("don-vi/<slug:public_id>/ho-so/", dossier_views.unit_dossiers, name="unit_dossiers"),
    path("tai-khoan/ma-truy-cap/", token_views.api_tokens, name="api_tokens"),
    path(
        "tai-khoan/ma-truy-cap/<int:token_id>/thu-hoi/",
        token_views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("ho-so/", dossier_views.queue, name="queue"),
    path("tiep-nhan/", dossier_views.intake, name="intake"),
    path("tiep-nhan/kiem-tra/", intake_support.identifier_check, name="intake_identifier_check"),
    path("ho-so/<str:code>/", dossier_views.dossier_detail, name="dossier"),
    path(
        "ho-so/<str:code>/thao-tac/<slug:action>/",
        dossier_views.dossier_action,
        name="dossier_action",
    ),
    path(
        "ho-so/<str:code>/tai-lieu/<slug:doc_id>/",
        dossier_views.dossier_document,
        name="dossier_document",
    ),
    path(
        "ho-so/<str:code>/tai-lieu/<slug:doc_id>/anh-nho/",
        dossier_views.dossier_document,
        {"thumb": True},
        name="dossier_thumbnail",
    ),
    path("ho-so/<str:code>/in/<slug:purpose>/", dossier_views.dossier_print, name="dossier_print"),
]
