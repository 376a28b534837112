"""Who may do what. Operators come from the config; moderators arrive with their own issue."""

from __future__ import annotations

from bot.config import Settings


def can_moderate(settings: Settings, user_id: int) -> bool:
    """Operators have every right, moderation included."""
    return user_id in settings.moderation.operators
