"""Friendly two-word pseudonyms, the only name members ever see of each other."""

from __future__ import annotations

import random

ADJECTIVES: tuple[str, ...] = (
    "Quiet", "Brave", "Gentle", "Steady", "Bright", "Calm", "Kind", "Warm", "Patient",
    "Hopeful", "Clever", "Curious", "Honest", "Humble", "Mellow", "Nimble", "Bold", "Sunny",
    "Swift", "Tender", "Wise", "Cheerful", "Daring", "Eager", "Faithful", "Free", "Golden",
    "Graceful", "Happy", "Lively", "Loyal", "Merry", "Noble", "Peaceful", "Proud", "Silver",
    "Sincere", "Soft", "Strong", "True", "Vivid", "Wandering", "Willing", "Amber", "Azure",
    "Cosy", "Dawn", "Evening", "Forest", "Harbor", "Meadow", "Misty", "Morning", "Rising",
    "River", "Spring", "Starry", "Summer", "Winter", "Autumn",
)  # fmt: skip

ANIMALS: tuple[str, ...] = (
    "Heron", "Otter", "Fox", "Owl", "Robin", "Badger", "Deer", "Falcon", "Finch", "Hare",
    "Lark", "Lynx", "Marten", "Panda", "Swan", "Wren", "Dolphin", "Koala", "Crane", "Beaver",
    "Sparrow", "Turtle", "Whale", "Wolf", "Bear", "Hedgehog", "Kestrel", "Lion", "Magpie",
    "Moose", "Puffin", "Raven", "Seal", "Stork", "Tiger", "Zebra", "Bison", "Camel", "Eagle",
    "Gazelle", "Ibis", "Jay", "Kingfisher", "Lemur", "Llama", "Oriole", "Pelican", "Quail",
    "Salmon", "Starling", "Swallow", "Thrush", "Walrus", "Yak", "Bluebird", "Cardinal",
    "Dove", "Egret", "Gull", "Osprey",
)  # fmt: skip


def draw_pseudonym(rng: random.Random, avoid: str | None = None) -> str:
    """A random 'Adjective Animal', different from `avoid` when one is given."""
    while True:
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(ANIMALS)}"
        if name != avoid:
            return name
