"""Friendly two-word pseudonyms, the only name members ever see of each other.

The words are English msgids (ADJECTIVES x ANIMALS), translated when a pseudonym is drawn:
a member gets one in the language current at that moment (bot.i18n.current_language()),
and keeps it, as stored, whatever language they read later. A member's pseudonym is one
nobody in their circle has and, while the word lists allow, no member at all
(unique_pseudonym).
"""

from __future__ import annotations

import random

from bot.i18n import NP_, pgettext
from storage import circles as circle_rows
from storage import pseudonyms as pseudonym_rows
from storage.db import Session

# Random draws checked one by one before looking at every pseudonym in use: with the word
# lists nine-tenths used, all of them fail about one time in 30.
RANDOM_TRIES = 32

# The contexts the words are marked with (NP_) and translated in (pgettext).
_ADJECTIVE = "pseudonym adjective"
_ANIMAL = "pseudonym animal"

ADJECTIVES: tuple[str, ...] = (
    # Translators: the first word of a member's pseudonym ("Quiet Otter"). Every animal is
    # translated as a noun of ONE grammatical gender (masculine), so write each adjective in
    # the form that agrees with a masculine noun; no articles; capitalised as a name. Any
    # adjective with any animal must make two words that read as a friendly nickname. Some
    # are nouns used as adjectives in English (Dawn, River, Autumn): use the adjective.
    NP_("pseudonym adjective", "Quiet"),
    NP_("pseudonym adjective", "Brave"),
    NP_("pseudonym adjective", "Gentle"),
    NP_("pseudonym adjective", "Steady"),
    NP_("pseudonym adjective", "Bright"),
    NP_("pseudonym adjective", "Calm"),
    NP_("pseudonym adjective", "Kind"),
    NP_("pseudonym adjective", "Warm"),
    NP_("pseudonym adjective", "Patient"),
    NP_("pseudonym adjective", "Hopeful"),
    NP_("pseudonym adjective", "Clever"),
    NP_("pseudonym adjective", "Curious"),
    NP_("pseudonym adjective", "Honest"),
    NP_("pseudonym adjective", "Humble"),
    NP_("pseudonym adjective", "Mellow"),
    NP_("pseudonym adjective", "Nimble"),
    NP_("pseudonym adjective", "Bold"),
    NP_("pseudonym adjective", "Sunny"),
    NP_("pseudonym adjective", "Swift"),
    NP_("pseudonym adjective", "Tender"),
    NP_("pseudonym adjective", "Wise"),
    NP_("pseudonym adjective", "Cheerful"),
    NP_("pseudonym adjective", "Daring"),
    NP_("pseudonym adjective", "Eager"),
    NP_("pseudonym adjective", "Faithful"),
    NP_("pseudonym adjective", "Free"),
    NP_("pseudonym adjective", "Golden"),
    NP_("pseudonym adjective", "Graceful"),
    NP_("pseudonym adjective", "Happy"),
    NP_("pseudonym adjective", "Lively"),
    NP_("pseudonym adjective", "Loyal"),
    NP_("pseudonym adjective", "Merry"),
    NP_("pseudonym adjective", "Noble"),
    NP_("pseudonym adjective", "Peaceful"),
    NP_("pseudonym adjective", "Proud"),
    NP_("pseudonym adjective", "Silver"),
    NP_("pseudonym adjective", "Sincere"),
    NP_("pseudonym adjective", "Soft"),
    NP_("pseudonym adjective", "Strong"),
    NP_("pseudonym adjective", "True"),
    NP_("pseudonym adjective", "Vivid"),
    NP_("pseudonym adjective", "Wandering"),
    NP_("pseudonym adjective", "Willing"),
    NP_("pseudonym adjective", "Amber"),
    NP_("pseudonym adjective", "Azure"),
    NP_("pseudonym adjective", "Cosy"),
    NP_("pseudonym adjective", "Dawn"),
    NP_("pseudonym adjective", "Evening"),
    NP_("pseudonym adjective", "Forest"),
    NP_("pseudonym adjective", "Harbor"),
    NP_("pseudonym adjective", "Meadow"),
    NP_("pseudonym adjective", "Misty"),
    NP_("pseudonym adjective", "Morning"),
    NP_("pseudonym adjective", "Rising"),
    NP_("pseudonym adjective", "River"),
    NP_("pseudonym adjective", "Spring"),
    NP_("pseudonym adjective", "Starry"),
    NP_("pseudonym adjective", "Summer"),
    NP_("pseudonym adjective", "Winter"),
    NP_("pseudonym adjective", "Autumn"),
)

