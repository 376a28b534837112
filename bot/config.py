"""Settings: defaults < TOML file < PEERCIRCLE_<SECTION>__<KEY> environment variables."""

from __future__ import annotations

import os
import re
import socket
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.i18n import N_
from bot.i18n.languages import SHIPPED, shipped_language
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.zones import normalise_timezone
from storage.sealed import Keys, decode_key
from storage.url import StorageUrl, parse_storage_url, sqlite_url

DEFAULT_CONFIG_FILE = Path("config.toml")
_TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")

# The international list: shown translated in each member's language unless the operator
# sets crisis_resources (then that text, as written) or lines per language or region.
DEFAULT_CRISIS_RESOURCES = N_(
    "If you are in danger or thinking about ending your life, please reach out now:\n"
    "• Call your local emergency number (112 in Europe, 911 in the US and Canada, "
    "999 in the UK).\n"
    "• Find a free, confidential helpline in your country: https://findahelpline.com\n"
    "• US: call or text 988. UK and Ireland: Samaritans, 116 123.\n"
    "You matter, and you do not have to go through this alone."
)


class ConfigError(Exception):
    """A configuration problem, worded for the operator: the key and the fix, in one line."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: SecretStr = SecretStr("")
    api_base_url: str = "https://api.telegram.org/bot"
    poll_timeout: int = Field(default=10, ge=0, le=50)
    # Handle different members' updates side by side (each member's stay in order).
    concurrent_members: bool = True
    # No successful getUpdates for this long: log CRITICAL and exit for a restart.
    liveness_seconds: int = Field(default=300, ge=10, le=86400)
    # With a webhook URL, Telegram sends updates to this process instead of polling.
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> TelegramSettings:
        if self.webhook_url and len(self.webhook_secret.get_secret_value()) < 32:
            raise ValueError(
                "telegram.webhook_secret must be at least 32 characters when "
                "telegram.webhook_url is set (letters, digits, _ and -); generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        if self.webhook_url and not self.webhook_url.startswith("https://"):
            raise ValueError("telegram.webhook_url must start with https:// (Telegram's rule)")
        return self

    @property
    def webhook_path(self) -> str:
        path = urlsplit(self.webhook_url).path
        return path or "/"

    @property
    def api_base_file_url(self) -> str:
        base = self.api_base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file"


class StorageSettings(_Section):
    # Where the database is, as a URL (storage.url): sqlite:///path, or postgresql://user@
    # host:port/database for several workers (README: PostgreSQL and several workers).
    # Empty: storage.path, which keeps working; it is filled in from a sqlite URL.
    url: str = ""
    path: Path = Path("data/peercircle.db")
    # PostgreSQL's password, never in the URL: from PEERCIRCLE_STORAGE__PASSWORD (the config
    # file is refused), else the first line of password_file.
    password: SecretStr | None = None
    password_file: Path | None = None
    # The file with the key that seals members' text in the database (storage.sealed); None:
    # peercircle.key beside the database. Made at first start when missing.
    key_file: Path | None = None
    # The key itself, as `peercircle keygen` prints it: meant for the environment
    # (PEERCIRCLE_STORAGE__KEY), and then the key file is neither read nor made.
    key: SecretStr | None = None
    # False: new text is stored plain (text sealed before still opens with the key).
    encrypt: bool = True

    @field_validator("key")
    @classmethod
    def _a_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # an empty variable is no key (a unit file's placeholder)
        try:
            decode_key(value.get_secret_value())
        except ValueError:
            raise ValueError(
                "must be 32 random bytes as URL-safe base64 (44 characters), as "
                "`peercircle keygen` prints them; the value is not shown here"
            ) from None
        return value

    @model_validator(mode="before")
    @classmethod
    def _one_database(cls, data: Any) -> Any:
        """storage.path from a sqlite URL; both keys set and naming different databases
        is an error, as neither could be the one meant."""
        if not isinstance(data, dict) or not data.get("url"):
            return data
        try:
            url = parse_storage_url(str(data["url"]))
        except ValueError:
            return data  # said by the url field's own check, under its key
        if "path" in data and (url.path is None or Path(str(data["path"])) != url.path):
            raise ValueError(
                f"storage.url ({url.text}) and storage.path ({data['path']}) name different "
                "databases; set only one of them (storage.url is the newer key)"
            )
        return data if url.path is None else {**data, "path": url.path}

    @field_validator("url")
    @classmethod
    def _a_storage_url(cls, value: str) -> str:
        if value:
            parse_storage_url(value)
        return value

    @field_validator("password_file")
    @classmethod
    def _a_readable_password_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            _first_line(value)
        return value

    @property
    def database(self) -> StorageUrl:
        """Where the database is; its text holds no password, so it may be shown."""
        if self.url:
            return parse_storage_url(self.url)
        return StorageUrl("sqlite", sqlite_url(self.path), self.path)

    @property
    def database_password(self) -> SecretStr | None:
        """PostgreSQL's password: the environment's wins over the file's."""
        if self.password is not None and self.password.get_secret_value():
            return self.password
        if self.password_file is not None:
            return SecretStr(_first_line(self.password_file))
        return None

    @property
    def keys(self) -> Keys:
        """Where the key comes from, for storage: the environment's wins over the file."""
        key = decode_key(self.key.get_secret_value()) if self.key is not None else None
        return Keys(self.key_file, key, self.encrypt)


