from motcua.integrations.vnpost.testing import vnpost_sandbox

__all__ = ["vnpost_sandbox"]
