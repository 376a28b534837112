"""Golden wire strings for the members' and the safety net's buttons and pending answers:
the strings sit in members' chats, in the outbox and in members.awaiting, so they never
change. Each sample string is the one the old builders wrote."""

from __future__ import annotations

import re
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import MAX_BUTTON_BYTES, Button, Pending
from bot.i18n.languages import SHIPPED
from bot.localtime.zones import COMMON_ZONES, _names_by_lower
from bot.members import messages as member_messages
from bot.members.callbacks import (
    Agree,
    AwaitingCheckinTime,
    AwaitingPseudonym,
    AwaitingTimezone,
    ChangeSetting,
    ChooseLanguage,
    ChooseRegion,
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
from bot.safety import messages as safety_messages
from bot.safety.callbacks import (
    AskModerator,
    AwaitingPlanPart,
    ClearPlanPart,
    ConfirmDeletePlan,
    DeletePlan,
    EditPlan,
    KeepPlan,
    SkipPlanPart,
)
from bot.safety.rules import PART_NAMES, SafetyPlan
from storage.safety_plans import PARTS

GOLDEN: list[tuple[Button | Pending, str]] = [
    (ChooseLanguage("pt_BR"), "lang:pt_BR"),
    (ChooseLanguage("es", "spring-walkers_2"), "lang:es:spring-walkers_2"),
    (LanguageMenu(), "langs"),
    (LanguageMenu("spring-walkers_2"), "langs:spring-walkers_2"),
    (ChooseRegion(ChooseRegion.key_of("México")), "region:6f7fbf5319"),
    (ChooseRegion(ChooseRegion.BY_LANGUAGE), "region:lang"),
    (ChangeSetting(Setting.LANGUAGE), "set:lang"),
    (ChangeSetting(Setting.REGION), "set:region"),
    (Agree(), "onb:agree"),
    (Agree("spring-walkers_2"), "onb:agree:spring-walkers_2"),
    (NotNow(), "onb:later"),
    (KeepPseudonym(), "onb:keep"),
    (RedrawPseudonym(), "onb:redraw"),
    (TypeZone(), "tz:type"),
    (PickZone("America/Argentina/Buenos_Aires"), "tz:set:America/Argentina/Buenos_Aires"),
    (PickZone("UTC"), "tz:set:UTC"),
    (PickCheckinTime(time(7, 0)), "time:set:07:00"),
    (PickCheckinTime(time(21, 30)), "time:set:21:30"),
    (ChangeSetting(Setting.NEW_PSEUDONYM), "set:pseudo"),
    (ChangeSetting(Setting.PAUSE), "set:pause"),
    (ChangeSetting(Setting.RESUME), "set:resume"),
    (ChangeSetting(Setting.WEEKLY_REFLECTION), "set:weekly"),
    (ChangeSetting(Setting.TIMEZONE), "set:tz"),
    (ChangeSetting(Setting.CHECKIN_TIME), "set:time"),
    (ForgetAnswer(ForgetChoice.YES), "forget:yes"),
    (ForgetAnswer(ForgetChoice.NO), "forget:no"),
    (ForgetAnswer(ForgetChoice.COPY), "forget:copy"),
    (AskModerator(42), "sf:ask:42"),
    (SkipPlanPart("warning_signs"), "sp:skip:warning_signs"),
    (ClearPlanPart("safe_space"), "sp:clear:safe_space"),
    (EditPlan(), "sp:edit"),
    (DeletePlan(), "sp:del"),
    (ConfirmDeletePlan(), "sp:delyes"),
    (KeepPlan(), "sp:delno"),
    (AwaitingPseudonym(), "pseudonym"),
    (AwaitingTimezone(), "timezone"),
    (AwaitingCheckinTime(), "checkin_time"),
    (AwaitingPlanPart("coping"), "safety_plan:coping"),
]


@pytest.mark.parametrize(("value", "wire"), GOLDEN, ids=[wire for _, wire in GOLDEN])
def test_golden_wire_strings(value: Button | Pending, wire: str) -> None:
    assert value.pack() == wire
    assert type(value).parse(wire) == value


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (PickCheckinTime, "time:set:7:00"),
        (PickCheckinTime, "time:set:25:00"),
        (PickCheckinTime, "time:set:0a:00"),
        (PickCheckinTime, "time:set:07"),
        (ChangeSetting, "set:nap"),
        (ForgetAnswer, "forget:maybe"),
        (AskModerator, "sf:ask:x"),
        (NotNow, "onb:later:x"),
        (EditPlan, "sp:edit:coping"),
    ],
)
def test_stale_or_forged_data_parses_to_none(kind: type[Button], data: str) -> None:
    assert kind.parse(data) is None


