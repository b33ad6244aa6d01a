import pytest

from motcua import env


def test_values_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MC_TEST_INT", "42")
    monkeypatch.setenv("MC_TEST_BOOL", "yes")
    monkeypatch.setenv("MC_TEST_LIST", "a.gov.vn, b.gov.vn,,")
    assert env.env_int("MC_TEST_INT", 1, "x") == 42
    assert env.env_bool("MC_TEST_BOOL", False, "x") is True
    assert env.env_list("MC_TEST_LIST", [], "x") == ["a.gov.vn", "b.gov.vn"]
    assert env.env_str("MC_TEST_UNSET", "mặc định", "x") == "mặc định"


def test_secret_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n")
    monkeypatch.setenv("MC_TEST_SECRET_FILE", str(secret))
    assert env.env_str("MC_TEST_SECRET", "default", "x") == "s3cret-value"


@pytest.mark.parametrize(("name", "value"), [("MC_BAD_INT", "mười"), ("MC_BAD_BOOL", "có lẽ")])
def test_malformed_values_are_clear_errors(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(env.SettingError) as exc:
        if "INT" in name:
            env.env_int(name, 0, "x")
        else:
            env.env_bool(name, False, "x")
    assert name in str(exc.value)


def test_reference_lists_every_registered_setting():
    text = env.settings_reference_markdown()
    for name in ("DATABASE_URL", "SECRET_KEY", "TIME_ZONE", "ALLOWED_HOSTS"):
        assert f"`{name}`" in text
    assert "/work/" not in text  # no machine-specific paths


def test_settings_reference_check_detects_drift(tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.REPO_DIR = tmp_path
    with pytest.raises(CommandError):
        call_command("settings_reference", "--check")
    call_command("settings_reference")
    call_command("settings_reference", "--check")
    assert (
        (tmp_path / "docs" / "developers" / "settings.md")
        .read_text()
        .startswith("# Settings reference")
    )
