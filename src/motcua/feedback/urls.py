from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("ho-so-cua-toi/<str:code>/danh-gia/", views.rate, name="rate"),
    path("phan-anh-kien-nghi/", views.public_list, name="public_list"),
    path("phan-anh-kien-nghi/gui/", views.submit, name="submit"),
    path("can-bo/phan-anh-kien-nghi/", views.queue, name="queue"),
    path("can-bo/phan-anh-kien-nghi/<uuid:item_id>/", views.answer, name="answer"),
]
