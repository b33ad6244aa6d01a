from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from motcua.api.api import api
from motcua.portal.forms import LoginForm
from motcua.signon import views as signon_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("dang-nhap/vneid/", include("motcua.signon.urls")),
    # Ends the provider's session too when the citizen signed in with it.
    path("dang-xuat/", signon_views.logout, name="logout"),
    path("quen-mat-khau/", include("motcua.portal.password_urls")),
    path("", include("motcua.delivery.urls")),
    path("", include("motcua.feedback.urls")),
    path("", include("motcua.national.urls")),
    path("can-bo/gui-di/", include("motcua.outbox.urls")),
    path("can-bo/webhook/", include("motcua.webhooks.urls")),
    path("can-bo/trach-nhiem/", include("motcua.accountability.urls")),
    path("", include("motcua.scorecards.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("tai-khoan/thong-bao/", include("motcua.notifications.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("", include("motcua.portal.urls")),
]

handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"