def _first_line(path: Path) -> str:
    """A password file's first line (its content is never put in a message)."""
    try:
        line = path.read_text(encoding="utf-8").partition("\n")[0].strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ValueError(f"cannot read the password file {path} ({reason})") from None
    if not line:
        raise ValueError(f"the password file {path} is empty; put the password on its first line")
    return line


class PrivacySettings(_Section):
    # Private notes (check-in and setback notes) older than this many days lose their text
    # on the sweep; the figures stay. 0: kept until the member deletes them.
    note_retention_days: int = Field(default=0, ge=0, le=36500)
    # What members relayed to their circle, older than this many days, loses its text on
    # the sweep. 0: kept.
    relay_retention_days: int = Field(default=0, ge=0, le=36500)


class ModerationSettings(_Section):
    operators: list[int] = Field(default_factory=list)
    moderator_chat_id: int = 0
    warnings_before_mute: int = Field(default=3, ge=1, le=20)
    warning_window_days: int = Field(default=30, ge=1, le=365)
    warning_mute_hours: int = Field(default=24, ge=1, le=24 * 90)
    alert_repeat_minutes: int = Field(default=15, ge=1, le=24 * 60)
    stats_min_members: int = Field(default=5, ge=2, le=1000)


class SafetySettings(_Section):
    crisis_resources: str = Field(default=DEFAULT_CRISIS_RESOURCES, min_length=1, max_length=3000)
    # A folder of <language>.toml files adding phrases and exceptions to the shipped
    # lexicons; checked at start (bot.safety.lexicon), with an error naming file and phrase.
    lexicon_dir: Path | None = None
    # The backstop (bot.safety.backstop): a second opinion on messages no phrase matched.
    backstop: bool = True
    # Local lines by language id (es = "…"): members reading that language see them.
    crisis_resources_by_language: dict[str, str] = Field(default_factory=dict)
    # Lines by region name, in the order the /settings menu shows them: with more than one,
    # members may pick theirs (a region's lines come before their language's).
    crisis_resources_by_region: dict[str, str] = Field(default_factory=dict)

    @field_validator("crisis_resources_by_language")
    @classmethod
    def _shipped_languages(cls, value: dict[str, str]) -> dict[str, str]:
        checked: dict[str, str] = {}
        for code, text in value.items():
            checked[_shipped(code)] = _resources_text(text, code)
        return checked

    @field_validator("crisis_resources_by_region")
    @classmethod
    def _regions(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) == 1:
            raise ValueError(
                "one region alone is never offered: put its lines in crisis_resources (or "
                "crisis_resources_by_language), or name two or more regions"
            )
        for name, text in value.items():
            if not 1 <= len(name) <= 40:
                raise ValueError(f"region name {name!r} must be 1 to 40 characters")
            _resources_text(text, name)
        return value

    @field_validator("lexicon_dir")
    @classmethod
    def _lexicons_load(cls, value: Path | None) -> Path | None:
        if value is not None:
            from bot.safety.lexicon import LexiconError, load

            try:
                load(value)
            except LexiconError as error:
                raise ValueError(str(error)) from None
        return value


def _shipped(code: str) -> str:
    """The shipped language a code names ("pt-BR" is pt_BR), or the error saying which."""
    language = shipped_language(code)
    if language is None:
        raise ValueError(f"{code!r} is not a shipped language; use one of {', '.join(SHIPPED)}")
    return language


def _resources_text(text: str, key: str) -> str:
    if not 1 <= len(text.strip()) <= 3000:
        raise ValueError(f"the crisis lines for {key!r} must be 1 to 3000 characters")
    return text


