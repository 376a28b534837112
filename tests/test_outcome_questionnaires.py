"""Questionnaires as data: the shipped files load in every language, scoring follows the
worked examples, and a broken operator file stops the start with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.i18n import speaking
from bot.i18n.languages import SHIPPED
from bot.outcomes.questionnaire import QuestionnaireError, load, parse, said

SHIPPED_IDS = ["gse", "who5"]

CUSTOM = """
id = "mini"
citation = "Example, 2026."
licence = "Made up for a test."
name = { en = "Mini" }
short_name = { en = "MINI" }
recall = { en = "Lately:" }
options = [
    { value = 1, text = { en = "No" } },
    { value = 2, text = { en = "Some" } },
    { value = 3, text = { en = "Yes" } },
]
items = [
    { text = { en = "I sleep well." } },
    { text = { en = "I worry a lot." }, reverse = true },
    { text = { en = "I enjoy things." } },
]
bands = [
    { up_to = 1.5, text = { en = "A hard stretch" } },
    { up_to = 3, text = { en = "Steadier" } },
]
[scoring]
method = "mean"
range = [1, 3]
[schedule]
every_days = 7
"""


def test_the_shipped_questionnaires_load_with_every_text_in_every_language() -> None:
    found = load(None, "en")
    assert list(found) == SHIPPED_IDS
    for questionnaire in found.values():
        for name, texts in questionnaire.texts():
            assert set(texts) == set(SHIPPED), (questionnaire.id, name)
            assert all(text.strip() for text in texts.values()), (questionnaire.id, name)
        # Each language its own words (not English left in place), names aside.
        for code in SHIPPED:
            if code != "en":
                assert questionnaire.items[0].text[code] != questionnaire.items[0].text["en"]


def test_who5_is_the_raw_sum_times_four() -> None:
    who5 = load(None, "en")["who5"]
    assert len(who5.items) == 5 and who5.values == (5, 4, 3, 2, 1, 0)
    assert who5.score([5, 5, 5, 5, 5]) == 100
    assert who5.score([0, 0, 0, 0, 0]) == 0
    assert who5.score([3, 2, 4, 1, 2]) == 48  # raw 12
    assert who5.scoring.reach_out_below == 50
    assert who5.scoring.minimal_important_difference == 10


def test_gse_is_the_sum_of_ten_items() -> None:
    gse = load(None, "en")["gse"]
    assert len(gse.items) == 10 and gse.values == (1, 2, 3, 4)
    assert gse.score([1] * 10) == 10
    assert gse.score([4] * 10) == 40
    assert gse.score([3, 3, 2, 4, 3, 3, 2, 3, 4, 2]) == 29
    assert gse.scoring.range == (10, 40)


def test_a_missing_or_impossible_answer_voids_the_score() -> None:
    who5 = load(None, "en")["who5"]
    assert who5.score([5, 5, None, 5, 5]) is None
    assert who5.score([5, 5, 5, 5]) is None  # one short
    assert who5.score([5, 5, 5, 5, 6]) is None  # not an option


def test_reverse_items_and_the_mean_and_bands() -> None:
    mini = parse(CUSTOM, "mini.toml", "en")
    # Reverse: 1 counts as 3 and 3 as 1 (lowest + highest - value).
    assert mini.score([3, 1, 3]) == 3
    assert mini.score([1, 3, 1]) == 1
    assert mini.score([2, 3, 3]) == pytest.approx((2 + 1 + 3) / 3, abs=1e-4)
    band = mini.band(1.2)
    assert band is not None and said(band.text) == "A hard stretch"
    band = mini.band(2.5)
    assert band is not None and said(band.text) == "Steadier"


def test_a_language_without_text_reads_the_default_languages() -> None:
    mini = parse(CUSTOM, "mini.toml", "en")
    with speaking("uk"):
        assert said(mini.items[0].text) == "I sleep well."
    who5 = load(None, "en")["who5"]
    with speaking("de"):
        assert said(who5.recall) != said(mini.recall)
        assert said(who5.recall) == who5.recall["de"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ("range = [1, 3]", "scoring.range [1.0, 4.0] does not match"),
        ('name = { en = "Mini" }', "name has no text in 'es'"),
        ('id = "mini"', "id: String should match pattern"),
        ("every_days = 7", "schedule.every_days"),
    ],
)
def test_a_broken_file_names_itself_and_the_problem(change: str, error: str) -> None:
    broken = {
        "range = [1, 3]": CUSTOM.replace("range = [1, 3]", "range = [1, 4]"),
        'name = { en = "Mini" }': CUSTOM,
        'id = "mini"': CUSTOM.replace('id = "mini"', 'id = "Mini Scale"'),
        "every_days = 7": CUSTOM.replace("every_days = 7", "every_days = 2"),
    }[change]
    fallback = "es" if change.startswith("name") else "en"
    with pytest.raises(QuestionnaireError) as raised:
        parse(broken, "mine.toml", fallback)
    message = str(raised.value)
    assert message.startswith("mine.toml: ")
    assert error.split(" [")[0] in message or error in message


def test_an_operator_folder_adds_questionnaires_and_a_bad_one_stops_the_start(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "mini.toml").write_text(CUSTOM, encoding="utf-8")
    assert list(load(folder, "en")) == [*SHIPPED_IDS, "mini"]
    assert list(load(folder, "en", ["mini", "who5"])) == ["mini", "who5"]

    config = tmp_path / "config.toml"
    config.write_text(
        f'[outcomes]\nquestionnaire_dir = "{folder}"\nquestionnaires = ["who5", "mini"]\n',
        encoding="utf-8",
    )
    assert load_settings(config).outcomes.questionnaires == ["who5", "mini"]

    (folder / "taken.toml").write_text(CUSTOM, encoding="utf-8")  # the same id again
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert "taken.toml: id 'mini' is taken" in str(raised.value)

    (folder / "taken.toml").unlink()
    config.write_text('[outcomes]\nquestionnaires = ["phq9"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert "outcomes.questionnaires names ['phq9']" in str(raised.value)
