from django.urls import path

from motcua.delivery import views

app_name = "delivery"

urlpatterns = [
    path("ho-so-cua-toi/<str:code>/buu-chinh/", views.postal_request, name="postal_request"),
    path("can-bo/ho-so/<str:code>/van-don/", views.order_create, name="order_create"),
    path("buu-chinh/thong-bao/", views.carrier_webhook, name="carrier_webhook"),
]
