"""The systemd units in deploy/: valid as systemd reads them, and sandboxed.

`systemd-analyze verify` and `systemd-analyze security --offline=true` read unit files
without a running systemd (both work in a container); skipped where systemd-analyze is
missing or too old for --offline (systemd before 250).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"
BOT_UNIT = DEPLOY / "peercircle.service"
BACKUP_UNIT = DEPLOY / "peercircle-backup.service"
BACKUP_TIMER = DEPLOY / "peercircle-backup.timer"
# `systemd-analyze security` scores 0 (locked down) to 10 (exposed). The bot's unit scored
# 1.9 when the issue was filed; the backup needs no network at all, so it can do better.
BOT_EXPOSURE_AT_MOST = 1.9
BACKUP_EXPOSURE_AT_MOST = 2.5
# The one thing verify may say on a machine where peercircle is not installed in /opt.
NOT_INSTALLED = re.compile(r"Command /opt/peercircle/venv/bin/peercircle is not executable")
# A machine without systemd's own units (a slim container) cannot check what ours rely on.
MISSING_UNIT = re.compile(r"Unit (\S+) not found")


def systemd_analyze(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here")
    done = subprocess.run(
        [tool, "--no-pager", *args], capture_output=True, text=True, timeout=60, check=False
    )
    if "--offline" in " ".join(args) and "unrecognized option" in done.stderr:
        pytest.skip("this systemd-analyze has no --offline (systemd before 250)")
    return done


def test_systemd_reads_every_directive_of_the_units() -> None:
    done = systemd_analyze(
        "verify", "--man=no", str(BOT_UNIT), str(BACKUP_UNIT), str(BACKUP_TIMER)
    )
    complaints = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and not NOT_INSTALLED.search(line)
    ]
    assert complaints == []  # e.g. "Unknown key 'StartLimitIntervalSec' in section [Service]"
    assert done.returncode == 0 or NOT_INSTALLED.search(done.stderr)


def test_the_start_limit_is_in_unit_where_systemd_reads_it() -> None:
    sections = unit_sections(BOT_UNIT)
    assert {"StartLimitIntervalSec", "StartLimitBurst"} <= sections["Unit"].keys()
    assert "StartLimitIntervalSec" not in sections["Service"]


def exposure(unit: Path) -> float:
    done = systemd_analyze("security", "--offline=true", str(unit))
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", done.stdout)
    assert found, done.stdout + done.stderr
    return float(found.group(1))


def test_the_bot_and_its_backup_are_sandboxed() -> None:
    assert exposure(BOT_UNIT) <= BOT_EXPOSURE_AT_MOST
    assert exposure(BACKUP_UNIT) <= BACKUP_EXPOSURE_AT_MOST


def test_the_backup_writes_only_where_the_database_and_its_backups_live() -> None:
    service = unit_sections(BACKUP_UNIT)["Service"]
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/peercircle"
    assert "/var/lib/peercircle/backups/" in service["ExecStart"]


def unit_sections(unit: Path) -> dict[str, dict[str, str]]:
    """A unit file's sections as {section: {key: value}} (the last value of a key wins)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for raw in unit.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        else:
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip()
    return sections
