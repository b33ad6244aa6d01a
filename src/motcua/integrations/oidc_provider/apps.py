from django.apps import AppConfig


class OidcProviderConfig(AppConfig):
    name = "motcua.integrations.oidc_provider"
    label = "oidc_provider_sandbox"
    verbose_name = "Máy chủ định danh thử nghiệm"
