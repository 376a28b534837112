"""pyproject.toml lists what setuptools needs, so that installing prints no warnings."""

from __future__ import annotations

import tomllib

from tests.helpers import ROOT


def test_every_folder_of_code_or_data_is_a_listed_package() -> None:
    """setuptools warns about (and may leave out) a folder it can import but was not told
    about, data folders included: bot/data's city table and the lexicons were two."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for top in ("bot", "handlers", "storage")
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]
        if folder.is_dir()
        and any(path.is_file() for path in folder.iterdir())
        and "__pycache__" not in folder.parts
    }
    assert found == listed


def test_the_licence_is_an_spdx_string_and_setuptools_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # a table is deprecated (setuptools 77)
    assert "setuptools>=77,<90" in project["build-system"]["requires"]
