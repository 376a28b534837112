"""The `peercircle` command as a separate process: run against the emulator, bad configs."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_NO_TOKEN
from bot.emulator import BotApiEmulator
from storage.migrations import load_migrations
from storage.sealed import encode_key
from tests.helpers import ROOT, onboard, peercircle, subprocess_env


def write_config(path: Path, token: str, base_url: str, extra: str = "") -> Path:
    path.write_text(
        f'[telegram]\ntoken = "{token}"\napi_base_url = "{base_url}"\npoll_timeout = 1\n'
        f'[storage]\npath = "{path.parent / "bot.db"}"\n[logging]\nlevel = "DEBUG"\n{extra}',
        encoding="utf-8",
    )
    return path


async def test_run_serves_onboarding_as_a_separate_process(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", emulator.token, emulator.base_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=tmp_path,
        env=subprocess_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)
        user = emulator.user()
        await onboard(user, zone="America/New_York", at="21:00")
        user.send("please keep this private text")
        await user.next_message()
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    log = err.decode()
    assert "polling started" in log
    assert emulator.token not in log
    assert emulator.token.split(":")[1] not in log
    assert "private text" not in log


async def test_a_token_telegram_rejects_gives_one_clear_line(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    wrong = "987654321:AAThisTokenIsWellFormedButUnknownXYZ"
    config = write_config(tmp_path / "config.toml", wrong, emulator.base_url)
    code, _, err = await peercircle("run", "--config", str(config), cwd=tmp_path)
    assert code != 0
    assert "Telegram rejected telegram.token" in err
    assert wrong not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[telegram]\ntoken = \n", "is not valid TOML"),
        ('[telegram]\ntoken = "1:x"\nwebhok = "x"\n', "unknown key 'telegram.webhok'"),
        ('[storage]\npath = ["a"]\n', "'storage.path'"),
    ],
)
@pytest.mark.parametrize("command", ["run", "check-config"])
async def test_bad_config_exits_non_zero_with_one_line(
    tmp_path: Path, content: str, expected: str, command: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(content, encoding="utf-8")
    code, _, err = await peercircle(command, "--config", str(config), cwd=tmp_path)
    assert code != 0
    assert expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


async def test_no_token_explains_how_to_get_one(tmp_path: Path) -> None:
    code, out, err = await peercircle("run", cwd=tmp_path)
    assert code == EXIT_NO_TOKEN
    assert "@BotFather" in err and "PEERCIRCLE_TELEGRAM__TOKEN" in err
    assert err.rstrip().endswith("in a browser.")  # the how-to is the last thing printed
    assert "Traceback" not in err and out == ""


def test_make_run_stops_quietly_on_the_no_token_exit() -> None:
    """`make run` treats exactly that exit as a stop, not an error (see the Makefile)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"NO_TOKEN_EXIT := {EXIT_NO_TOKEN}\n" in makefile
    assert "|| test $$? -eq $(NO_TOKEN_EXIT)" in makefile


async def test_check_config_and_migrate(emulator: BotApiEmulator, tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", emulator.token, emulator.base_url)
    code, out, _ = await peercircle("check-config", "--config", str(config), cwd=tmp_path)
    assert code == 0 and "configuration OK" in out
    code, out, _ = await peercircle("migrate", "--config", str(config), cwd=tmp_path)
    versions = [m.version for m in load_migrations()]
    applied = ", ".join(str(v) for v in versions)
    assert code == 0 and f"schema version {versions[-1]} (applied {applied})" in out
    code, out, _ = await peercircle("migrate", "--config", str(config), cwd=tmp_path)
    assert code == 0 and "nothing to apply" in out


UNREACHABLE = "postgresql://peer@127.0.0.1:1/peercircle"


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["run"], "cannot reach PostgreSQL at " + UNREACHABLE),
        (["migrate"], "cannot reach PostgreSQL at " + UNREACHABLE),
        (["report", "--out", "stats.csv"], "cannot reach PostgreSQL at " + UNREACHABLE),
        (
            ["report", "--outcomes", "--out", "outcomes.csv"],
            "cannot reach PostgreSQL at " + UNREACHABLE,
        ),
        (["backup", "copy.db"], "backup and restore are for SQLite's file; on PostgreSQL use"),
        (["restore", "copy.db"], "backup and restore are for SQLite's file; on PostgreSQL use"),
        (
            ["rotate-key", "--new-key-file", "new.key"],
            f"rotate-key works on SQLite only in this version (storage.url is {UNREACHABLE})",
        ),
    ],
    ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else "",
)
async def test_a_postgresql_url_that_cannot_be_used_is_one_honest_line_and_makes_no_file(
    tmp_path: Path, command: list[str], said: str
) -> None:
    """Every command reads a postgresql storage.url: those that connect say in one line that
    the server cannot be reached (before Telegram is asked), backup and restore point to
    pg_dump, and rotate-key says it is SQLite's only; nothing is made, no password shown."""
    password = "correct-horse-battery-staple"
    config = tmp_path / "config.toml"
    config.write_text(
        '[telegram]\ntoken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"\n'
        f'[storage]\nurl = "{UNREACHABLE}"\n',
        encoding="utf-8",
    )
    code, out, err = await peercircle(
        *command[:1],
        "--config",
        str(config),
        *command[1:],
        cwd=tmp_path,
        env={
            "PEERCIRCLE_STORAGE__PASSWORD": password,
            "PEERCIRCLE_STORAGE__KEY": encode_key(bytes(32)),
        },
    )
    assert code == 2, out + err
    assert err.startswith(said) and err.count("\n") == 1, err
    assert out == "" and password not in err
    assert os.listdir(tmp_path) == ["config.toml"]


async def test_check_config_names_a_postgresql_database_by_its_url(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[telegram]\ntoken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"\n'
        f'[storage]\nurl = "{UNREACHABLE}"\n',
        encoding="utf-8",
    )
    code, out, err = await peercircle("check-config", "--config", str(config), cwd=tmp_path)
    assert code == 0, out + err
    assert out.startswith(f"configuration OK: database {UNREACHABLE}, ")
    for made in ("data", "copy.db", "stats.csv", "outcomes.csv", "new.key"):
        assert not (tmp_path / made).exists(), made
