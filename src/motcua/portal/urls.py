from django.urls import path

from motcua.portal import mine_views, submit_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-ky/", views.register, name="register"),
    path("tai-khoan/", views.account, name="account"),
    path("sau-dang-nhap/", views.after_login, name="after_login"),
    # Filing a dossier
    path("nop-ho-so/", submit_views.pick, name="pick"),
    path("xa-phuong/", submit_views.communes, name="communes"),
    path("nop-ho-so/da-nop/<str:code>/", submit_views.submitted, name="submitted"),
    path("nop-ho-so/<uuid:procedure>/", submit_views.draft, name="draft"),
    path("nop-ho-so/<uuid:procedure>/tu-dong-luu/", submit_views.autosave, name="autosave"),
    path(
        "nop-ho-so/<uuid:procedure>/giay-to/<int:component>/",
        submit_views.attach,
        name="attach",
    ),
    path("nop-ho-so/<uuid:procedure>/nop/", submit_views.submit, name="submit"),
    path("tep/<uuid:file>/anh-nho/", submit_views.thumbnail, name="thumbnail"),
    # My dossiers
    path("ho-so-cua-toi/", mine_views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", mine_views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/giay-tiep-nhan/", mine_views.my_receipt, name="my_receipt"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", mine_views.supplement, name="supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", mine_views.withdraw, name="withdraw"),
    path(
        "ho-so-cua-toi/<str:code>/ket-qua/<uuid:document>/",
        mine_views.result_file,
        name="result_file",
    ),
    # Public tracking
    path("tra-cuu/", mine_views.track, name="track"),
]
