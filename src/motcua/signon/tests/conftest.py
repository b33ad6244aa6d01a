from motcua.integrations.oidc_provider.testing import oidc_provider

__all__ = ["oidc_provider"]
