"""Configuration sources, their order, and the one-line errors for bad configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings, require_token

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("PEERCIRCLE_CONFIG", "PEERCIRCLE_TELEGRAM__TOKEN", "PEERCIRCLE_STORAGE__PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_without_any_file() -> None:
    settings = load_settings()
    assert settings.storage.path == Path("data/peercircle.db")
    assert settings.telegram.api_base_url == "https://api.telegram.org/bot"
    assert settings.moderation.operators == []
    assert "988" in settings.safety.crisis_resources


def test_toml_overrides_defaults_and_env_overrides_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(
        tmp_path / "custom.toml",
        f'[telegram]\ntoken = "{TOKEN}"\n[storage]\npath = "x.db"\n'
        "[moderation]\noperators = [1, 2]\n",
    )
    assert load_settings(config).storage.path == Path("x.db")
    monkeypatch.setenv("PEERCIRCLE_STORAGE__PATH", "from-env.db")
    settings = load_settings(config)
    assert settings.storage.path == Path("from-env.db")
    assert settings.moderation.operators == [1, 2]
    assert require_token(settings) == TOKEN


def test_config_file_is_found_by_env_then_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "config.toml", '[storage]\npath = "cwd.db"\n')
    assert load_settings().storage.path == Path("cwd.db")
    other = write(tmp_path / "other.toml", '[storage]\npath = "env.db"\n')
    monkeypatch.setenv("PEERCIRCLE_CONFIG", str(other))
    assert load_settings().storage.path == Path("env.db")
    explicit = write(tmp_path / "explicit.toml", '[storage]\npath = "explicit.db"\n')
    assert load_settings(explicit).storage.path == Path("explicit.db")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[telegram\n", "is not valid TOML"),
        ('[telegram]\ntokn = "x"\n', "unknown key 'telegram.tokn'"),
        ("[colour]\nx = 1\n", "unknown key 'colour'"),
        ('[moderation]\nmoderator_chat_id = "lots"\n', "'moderation.moderator_chat_id'"),
        ('[members]\ndefault_timezone = "Mars/Base"\n', "unknown time zone 'Mars/Base'"),
        ('[members]\ndefault_checkin_time = "25:00"\n', "write it as HH:MM"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    config = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_missing_or_malformed_token_explains_what_to_do() -> None:
    with pytest.raises(ConfigError, match="@BotFather") as caught:
        require_token(Settings())
    assert "PEERCIRCLE_TELEGRAM__TOKEN" in str(caught.value)
    with pytest.raises(ConfigError, match="does not look like a bot token"):
        require_token(Settings(telegram={"token": "not-a-token"}))  # type: ignore[arg-type]


def test_token_is_secret_in_reprs() -> None:
    settings = Settings(telegram={"token": TOKEN})  # type: ignore[arg-type]
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.model_dump())


def test_example_config_is_valid_and_documents_every_key() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(example)
    text = example.read_text(encoding="utf-8")
    for section, model in settings:
        for key in type(model).model_fields:
            documented = (f"\n{key} =", f"\n# {key} =", f"\n# [{section}.{key}]")
            assert any(form in text for form in documented), f"{section}.{key} undocumented"


def test_the_reflection_waits_an_hour_and_the_old_time_key_still_loads(tmp_path: Path) -> None:
    assert load_settings().checkins.weekly_reflection_wait_minutes == 60
    old = write(tmp_path / "old.toml", '[checkins]\nweekly_reflection_time = "19:00"\n')
    assert load_settings(old).checkins.weekly_reflection_time == "19:00"  # ignored, warned
    late = write(tmp_path / "late.toml", "[checkins]\nweekly_reflection_wait_minutes = 721\n")
    with pytest.raises(ConfigError, match="weekly_reflection_wait_minutes"):
        load_settings(late)
