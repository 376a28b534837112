"""pyproject.toml lists what setuptools needs, so that installing prints no warnings."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from setuptools import find_namespace_packages

from tests.helpers import ROOT, subprocess_env


def test_every_folder_of_code_or_data_is_found_as_a_package() -> None:
    """setuptools leaves out (or warns about) a folder its package list does not name, data
    folders included: bot/data's city table and the lexicons were two. The list is found,
    not written, so a new folder is in the wheel without anyone remembering it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    find = project["tool"]["setuptools"]["packages"]["find"]
    packaged = set(find_namespace_packages(where=str(ROOT), include=find["include"]))
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for top in ("bot", "handlers", "storage")
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]
        if folder.is_dir()
        and any(path.is_file() for path in folder.iterdir())
        and "__pycache__" not in folder.parts
    }
    assert found <= packaged
    assert not any(name.startswith(("tests", "bench")) for name in packaged)


def test_the_licence_is_an_spdx_string_and_setuptools_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # a table is deprecated (setuptools 77)
    assert "setuptools>=77,<90" in project["build-system"]["requires"]


def test_the_cli_imports_the_sandbox_only_for_peercircle_sandbox() -> None:
    # A production `peercircle run` has no use for the emulator or the chat page.
    probe = "import sys, bot.cli; print(sorted(m for m in sys.modules if m.startswith('bot.')))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
    ).stdout
    assert "bot.cli" in loaded
    assert "bot.sandbox" not in loaded and "bot.emulator" not in loaded


def _make_dry_run(target: str) -> list[str]:
    """What `make <target>` would run from scratch (-B: as if nothing were built yet)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shown = subprocess.run(
        ["make", "-n", "-B", target], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return shown.stdout.splitlines()


def _installs(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if re.search(r"\bpip install\b", line)]


def test_make_run_installs_the_bot_without_its_test_tools() -> None:
    # The first `make run` installs what running needs: the test tools (pytest, ruff, mypy,
    # playwright...) are `make test`'s, behind the [dev] extra.
    installs = _installs(_make_dry_run("run"))
    assert len(installs) == 1 and installs[0][-2:] == ["-e", "."], installs
    # The same reading sees the extra where it belongs.
    assert [words[-1] for words in _installs(_make_dry_run("venv"))] == ["'.[dev]'"]


_WARNED = re.compile(r"warn|deprecat", re.IGNORECASE)


def _build_backend_missing() -> str | None:
    """Why the wheel cannot be built here without the network, or None when it can."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in map(Requirement, project["build-system"]["requires"]):
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            return f"{requirement.name} is not installed in this environment"
        if not requirement.specifier.contains(installed):
            return f"{requirement.name} {installed} is not {requirement}"
    return None


def test_building_the_wheel_prints_no_warning(tmp_path: Path) -> None:
    # What `make run`'s install builds, built verbosely so that setuptools' own output shows:
    # a deprecated setting (the licence table was one) or a folder left out says so here.
    missing = _build_backend_missing()
    if missing:
        pytest.skip(f"the build backend cannot run offline: {missing} (make venv installs it)")
    source = tmp_path / "source"  # a copy: the build writes build/ and egg-info beside it
    for name in ("bot", "handlers", "storage"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    env = subprocess_env()
    # Byte-compiling switched off makes setuptools say it skips it: not a packaging fault.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    wheel = tmp_path / "wheel"
    pip = [sys.executable, "-m", "pip", "wheel", "-v", "--disable-pip-version-check"]
    offline = ["--no-deps", "--no-build-isolation", "--no-index"]
    built = subprocess.run(
        [*pip, *offline, "-w", str(wheel), "."],
        capture_output=True,
        text=True,
        cwd=source,
        env=env,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    assert [w.name for w in wheel.iterdir()] == ["peercircle-0.1.0-py3-none-any.whl"]
    said = (built.stdout + built.stderr).splitlines()
    assert [line for line in said if _WARNED.search(line)] == []
