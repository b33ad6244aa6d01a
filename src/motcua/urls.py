from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from motcua.api.api import api
from motcua.portal.forms import LoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", include("motcua.portal.password_urls")),
    path("", include("motcua.delivery.urls")),
    path("", include("motcua.feedback.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("", include("motcua.portal.urls")),
]

handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"