def test_routes_do_not_overlap() -> None:
    """sp:del must not catch sp:delyes, onb:agree must not catch onb:agreed..."""
    assert not re.match(DeletePlan.route(), "sp:delyes")
    assert not re.match(DeletePlan.route(), "sp:delno")
    assert re.match(DeletePlan.route(), "sp:del")
    assert re.match(Agree.route(), "onb:agree:code")
    assert not re.match(TypeZone.route(), "tz:set:UTC")


def test_plan_parts_match_the_stored_columns() -> None:
    assert PART_NAMES == PARTS


def _data(buttons: tuple[tuple[tuple[str, str], ...], ...]) -> list[str]:
    return [data for row in buttons for _, data in row]


def test_keyboards_write_todays_strings() -> None:
    """The builders in messages.py write exactly what handlers/keyboards.py wrote."""
    assert _data(member_messages.consent("abc")) == ["onb:agree:abc", "onb:later", "langs:abc"]
    assert _data(member_messages.consent(None)) == ["onb:agree", "onb:later", "langs"]
    assert _data(member_messages.consent("")) == ["onb:agree", "onb:later", "langs"]
    assert _data(member_messages.pseudonym_choice("Blue Owl")) == ["onb:keep", "onb:redraw"]
    assert _data(member_messages.checkin_time_picker()) == [
        f"time:set:{hhmm}"
        for hhmm in ("07:00", "08:00", "12:00", "18:00", "20:00", "21:00", "22:00")
    ]
    assert [len(row) for row in member_messages.checkin_time_picker()] == [4, 3]
    assert _data(member_messages.forget_confirm()) == ["forget:no", "forget:copy", "forget:yes"]
    assert _data(member_messages.forget_confirm(offer_copy=False)) == [
        "forget:no",
        "forget:yes",
    ]
    plan = SafetyPlan(coping="walk")
    assert _data(safety_messages.plan_question(0, plan).buttons) == ["sp:skip:warning_signs"]
    assert _data(safety_messages.plan_question(1, plan).buttons) == [
        "sp:skip:coping",
        "sp:clear:coping",
    ]
    assert _data(safety_messages.plan_shown(plan).buttons) == ["sp:edit", "sp:del"]
    assert _data(safety_messages.delete_confirm().buttons) == ["sp:delyes", "sp:delno"]
    assert _data(safety_messages.crisis_reply_end("x", 7).buttons) == ["sf:ask:7"]
    assert safety_messages.crisis_reply_end("x", None).buttons == ()


def test_every_zone_fits_a_button() -> None:
    for zone in (*COMMON_ZONES, *_names_by_lower().values()):
        assert PickZone.parse(PickZone(zone).pack()) == PickZone(zone)


member_buttons = st.one_of(
    st.builds(Agree, st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,48}", fullmatch=True)),
    st.builds(PickZone, st.sampled_from(sorted(_names_by_lower().values()))),
    st.builds(PickCheckinTime, st.times().map(lambda at: at.replace(second=0, microsecond=0))),
    st.builds(ChangeSetting, st.sampled_from(Setting)),
    st.builds(
        ChooseLanguage,
        st.sampled_from(SHIPPED),
        st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,48}", fullmatch=True),
    ),
    st.builds(LanguageMenu, st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,48}", fullmatch=True)),
    st.builds(ChooseRegion, st.text(min_size=1, max_size=40).map(ChooseRegion.key_of)),
    st.builds(ForgetAnswer, st.sampled_from(ForgetChoice)),
    st.builds(AskModerator, st.integers(min_value=1, max_value=2**53)),
    st.builds(SkipPlanPart, st.sampled_from(PART_NAMES)),
    st.builds(ClearPlanPart, st.sampled_from(PART_NAMES)),
    st.sampled_from(
        [
            NotNow(),
            KeepPseudonym(),
            RedrawPseudonym(),
            TypeZone(),
            EditPlan(),
            DeletePlan(),
            ConfirmDeletePlan(),
            KeepPlan(),
        ]
    ),
)


@given(member_buttons)
def test_buttons_round_trip_within_telegrams_limit(button: Button) -> None:
    data = button.pack()
    assert len(data.encode()) <= MAX_BUTTON_BYTES
    assert type(button).parse(data) == button
    assert re.match(type(button).route(), data)


@given(st.sampled_from(PART_NAMES))
def test_plan_part_pending_round_trips(part: str) -> None:
    pending = AwaitingPlanPart(part)
    assert AwaitingPlanPart.parse(pending.pack()) == pending
