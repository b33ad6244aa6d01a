from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "motcua.scorecards"
    verbose_name = "Chỉ số phục vụ"

    def ready(self) -> None:
        from motcua.scorecards import hooks

        hooks.connect()
