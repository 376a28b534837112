"""Combined messages as data: which part a button answers, rendering, and fitting in one."""

from __future__ import annotations

from bot.combined.service import HEADING_DATA, MAX_BUTTONS, Combined, Part, fits, group, part_id
from bot.outgoing import OutgoingMessage


def part(id_: str, buttons: int = 2, most: int = 5, text: str = "A question?") -> Part:
    row = tuple((str(n), f"{id_}:{n}") for n in range(buttons))
    return Part(id_, f"Title {id_}", OutgoingMessage(text, (row,) if row else ()), most)


def test_the_buttons_that_redraw_their_part() -> None:
    assert part_id("ci:m:20260302:4") == "ci"
    assert part_id("ci:skip:20260302:n") == "ci"
    assert part_id("gl:c:12:20260302:3") == "gl:12"
    assert part_id("gl:z:12:20260302") == "gl:12"
    for other in ("ci:crisis", "ci:circle:anon", "gl:m:12", "gl:new", "tr:30", HEADING_DATA):
        assert part_id(other) is None, other


def test_each_part_has_its_heading_and_an_answered_part_loses_its_buttons() -> None:
    combined = Combined("Two questions.", (part("ci"), part("gl:1")))
    rendered = combined.render()
    assert rendered.text == "Two questions.\n\nA question?\n\nA question?"
    assert [row[0] for row in rendered.buttons] == [
        ("⬇ Title ci", HEADING_DATA),
        ("0", "ci:0"),
        ("⬇ Title gl:1", HEADING_DATA),
        ("0", "gl:1:0"),
    ]
    answered = combined.with_part("gl:1", OutgoingMessage("Done."))
    assert answered.render().text.endswith("A question?\n\nDone.")
    assert len(answered.render().buttons) == 2  # the check-in's heading and buttons only
    assert Combined.from_json(answered.to_json()) == answered
    assert OutgoingMessage.from_json(answered.to_json()) == answered.render()  # for delivery
    assert combined.with_part("gl:9", OutgoingMessage("?")) == combined


def test_parts_beyond_telegrams_limits_go_in_another_message() -> None:
    assert fits([part("ci", most=11), part("gl:1", most=12)])
    many = [part(f"gl:{n}", most=12) for n in range(10)]  # ten limits: 130 buttons at most
    groups = group(many)
    assert len(groups) == 2 and all(fits(g) for g in groups)
    assert sum(p.most_buttons + 1 for p in groups[0]) <= MAX_BUTTONS
    long = [part(f"gl:{n}", text="x" * 1400) for n in range(3)]
    assert [len(g) for g in group(long)] == [2, 1]
