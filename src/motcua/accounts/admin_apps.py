"""The admin site's app config: Django's admin with the site that admits
people by their roles (see ``motcua.accounts.admin_access``)."""

from django.contrib.admin import apps


class MotCuaAdminConfig(apps.AdminConfig):
    default_site = "motcua.accounts.admin_access.MotCuaAdminSite"
