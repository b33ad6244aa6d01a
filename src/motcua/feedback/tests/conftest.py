from motcua.delivery.tests.conftest import by_post, procedure, result_ready

__all__ = ["by_post", "procedure", "result_ready"]