ANIMALS: tuple[str, ...] = (
    # Translators: the second word of a member's pseudonym ("Quiet Otter"). Translate every
    # animal as a noun of ONE grammatical gender (masculine; where the usual word has
    # another gender, a masculine name of that or a similar animal), in the singular,
    # without an article, capitalised as a name. With any adjective (in its masculine form)
    # it must make two words that read as a friendly nickname.
    NP_("pseudonym animal", "Heron"),
    NP_("pseudonym animal", "Otter"),
    NP_("pseudonym animal", "Fox"),
    NP_("pseudonym animal", "Owl"),
    NP_("pseudonym animal", "Robin"),
    NP_("pseudonym animal", "Badger"),
    NP_("pseudonym animal", "Deer"),
    NP_("pseudonym animal", "Falcon"),
    NP_("pseudonym animal", "Finch"),
    NP_("pseudonym animal", "Hare"),
    NP_("pseudonym animal", "Lark"),
    NP_("pseudonym animal", "Lynx"),
    NP_("pseudonym animal", "Marten"),
    NP_("pseudonym animal", "Panda"),
    NP_("pseudonym animal", "Swan"),
    NP_("pseudonym animal", "Wren"),
    NP_("pseudonym animal", "Dolphin"),
    NP_("pseudonym animal", "Koala"),
    NP_("pseudonym animal", "Crane"),
    NP_("pseudonym animal", "Beaver"),
    NP_("pseudonym animal", "Sparrow"),
    NP_("pseudonym animal", "Turtle"),
    NP_("pseudonym animal", "Whale"),
    NP_("pseudonym animal", "Wolf"),
    NP_("pseudonym animal", "Bear"),
    NP_("pseudonym animal", "Hedgehog"),
    NP_("pseudonym animal", "Kestrel"),
    NP_("pseudonym animal", "Lion"),
    NP_("pseudonym animal", "Magpie"),
    NP_("pseudonym animal", "Moose"),
    NP_("pseudonym animal", "Puffin"),
    NP_("pseudonym animal", "Raven"),
    NP_("pseudonym animal", "Seal"),
    NP_("pseudonym animal", "Stork"),
    NP_("pseudonym animal", "Tiger"),
    NP_("pseudonym animal", "Zebra"),
    NP_("pseudonym animal", "Bison"),
    NP_("pseudonym animal", "Camel"),
    NP_("pseudonym animal", "Eagle"),
    NP_("pseudonym animal", "Gazelle"),
    NP_("pseudonym animal", "Ibis"),
    NP_("pseudonym animal", "Jay"),
    NP_("pseudonym animal", "Kingfisher"),
    NP_("pseudonym animal", "Lemur"),
    NP_("pseudonym animal", "Llama"),
    NP_("pseudonym animal", "Oriole"),
    NP_("pseudonym animal", "Pelican"),
    NP_("pseudonym animal", "Quail"),
    NP_("pseudonym animal", "Salmon"),
    NP_("pseudonym animal", "Starling"),
    NP_("pseudonym animal", "Swallow"),
    NP_("pseudonym animal", "Thrush"),
    NP_("pseudonym animal", "Walrus"),
    NP_("pseudonym animal", "Yak"),
    NP_("pseudonym animal", "Bluebird"),
    NP_("pseudonym animal", "Cardinal"),
    NP_("pseudonym animal", "Dove"),
    NP_("pseudonym animal", "Egret"),
    NP_("pseudonym animal", "Gull"),
    NP_("pseudonym animal", "Osprey"),
)


def pseudonym(adjective: str, animal: str) -> str:
    """Two words of the tables (English msgids) as a pseudonym in the current language."""
    # Translators: a member's pseudonym, from one adjective and one animal of the pseudonym
    # words (see their note: one grammatical gender, masculine; no articles; capitalised as
    # a name). Put the two in the order your language names someone this way; keep it two
    # words with one space.
    order = pgettext(
        "pseudonym: adjective then animal; reorder for your language", "{adjective} {animal}"
    )
    return order.format(
        adjective=pgettext(_ADJECTIVE, adjective), animal=pgettext(_ANIMAL, animal)
    )


def draw_pseudonym(rng: random.Random, avoid: str | None = None) -> str:
    """A random 'Adjective Animal' in the current language, different from `avoid` when one
    is given."""
    while True:
        adjective = rng.choice(ADJECTIVES)
        name = pseudonym(adjective, rng.choice(ANIMALS))
        if name != avoid:
            return name


def every_pseudonym() -> list[str]:
    """Every pseudonym the word lists make, in the current language."""
    return [pseudonym(adjective, animal) for adjective in ADJECTIVES for animal in ANIMALS]


def free_pseudonym(rng: random.Random, taken: set[str]) -> str | None:
    """A random pseudonym whose case-folded form is not in `taken`; None when none is left."""
    free = [name for name in every_pseudonym() if name.casefold() not in taken]
    return rng.choice(free) if free else None


async def unique_pseudonym(
    session: Session, rng: random.Random, *, circle_id: int | None, avoid: str | None = None
) -> str:
    """A pseudonym in the current language that nobody in the circle goes by and, while
    the word lists allow, no member at all; never `avoid` (the one being replaced)."""
    refused = {avoid.casefold()} if avoid else set()
    if circle_id is not None:
        in_circle = await circle_rows.pseudonyms_in(session, circle_id)
        refused |= {name.casefold() for name in in_circle}
    for _ in range(RANDOM_TRIES):
        name = draw_pseudonym(rng, avoid=avoid)
        if name.casefold() not in refused and not await pseudonym_rows.in_use(session, name):
            return name
    # Nearly every combination is taken: choose among those left, else among those free in
    # the circle (there are always some: a circle is far smaller than the word lists).
    in_use = await pseudonym_rows.all_in_use(session)
    return (
        free_pseudonym(rng, refused | in_use)
        or free_pseudonym(rng, refused)
        or draw_pseudonym(rng, avoid=avoid)
    )
