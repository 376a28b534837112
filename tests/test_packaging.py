"""pyproject.toml lists what setuptools needs, so that installing prints no warnings."""

from __future__ import annotations

import subprocess
import sys
import tomllib

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
