"""Texts measured and cut as Telegram measures them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.emulator.state import visible_html_text
from bot.texts.fit import ELLIPSIS, clip, shorten, split, units, visible

# Letters, markup characters, a two-unit emoji, a joined emoji's parts, Cyrillic, a
# mathematical letter outside the basic plane, a zero-width space.
WORDS = st.text(
    alphabet=st.sampled_from([*"ab c\n<>&\u00e9", "\U0001f600", "\u200d", "\u0436", "\U0001d54f"]),
    max_size=60,
)


def test_units_count_utf16_as_telegram_does() -> None:
    assert units("abc") == 3
    assert units("😀") == 2  # outside the basic plane: a surrogate pair
    assert units("жé") == 2
    assert visible("<b>a &lt; b</b>") == "a < b"


def test_clip_never_passes_the_limit_nor_splits_an_emoji() -> None:
    text = "😀" * 3000
    cut = clip(text, 3000)
    assert units(cut) <= 3000 and cut.endswith(ELLIPSIS)
    assert cut[:-1] == "😀" * 1499  # whole emoji only
    assert clip("short", 3000) == "short"


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40), st.integers(min_value=20, max_value=300))
def test_split_pieces_fit_parse_and_keep_every_word(parts: list[str], limit: int) -> None:
    from html import escape

    # HTML as the bot writes it: member words escaped, the bot's own tags around them.
    text = "\n\n".join(
        f"<b>{escape(p)}</b>" if i % 3 == 0 else escape(p) for i, p in enumerate(parts)
    )
    pieces = split(text, limit)
    seen = [visible_html_text(piece) for piece in pieces]  # each parses (tags balanced)
    assert all(units(s) <= limit for s in seen)
    flat = lambda s: "".join(s.split())  # noqa: E731 - cuts may drop the break they were made at
    assert flat("".join(seen)) == flat(visible_html_text(text))


def test_split_prefers_paragraphs_and_reopens_tags() -> None:
    text = "<b>" + "word " * 30 + "</b>\n\n" + "second paragraph"
    pieces = split(text, 100)
    assert all(visible_html_text(p) for p in pieces)
    assert pieces[0].startswith("<b>") and pieces[1].startswith("<b>")
    assert pieces[-1].endswith("second paragraph")


def test_shorten_keeps_one_message_with_a_marker() -> None:
    text = "<i>" + "x" * 5000 + "</i>"
    short = shorten(text, 4096)
    assert units(visible_html_text(short)) <= 4096
    assert short.endswith(ELLIPSIS + "</i>")
