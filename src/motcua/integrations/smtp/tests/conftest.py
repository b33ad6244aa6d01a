from motcua.integrations.smtp.testing import smtp_sandbox

__all__ = ["smtp_sandbox"]
