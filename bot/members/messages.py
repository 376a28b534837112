"""What the members' part of the bot sends with buttons: the notice, the onboarding
questions, the zone and time pickers, the settings, and the question before forgetting."""

from __future__ import annotations

from datetime import datetime, time

from bot.localtime.cities import Place
from bot.localtime.zones import COMMON_ZONES, Found, zone_place
from bot.members.callbacks import (
    Agree,
    ChangeSetting,
    ForgetAnswer,
    ForgetChoice,
    KeepPseudonym,
    LanguageMenu,
    NotNow,
    PickCheckinTime,
    PickZone,
    RedrawPseudonym,
    Setting,
    TypeZone,
)
from bot.members.rules import Member, OnboardingStep
from bot.outgoing import Buttons, OutgoingMessage, rows
from bot.texts import account as account_texts
from bot.texts import language as language_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import outcomes as outcome_texts

CHECKIN_TIMES: tuple[time, ...] = tuple(time(hour) for hour in (7, 8, 12, 18, 20, 21, 22))


def consent(invite_code: str | None) -> Buttons:
    return (
        ((onboarding_texts.button_agree(), Agree(invite_code or None).pack()),),
        ((onboarding_texts.button_not_now(), NotNow().pack()),),
        ((language_texts.button_language(), LanguageMenu(invite_code or None).pack()),),
    )


def welcome(crisis_resources: str, invite_code: str | None) -> OutgoingMessage:
    """The notice, with "I agree" (carrying the invite code) and "Not now"."""
    return OutgoingMessage(onboarding_texts.welcome(crisis_resources), consent(invite_code))


def pseudonym_choice(pseudonym: str) -> Buttons:
    keep = onboarding_texts.button_keep_pseudonym(pseudonym)
    return (
        ((keep, KeepPseudonym().pack()),),
        ((onboarding_texts.button_redraw(), RedrawPseudonym().pack()),),
    )


def pseudonym_offer(pseudonym: str) -> OutgoingMessage:
    return OutgoingMessage(
        onboarding_texts.pseudonym_offer(pseudonym), pseudonym_choice(pseudonym)
    )


def pseudonym_redrawn(pseudonym: str) -> OutgoingMessage:
    return OutgoingMessage(
        onboarding_texts.pseudonym_redrawn(pseudonym), pseudonym_choice(pseudonym)
    )


def _zone_button(place: Place, now: datetime) -> tuple[str, str]:
    return (
        account_texts.zone_button(place.name, place.zone, now),
        PickZone(place.zone).pack(),
    )


def timezone_picker(now: datetime) -> Buttons:
    """The common zones, each by its city and the time there now."""
    zones = [_zone_button(Place(zone_place(zone), zone), now) for zone in COMMON_ZONES]
    return (*rows(zones, 2), ((account_texts.button_other_zone(), TypeZone().pack()),))


def place_choice(places: tuple[Place, ...], now: datetime) -> Buttons:
    """Places to choose from, one a row: their names can be long."""
    return tuple((_zone_button(place, now),) for place in places)


def ask_timezone(now: datetime) -> OutgoingMessage:
    return OutgoingMessage(account_texts.ask_timezone(), timezone_picker(now))


def zone_not_one(
    found: Found, text: str, places: tuple[Place, ...], now: datetime
) -> OutgoingMessage:
    """A typed zone that named several places, nearly one, or none: the choices, or the
    picker again."""
    if found is Found.SEVERAL:
        return OutgoingMessage(account_texts.zone_which(text), place_choice(places, now))
    if found is Found.NEAR:
        return OutgoingMessage(
            account_texts.zone_did_you_mean(text, places), place_choice(places, now)
        )
    return OutgoingMessage(account_texts.zone_not_found(text), timezone_picker(now))


def checkin_time_picker() -> Buttons:
    times = [(f"{at:%H:%M}", PickCheckinTime(at).pack()) for at in CHECKIN_TIMES]
    return rows(times, 4)


def ask_checkin_time() -> OutgoingMessage:
    return OutgoingMessage(account_texts.ask_checkin_time(), checkin_time_picker())


