from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<str:code>/", views.pay, name="pay"),
    path("ho-so/<str:code>/bien-lai/<uuid:obligation>/", views.receipt, name="receipt"),
    path("ket-qua/<str:reference>/", views.returned, name="returned"),
    path("thong-bao/<str:gateway>/", views.notify, name="notify"),
    path("can-bo/", views.office_payments, name="office"),
    path("can-bo/ho-so/<str:code>/", views.counter, name="counter"),
    path(
        "can-bo/ho-so/<str:code>/bien-lai/<uuid:obligation>/",
        views.counter_receipt,
        name="counter_receipt",
    ),
]
