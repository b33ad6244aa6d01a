from motcua.integrations.testing import zalo_sandbox

__all__ = ["zalo_sandbox"]
