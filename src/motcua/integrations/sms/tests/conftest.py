from motcua.integrations.testing import sms_sandbox

__all__ = ["sms_sandbox"]