class MemberSettings(_Section):
    default_timezone: str = "UTC"
    default_checkin_time: str = "20:00"
    # The language for people whose Telegram language is not shipped, and for the
    # moderators' chat and `peercircle report` (one of bot.i18n.languages.SHIPPED).
    default_language: str = "en"

    @field_validator("default_language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        return _shipped(value)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone = normalise_timezone(value)
        if zone is None:
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin "
                "or an offset such as UTC+5:30"
            )
        return zone

    @field_validator("default_checkin_time")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        parsed = parse_hhmm(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not a time; write it as HH:MM, e.g. 20:00")
        return parsed.strftime("%H:%M")


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class CheckinSettings(_Section):
    weekly_reflection_day: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "sunday"
    # The reflection follows that day's check-in; a member who has not checked in gets it
    # this long after their check-in time.
    weekly_reflection_wait_minutes: int = Field(default=60, ge=0, le=720)
    # No longer used (the reflection follows each member's check-in); still accepted so
    # that older configuration files load. Start-up logs a warning when it is set.
    weekly_reflection_time: str | None = None

    @field_validator("weekly_reflection_time")
    @classmethod
    def _valid_time(cls, value: str | None) -> str | None:
        return None if value is None else MemberSettings._valid_time(value)

    @property
    def weekly_weekday(self) -> int:
        return WEEKDAYS.index(self.weekly_reflection_day)

    @property
    def weekly_reflection_wait(self) -> timedelta:
        return timedelta(minutes=self.weekly_reflection_wait_minutes)


class SchedulerSettings(_Section):
    sweep_interval_seconds: float = Field(default=5.0, gt=0, le=60)
    grace_hours: float = Field(default=3.0, ge=0, le=24)
    batch_size: int = Field(default=200, ge=1, le=10_000)


class DeliverySettings(_Section):
    messages_per_second: float = Field(default=25.0, gt=0, le=1000)
    per_chat_per_second: float = Field(default=1.0, gt=0, le=100)
    max_attempts: int = Field(default=20, ge=1, le=1000)
    # How long the outbox waits for Telegram's answer to one send. Past it the message may
    # still have arrived, so it is tried once more after a pause and then given up.
    send_timeout_seconds: float = Field(default=15.0, ge=1, le=120)
    # Different chats sent to at once, each counted until its result is recorded
    # (bot.runtime.delivery): all a kill -9 of the sender can repeat. 4 by default: enough
    # that a slow answer for one chat leaves the pace to the others (and for 25/s when
    # Telegram is 100 ms away), few enough that when Telegram stalls, the sends it then
    # answers at once stay under its limit (at 25/s: 4 + 25 in a second). 1 repeats at most
    # one message, but sends no faster than one round trip to Telegram at a time.
    sends_in_flight: int = Field(default=4, ge=1, le=30)


class CircleSettings(_Section):
    max_members: int = Field(default=12, ge=2, le=200)
    relays_per_hour: int = Field(default=10, ge=1, le=1000)


class OutcomeSettings(_Section):
    # Offer members the validated questionnaires (README "Outcomes"); off: never asked.
    enabled: bool = True
    # A folder of the operator's own questionnaire files (.toml), checked at start.
    questionnaire_dir: Path | None = None
    # Which questionnaires to ask, by id; empty: every shipped one and every file found.
    questionnaires: list[str] = Field(default_factory=list)
    # The one-time offer comes this many days after a member joins.
    offer_after_days: int = Field(default=7, ge=0, le=365)


class MetricsSettings(_Section):
    # /healthz and /metrics (Prometheus) on this address; port 0 turns them off.
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)


_WORKER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,62}$")


class RuntimeSettings(_Section):
    # This process's name among several workers: in the log, /healthz and /metrics.
    # Empty: <hostname>-<pid>, a new name at each start.
    worker_name: str = ""
    # How often a worker tries to become the leader (the one that sends and sweeps), and the
    # leader checks that it still is (PostgreSQL; on SQLite the one process always leads).
    leader_poll_seconds: float = Field(default=5.0, ge=0.5, le=60)

    @field_validator("worker_name")
    @classmethod
    def _a_worker_name(cls, value: str) -> str:
        if value and not _WORKER_NAME.match(value):
            raise ValueError(
                "must be 1-63 letters, digits and . _ @ : - (starting with a letter or digit), "
                "such as web-1"
            )
        return value

    @property
    def worker(self) -> str:
        """The worker's name: worker_name, else <hostname>-<pid>."""
        if self.worker_name:
            return self.worker_name
        pid = str(os.getpid())
        host = socket.gethostname().split(".")[0] or "peercircle"
        return f"{host[: 62 - len(pid)]}-{pid}"


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