def onboarding_question(step: OnboardingStep, member: Member, now: datetime) -> OutgoingMessage:
    """The question an onboarding step asks."""
    if step is OnboardingStep.PSEUDONYM:
        return pseudonym_offer(member.pseudonym)
    if step is OnboardingStep.TIMEZONE:
        return ask_timezone(now)
    return ask_checkin_time()


def settings_summary(member: Member, now: datetime) -> str:
    return account_texts.settings_summary(
        pseudonym=member.pseudonym,
        timezone=member.timezone,
        checkin_time=member.checkin_time,
        weekly_reflection=member.weekly_reflection,
        paused=member.paused,
        paused_until=member.paused_until,
        now=now,
    )


def settings_buttons(
    member: Member, regions: bool = False, measures: bool | None = None
) -> Buttons:
    """`regions`: the operator configured crisis lines for more than one region, so
    members may pick theirs. `measures`: whether the member answers questionnaires (None:
    the operator does not ask any, so no button)."""
    pause = (
        (account_texts.button_resume(), ChangeSetting(Setting.RESUME).pack())
        if member.paused
        else (account_texts.button_pause(), ChangeSetting(Setting.PAUSE).pack())
    )
    weekly = (
        account_texts.button_weekly_off()
        if member.weekly_reflection
        else account_texts.button_weekly_on()
    )
    return (
        (
            (
                account_texts.button_settings_pseudonym(),
                ChangeSetting(Setting.NEW_PSEUDONYM).pack(),
            ),
        ),
        (
            (account_texts.button_settings_timezone(), ChangeSetting(Setting.TIMEZONE).pack()),
            (account_texts.button_settings_time(), ChangeSetting(Setting.CHECKIN_TIME).pack()),
        ),
        ((weekly, ChangeSetting(Setting.WEEKLY_REFLECTION).pack()),),
        (pause,),
        (
            (language_texts.button_language(), ChangeSetting(Setting.LANGUAGE).pack()),
            *(
                ((language_texts.button_region(), ChangeSetting(Setting.REGION).pack()),)
                if regions
                else ()
            ),
        ),
        *(
            (
                (
                    (
                        outcome_texts.button_measures_on()
                        if measures
                        else outcome_texts.button_measures_off(),
                        ChangeSetting(Setting.MEASURES).pack(),
                    ),
                ),
            )
            if measures is not None
            else ()
        ),
    )


def settings(
    member: Member, now: datetime, regions: bool = False, measures: bool | None = None
) -> OutgoingMessage:
    """/settings: the member's settings with buttons to change them."""
    return OutgoingMessage(
        account_texts.settings_header() + settings_summary(member, now),
        settings_buttons(member, regions, measures),
    )


def welcome_back(member: Member, now: datetime, regions: bool = False) -> OutgoingMessage:
    """A member's /start: their settings, with the same buttons."""
    summary = settings_summary(member, now)
    return OutgoingMessage(
        onboarding_texts.welcome_back(member.pseudonym, summary),
        settings_buttons(member, regions),
    )


def paused(member: Member) -> str:
    return account_texts.paused(member.paused_until, member.timezone)


def onboarding_done(member: Member) -> str:
    return onboarding_texts.onboarding_done(member.pseudonym, member.checkin_time, member.timezone)


def forget_confirm(offer_copy: bool = True) -> Buttons:
    """The safe answer first, where a thumb lands; deleting last."""
    answers = [(account_texts.button_forget_no(), ForgetChoice.NO)]
    if offer_copy:
        answers.append((account_texts.button_forget_copy(), ForgetChoice.COPY))
    answers.append((account_texts.button_forget_yes(), ForgetChoice.YES))
    return tuple(((label, ForgetAnswer(choice).pack()),) for label, choice in answers)


def forget_question() -> OutgoingMessage:
    return OutgoingMessage(account_texts.forget_confirm(), forget_confirm())


def forget_after_copy() -> OutgoingMessage:
    return OutgoingMessage(account_texts.forget_after_copy(), forget_confirm(offer_copy=False))


def forgotten_alert(alert_id: int, circle: str | None) -> OutgoingMessage:
    """To the moderators' chat: an open crisis alert closed by its member's /forget."""
    return OutgoingMessage(account_texts.forgotten_alert(alert_id, circle))
