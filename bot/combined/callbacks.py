"""What can come back from a combined message itself: a tap on a part's heading.

Wire string (unchanged): pu:h. The parts' own buttons belong to their features.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks import Button


@dataclass(frozen=True)
class PartHeading(Button, prefix="pu:h"):
    """The heading above a part's buttons; a tap explains it and changes nothing."""
