"""The screen's decisions on every example of both sets, as recorded before a speed change.

Speeding the screen up must not change what it decides: for each example of the two
tuning sets, tests/safety/labelled and tests/safety/fresh, the tier and categories are
recorded in decisions.txt and compared here (the held-out set is left out: its decisions
are only ever measured). A deliberate lexicon change rewrites the record:

    python -m tests.safety.test_decisions
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.safety.evaluation import FRESH, LABELLED
from bot.safety.screen import Screener, screener_for

RECORD = Path(__file__).with_name("decisions.txt")


def decisions(screener: Screener) -> list[str]:
    """One line per example: "<set>/<file>:<line> <tier> <categories>" ("none" if none)."""
    lines: list[str] = []
    for folder in (LABELLED, FRESH):
        for path in sorted(folder.glob("*.jsonl")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                text = _text(line)
                verdict = screener.screen(text)
                found = (
                    f"{verdict.tier} {','.join(sorted(verdict.categories))}" if verdict else "none"
                )
                lines.append(f"{folder.name}/{path.name}:{number} {found}")
    return lines


def _text(line: str) -> str:
    text: str = json.loads(line)["text"]
    return text


def test_every_decision_is_the_one_recorded() -> None:
    recorded = RECORD.read_text(encoding="utf-8").splitlines()
    assert decisions(screener_for(None)) == recorded


if __name__ == "__main__":
    RECORD.write_text("\n".join(decisions(screener_for(None))) + "\n", encoding="utf-8")
