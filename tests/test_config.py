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


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def no_storage_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("URL", "PASSWORD", "PASSWORD_FILE"):
        monkeypatch.delenv(f"PEERCIRCLE_STORAGE__{name}", raising=False)


@pytest.mark.usefixtures("no_storage_env")
def test_the_storage_url_defaults_to_sqlite_and_storage_path_keeps_working(
    tmp_path: Path,
) -> None:
    assert load_settings().storage.database.text == "sqlite:///data/peercircle.db"
    old = write(tmp_path / "old.toml", '[storage]\npath = "/var/lib/pc/bot.db"\n')
    database = load_settings(old).storage.database
    assert (database.engine, database.path) == ("sqlite", Path("/var/lib/pc/bot.db"))
    assert database.text == "sqlite:////var/lib/pc/bot.db"
    for url, path in (("sqlite:///x.db", "x.db"), ("sqlite:////srv/x.db", "/srv/x.db")):
        new = write(tmp_path / "new.toml", f'[storage]\nurl = "{url}"\n')
        assert load_settings(new).storage.path == Path(path)  # what the SQLite code reads
    same = write(tmp_path / "same.toml", '[storage]\nurl = "sqlite:///x.db"\npath = "./x.db"\n')
    assert load_settings(same).storage.path == Path("x.db")


@pytest.mark.usefixtures("no_storage_env")
def test_storage_url_and_path_naming_different_files_is_one_line_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both = write(tmp_path / "both.toml", '[storage]\nurl = "sqlite:///a.db"\npath = "b.db"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(both)
    message = str(caught.value)
    assert "storage.url (sqlite:///a.db) and storage.path (b.db)" in message
    assert "different databases" in message and "\n" not in message
    # The environment's path against the file's url is the same conflict.
    monkeypatch.setenv("PEERCIRCLE_STORAGE__PATH", "env.db")
    url_only = write(tmp_path / "url.toml", '[storage]\nurl = "sqlite:///a.db"\n')
    with pytest.raises(ConfigError, match=r"storage\.url .* and storage\.path \(env\.db\)"):
        load_settings(url_only)
    monkeypatch.setenv("PEERCIRCLE_STORAGE__URL", "sqlite:///env.db")
    assert load_settings(url_only).storage.path == Path("env.db")  # the same file: fine


@pytest.mark.usefixtures("no_storage_env")
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u@h/db", "the scheme 'mysql' is not one peercircle knows"),
        ("data/peercircle.db", "use sqlite:///path/to/peercircle.db or postgresql://"),
        ("sqlite://x.db", "a SQLite URL is sqlite:/// and the file's path"),
        ("sqlite:///x.db?mode=ro", "a SQLite URL takes no options"),
        ("postgresql://u@h:five/db", "not a PostgreSQL URL"),
    ],
)
def test_a_storage_url_peercircle_cannot_use_is_one_line(
    tmp_path: Path, url: str, expected: str
) -> None:
    config = write(tmp_path / "bad.toml", f'[storage]\nurl = "{url}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert expected in str(caught.value) and "'storage.url'" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.usefixtures("no_storage_env")
def test_a_postgresql_url_takes_its_password_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://peer@db.internal:5432/peercircle"
    config = write(tmp_path / "pg.toml", f'[storage]\nurl = "{url}"\n')
    storage = load_settings(config).storage
    assert (storage.database.engine, storage.database.text) == ("postgresql", url)
    assert storage.database_password is None  # peer or trust authentication, or ~/.pgpass
    secret = tmp_path / "password"
    secret.write_text(f"{PASSWORD}\n", encoding="utf-8")
    with_file = write(
        tmp_path / "file.toml", f'[storage]\nurl = "{url}"\npassword_file = "{secret}"\n'
    )
    password = load_settings(with_file).storage.database_password
    assert password is not None and password.get_secret_value() == PASSWORD
    monkeypatch.setenv("PEERCIRCLE_STORAGE__PASSWORD", "from-the-environment")
    settings = load_settings(with_file)
    password = settings.storage.database_password
    assert password is not None and password.get_secret_value() == "from-the-environment"
    assert "from-the-environment" not in repr(settings)
    assert "from-the-environment" not in str(settings.model_dump())


@pytest.mark.usefixtures("no_storage_env")
@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://peer:{PASSWORD}@db.internal/peercircle",
        f"postgres://peer:{PASSWORD}@db.internal/peercircle",
        f"postgresql://peer@db.internal/peercircle?password={PASSWORD}",
    ],
)
def test_a_password_inside_the_url_is_refused_without_repeating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    for config in (write(tmp_path / "pg.toml", f'[storage]\nurl = "{url}"\n'), None):
        if config is None:
            monkeypatch.setenv("PEERCIRCLE_STORAGE__URL", url)
        with pytest.raises(ConfigError) as caught:
            load_settings(config)
        message = str(caught.value)
        assert (
            "must not hold the password" in message and "PEERCIRCLE_STORAGE__PASSWORD" in message
        )
        assert PASSWORD not in message and "\n" not in message


@pytest.mark.usefixtures("no_storage_env")
def test_the_password_is_never_read_from_the_config_file(tmp_path: Path) -> None:
    config = write(
        tmp_path / "pg.toml",
        f'[storage]\nurl = "postgresql://peer@h/db"\npassword = "{PASSWORD}"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert "'storage.password'" in message and "PEERCIRCLE_STORAGE__PASSWORD" in message
    assert PASSWORD not in message


@pytest.mark.usefixtures("no_storage_env")
def test_a_password_file_that_cannot_be_read_is_named_not_shown(tmp_path: Path) -> None:
    missing = write(
        tmp_path / "missing.toml",
        f'[storage]\nurl = "postgresql://peer@h/db"\npassword_file = "{tmp_path / "nope"}"\n',
    )
    with pytest.raises(ConfigError, match=r"cannot read the password file .*nope"):
        load_settings(missing)
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    empty = write(
        tmp_path / "empty.toml",
        f'[storage]\nurl = "postgresql://peer@h/db"\npassword_file = "{tmp_path / "empty"}"\n',
    )
    with pytest.raises(ConfigError, match="is empty"):
        load_settings(empty)
