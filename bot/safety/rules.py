"""The safety plan as the rest of the bot sees it, and the order of its questions."""

from __future__ import annotations

from dataclasses import dataclass, fields

# The parts in the order they are asked (storage keeps one column each, by these names).
PART_NAMES: tuple[str, ...] = (
    "warning_signs",
    "coping",
    "distractions",
    "helpers",
    "professionals",
    "safe_space",
    "reasons",
)
# Seven parts of this size, with their titles, fit one Telegram message (4,096).
MAX_PLAN_PART = 450


@dataclass(frozen=True)
class SafetyPlan:
    """A member's plan (or the draft of one): each part as they wrote it, or None."""

    warning_signs: str | None = None
    coping: str | None = None
    distractions: str | None = None
    helpers: str | None = None
    professionals: str | None = None
    safe_space: str | None = None
    reasons: str | None = None

    def part(self, name: str) -> str | None:
        value: str | None = getattr(self, name)
        return value

    @property
    def empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


def next_part(name: str) -> int:
    """The index of the question after `name`; len(PART_NAMES) when it was the last."""
    return PART_NAMES.index(name) + 1
