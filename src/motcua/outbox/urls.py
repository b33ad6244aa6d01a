from django.urls import path

from motcua.outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.dead_letters, name="dead"),
    path("ho-so/<str:code>/", views.dossier_messages, name="dossier"),
    path("thu/<int:message_id>/gui-lai/", views.resend, name="resend"),
    path("thu/<int:message_id>/bo-qua/", views.skip, name="skip"),
]
