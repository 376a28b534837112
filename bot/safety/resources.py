"""Which crisis lines a person sees: their region's, else their language's, else the
operator's list (the shipped international list is translated; an operator's own text is
shown as written)."""

from __future__ import annotations

from bot.config import DEFAULT_CRISIS_RESOURCES, SafetySettings
from bot.i18n import _


def crisis_lines(settings: SafetySettings, language: str, region: str | None) -> str:
    if region is not None and region in settings.crisis_resources_by_region:
        return settings.crisis_resources_by_region[region]
    if language in settings.crisis_resources_by_language:
        return settings.crisis_resources_by_language[language]
    if settings.crisis_resources == DEFAULT_CRISIS_RESOURCES:
        return _(DEFAULT_CRISIS_RESOURCES)
    return settings.crisis_resources
