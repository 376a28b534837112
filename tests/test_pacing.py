"""The global pace's arithmetic (bot.runtime.pacing.Gcra): a steady rate, a small burst."""

from __future__ import annotations

import pytest

from bot.runtime.pacing import Gcra


def test_after_a_quiet_spell_three_go_at_once_then_the_rate_holds() -> None:
    pace = Gcra(per_second=10, burst=3)
    starts = [pace.reserve(now=100.0) for _ in range(6)]
    assert starts[:3] == [100.0, 100.0, 100.0]
    assert starts[3:] == pytest.approx([100.1, 100.2, 100.3])


def test_a_steady_caller_is_never_held_back() -> None:
    pace = Gcra(per_second=10, burst=3)
    assert all(pace.reserve(now=10.0 + n / 10) == pytest.approx(10.0 + n / 10) for n in range(50))


def test_without_a_burst_no_second_holds_more_than_the_rate_and_one() -> None:
    pace = Gcra(per_second=25, burst=1)  # as bot.runtime.pacing uses it
    starts = [pace.reserve(now=0.0) for _ in range(200)]
    assert max(sum(1 for s in starts if t <= s <= t + 1.0) for t in starts) <= 26
