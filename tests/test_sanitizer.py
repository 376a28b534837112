"""The relay sanitizer removes every way off the platform, and says what it removed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.safety.sanitizer import MAX_RELAY_CHARS, sanitize


@pytest.mark.parametrize(
    ("text", "kind", "gone"),
    [
        ("join me at https://example.org/chat today", "link", "example.org"),
        ("my group is t.me/joinchat/AbCdEf ok", "link", "t.me"),
        ("see telegram.me/someone", "link", "telegram.me"),
        ("visit www.example.com", "link", "example.com"),
        ("go to bit.ly/x1 now", "link", "bit.ly"),
        ("write to me at jo.doe+x@mail.example.com please", "e-mail address", "@mail"),
        ("message @quiet_heron_42 there", "username", "@quiet_heron_42"),
        ("call +44 20 7946 0958 anytime", "phone number", "7946"),
        ("text 555-123-4567", "phone number", "4567"),
        ("ring (030) 1234567", "phone number", "1234567"),
    ],
)
def test_contact_details_are_removed_and_named(text: str, kind: str, gone: str) -> None:
    result = sanitize(text + " and keep going, you are doing great")
    assert gone not in result.text
    assert kind in result.removed
    assert result.sendable
    assert "keep going" in result.text


def test_ordinary_encouragement_passes_untouched() -> None:
    text = "Day 30 today! 3 weeks ago I couldn't imagine it. You can do this, 1 step at a time."
    result = sanitize(text)
    assert result.text == text and result.removed == () and result.sendable


def test_mostly_contact_details_is_held() -> None:
    result = sanitize("@someone_here +1 555 123 4567 me@x.org")
    assert result.mostly_removed and not result.sendable


def test_too_long_is_refused_not_cut() -> None:
    result = sanitize("a" * (MAX_RELAY_CHARS + 1))
    assert result.too_long and not result.sendable
    assert sanitize("a" * MAX_RELAY_CHARS).sendable


_CONTACT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,}|https?://|t\.me/|\d{7,}")


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="abcdefgh ,.!", min_size=1, max_size=20),
            st.from_regex(r"@[a-z][a-z0-9_]{4,12}", fullmatch=True),
            st.from_regex(r"https?://[a-z]{3,8}\.(com|org)/[a-z]{0,5}", fullmatch=True),
            st.from_regex(r"t\.me/[a-z]{4,10}", fullmatch=True),
            st.from_regex(r"\+?[0-9]{7,12}", fullmatch=True),
            st.from_regex(r"[a-z]{2,6}@[a-z]{2,6}\.(com|net)", fullmatch=True),
        ),
        max_size=8,
    ).map(" ".join)
)
def test_nothing_contact_like_survives(text: str) -> None:
    result = sanitize(text)
    assert not _CONTACT.search(result.text), result.text
