"""A validated questionnaire as data: its items and answers in every language, how it is
scored, and how often it is asked.

The shipped ones are TOML files in bot/outcomes/questionnaires/ (the GSE and the WHO-5); an
operator adds their own in `outcomes.questionnaire_dir`. Every file is checked at start and
an error names the file and what is wrong, so a typo never reaches a member's chat.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.i18n import current_language
from bot.i18n.languages import SHIPPED

SHIPPED_FOLDER = "bot.outcomes.questionnaires"
# Ids go into button data and the database: short, plain.
ID_PATTERN = r"^[a-z][a-z0-9_]{0,11}$"
MOST_ITEMS = 40
MOST_OPTIONS = 11

# A text in each language: {"en": "...", "es": "..."}.
Texts = dict[str, str]


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used, naming the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: int = Field(ge=0, le=100)
    text: Texts


class Item(_Strict):
    text: Texts
    # Worded the other way round: its answer counts as (lowest + highest - value).
    reverse: bool = False


class Scoring(_Strict):
    method: Literal["sum", "mean"]
    multiplier: float = Field(default=1.0, gt=0)
    range: tuple[float, float]
    higher_is_better: bool = True
    # The smallest change that matters to a person (the report's "improved" share).
    minimal_important_difference: float | None = Field(default=None, gt=0)
    # Under this score the result adds a gentle line about talking to someone.
    reach_out_below: float | None = None


class Band(_Strict):
    """Plain words for scores up to `up_to` (inclusive); never a diagnosis."""

    up_to: float
    text: Texts


class Schedule(_Strict):
    every_days: int = Field(ge=7, le=365)


class Questionnaire(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(default=1, ge=1)
    citation: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    name: Texts
    short_name: Texts
    recall: Texts
    options: tuple[Option, ...] = Field(min_length=2, max_length=MOST_OPTIONS)
    items: tuple[Item, ...] = Field(min_length=1, max_length=MOST_ITEMS)
    scoring: Scoring
    bands: tuple[Band, ...] = ()
    schedule: Schedule

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        values = [option.value for option in self.options]
        if len(set(values)) != len(values):
            raise ValueError("two options have the same value")
        low, high = self.scoring.range
        if (low, high) != self.possible_range():
            raise ValueError(
                f"scoring.range {[low, high]} does not match what the items and options "
                f"give: {list(self.possible_range())}"
            )
        ups = [band.up_to for band in self.bands]
        if ups != sorted(ups) or (ups and ups[-1] < high):
            raise ValueError("bands must rise, and the last must reach the highest score")
        return self

    def possible_range(self) -> tuple[float, float]:
        lowest = min(option.value for option in self.options)
        highest = max(option.value for option in self.options)
        count = len(self.items)
        factor = self.scoring.multiplier / (count if self.scoring.method == "mean" else 1)
        return (lowest * count * factor, highest * count * factor)

    def texts(self) -> list[tuple[str, Texts]]:
        """Every text table, named for error messages."""
        named = [("name", self.name), ("short_name", self.short_name), ("recall", self.recall)]
        named += [(f"options[{i}].text", o.text) for i, o in enumerate(self.options)]
        named += [(f"items[{i}].text", item.text) for i, item in enumerate(self.items)]
        named += [(f"bands[{i}].text", band.text) for i, band in enumerate(self.bands)]
        return named

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def score(self, answers: Sequence[int | None]) -> float | None:
        """The score of a complete set of answers; None when any item is missing (a missing
        item voids the score: no imputation) or an answer is not one of the options."""
        if len(answers) != len(self.items) or any(a not in self.values for a in answers):
            return None
        lowest, highest = min(self.values), max(self.values)
        counted = [
            lowest + highest - answer if item.reverse else answer
            for item, answer in zip(self.items, answers, strict=True)
            if answer is not None
        ]
        raw = sum(counted) / (len(counted) if self.scoring.method == "mean" else 1)
        return round(raw * self.scoring.multiplier, 4)

    def band(self, score: float) -> Band | None:
        return next((band for band in self.bands if score <= band.up_to), None)

    def better(self, change: float) -> float:
        """A change oriented so that positive is better."""
        return change if self.scoring.higher_is_better else -change


def said(texts: Texts) -> str:
    """The text in the language being spoken (every shipped one is there: filled at load)."""
    return texts.get(current_language()) or next(iter(texts.values()))


def _filled(data: Any, fallback: str) -> Any:
    """Every text table given every shipped language, the fallback's text where it had none."""
    if isinstance(data, dict):
        if fallback in data and all(isinstance(v, str) for v in data.values()):
            return {**{code: data[fallback] for code in SHIPPED}, **data}
        return {key: _filled(value, fallback) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_filled(value, fallback) for value in data]
    return data


def parse(source: str, where: str, fallback: str) -> Questionnaire:
    """One questionnaire from TOML text; QuestionnaireError names `where` and the problem."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{where}: not valid TOML ({error})") from None
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(file)"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise QuestionnaireError(f"{where}: {key}: {message}") from None
    for name, texts in questionnaire.texts():
        if not texts.get(fallback, "").strip():
            raise QuestionnaireError(
                f"{where}: {name} has no text in {fallback!r} (members.default_language)"
            )
    return Questionnaire.model_validate(_filled(questionnaire.model_dump(), fallback))


def shipped_sources() -> list[tuple[str, str]]:
    """(file name, TOML text) of the questionnaires that come with peercircle."""
    folder = resources.files(SHIPPED_FOLDER)
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def load(
    extra_dir: Path | None, fallback: str, only: Sequence[str] | None = None
) -> Mapping[str, Questionnaire]:
    """The shipped questionnaires and the operator's, by id, in a stable order (shipped
    first, by file name); `only` keeps the named ids. QuestionnaireError on any problem."""
    sources = [(f"questionnaire {name}", text) for name, text in shipped_sources()]
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise QuestionnaireError(f"outcomes.questionnaire_dir {extra_dir} is not a folder")
        for path in sorted(extra_dir.glob("*.toml")):
            sources.append((str(path), path.read_text(encoding="utf-8")))
    found: dict[str, Questionnaire] = {}
    for where, text in sources:
        questionnaire = parse(text, where, fallback)
        if questionnaire.id in found:
            raise QuestionnaireError(
                f"{where}: id {questionnaire.id!r} is taken; give it an id of its own"
            )
        found[questionnaire.id] = questionnaire
    if only is not None:
        unknown = [name for name in only if name not in found]
        if unknown:
            raise QuestionnaireError(
                f"outcomes.questionnaires names {unknown}, which no file defines; "
                f"found: {sorted(found)}"
            )
        found = {name: found[name] for name in only}
    return found