_toml_file: ContextVar[Path | None] = ContextVar("peercircle_toml_file", default=None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PEERCIRCLE_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        # A mistyped key or token is nearly the secret: errors never repeat the input.
        hide_input_in_errors=True,
    )

    telegram: TelegramSettings = TelegramSettings()
    storage: StorageSettings = StorageSettings()
    privacy: PrivacySettings = PrivacySettings()
    moderation: ModerationSettings = ModerationSettings()
    safety: SafetySettings = SafetySettings()
    members: MemberSettings = MemberSettings()
    checkins: CheckinSettings = CheckinSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    delivery: DeliverySettings = DeliverySettings()
    circles: CircleSettings = CircleSettings()
    outcomes: OutcomeSettings = OutcomeSettings()
    logging: LoggingSettings = LoggingSettings()
    metrics: MetricsSettings = MetricsSettings()
    runtime: RuntimeSettings = RuntimeSettings()

    @model_validator(mode="after")
    def _questionnaires_load(self) -> Settings:
        from bot.outcomes.questionnaire import QuestionnaireError, load

        outcomes = self.outcomes
        try:
            load(
                outcomes.questionnaire_dir,
                self.members.default_language,
                outcomes.questionnaires or None,
            )
        except QuestionnaireError as error:
            raise ValueError(str(error)) from None
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: explicit arguments (tests), then the environment, then TOML.
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=_toml_file.get()),
        )


def config_path(explicit: Path | None, environ: Mapping[str, str] = os.environ) -> Path | None:
    """--config, else $PEERCIRCLE_CONFIG, else ./config.toml if it exists."""
    if explicit is not None:
        return explicit
    if environ.get("PEERCIRCLE_CONFIG"):
        return Path(environ["PEERCIRCLE_CONFIG"])
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.exists() else None


def load_settings(explicit: Path | None = None) -> Settings:
    """Read the configuration, or raise ConfigError with one line naming the key and the fix."""
    path = config_path(explicit)
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file {path} not found; copy config.example.toml there")
        try:
            with path.open("rb") as handle:
                read = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML ({exc}); fix that line") from None
        _no_password_in(read, path)
    token = _toml_file.set(path)
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None
    finally:
        _toml_file.reset(token)


def _no_password_in(read: dict[str, Any], path: Path) -> None:
    """The database password never sits in the config file, which is read by more people
    and tools than a secret should be."""
    storage = read.get("storage")
    if isinstance(storage, dict) and "password" in storage:
        raise ConfigError(
            f"configuration error: 'storage.password' in {path}: the database password is "
            "not read from the config file; remove it, and set PEERCIRCLE_STORAGE__PASSWORD "
            "or storage.password_file (a file only the bot's user can read)"
        )


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    where = f" in {path}" if path else ""
    problems: list[str] = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            problems.append(
                f"unknown key '{key}'{where}; remove it or check its spelling "
                "against config.example.toml"
            )
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            env = "PEERCIRCLE_" + "__".join(str(p).upper() for p in error["loc"])
            problems.append(f"'{key}'{where} (or {env}): {message}")
    return "configuration error: " + "; ".join(problems)


def require_token(settings: Settings) -> str:
    """The bot token, or a ConfigError explaining how to get one."""
    token = settings.telegram.token.get_secret_value().strip()
    if not token:
        raise ConfigError(NO_TOKEN_HELP)
    if not _TOKEN_SHAPE.match(token):
        raise ConfigError(
            "configuration error: 'telegram.token' does not look like a bot token "
            "(it should look like 123456789:AAH...); copy it again from @BotFather"
        )
    return token


NO_TOKEN_HELP = """\
peercircle needs a Telegram bot token, and none is configured.
  1. In Telegram, open a chat with @BotFather and send /newbot; follow its two questions.
  2. It answers with a token like 123456789:AAH...; keep it secret.
  3. Put it in the environment:  export PEERCIRCLE_TELEGRAM__TOKEN='123456789:AAH...'
     or in config.toml under [telegram] as token = "..." (see config.example.toml).
Then run it again.

To try peercircle first without Telegram, run the local sandbox: `make sandbox`
(or `peercircle sandbox`) and open http://127.0.0.1:8080 in a browser."""
