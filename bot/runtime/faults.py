"""Storage faults that pass (a full disk, a read-only file, a lock held too long): the update
that met one is tried again when storage recovers, instead of being marked handled."""

from __future__ import annotations

from contextvars import ContextVar

from storage.faults import STORAGE_FAULTS
from storage.update_marks import UpdateHandledElsewhere, in_hand

__all__ = ["UpdateHandledElsewhere", "is_storage_fault", "screening_only", "update_not_saved"]

# True while an update waits behind its member's unsaved one (bot.runtime.intake): crisis
# words must not wait for storage, so the crisis screen alone answers it then, storing
# nothing; it is handled in full, in order, when storage recovers.
screening_only: ContextVar[bool] = ContextVar("screening_only", default=False)


def is_storage_fault(error: BaseException | None) -> bool:
    """A write the database refused for now; a damaged file or a bug is not one."""
    return isinstance(error, STORAGE_FAULTS)


def update_not_saved(error: BaseException) -> int | None:
    """Note that the update being handled could not be saved, so intake leaves it unmarked
    and tries it again; how many times it was tried before (None outside an update)."""
    hand = in_hand.get()
    if hand is None:
        return None
    hand.unsaved = True
    hand.fault = str(error)
    return hand.retry
