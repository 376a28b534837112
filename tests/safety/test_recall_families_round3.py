# ruff: noqa: RUF001  (Russian and Ukrainian words made only of letters that look Latin)
"""The families added after former_holdout, written in words that are in no labelled set.

former_holdout's misses were generalised as families across the eight languages (the
gun in the house and knowing where the key is, affairs put in order, alcohol with pills,
counting the pills, saying goodbye before I go, praying God takes me, no future self,
how peaceful not to be here, only taking up space); each is written here in other words,
and the everyday talk found near the new phrases while writing them stays silent.
"""

from __future__ import annotations

import pytest

from bot.safety.lexicon import Tier
from bot.safety.screen import screener_for

URGENT = [
    "in an hour I'll be gone for good",
    "I know where the key to my dad's gun cabinet is",
    "ich weiß wo der Code vom Waffenschrank ist",
    "updated my will and paid everything off so nobody gets stuck with it",
    "regalé todo y pagué mis deudas, todo listo",
    "I'm holding the blade right now and already started",
    "ich bin mit der klinge im bad, hab schon angefangen",
    "i drank a bottle of vodka and took my xanax, feeling weird",
    "hab ne Flasche Wodka und meine Tabletten, mal sehen",
    "me tomé una botella de vodka con mis pastillas",
    "j'ai bu une bouteille de vodka avec mes cachets",
    "выпил бутылку водки с таблетками",
    "He contado las pastillas, son suficientes",
    "Я порахував таблетки, їх вистачить",
    "you won't hear from me again after tonight",
    "вы обо мне больше не услышите",
    "sorry for everything guys. take care of each other",
    "пробачте за все, бережіть одне одного",
    "i dont think ill be around much longer",
    "i've looked up the tallest bridges around here",
    "Esta noche estrello el coche contra un muro",
    "A corda já tá pronta na garagem",
    "меня уже не будет в живых к утру",
    "if I relapse one more time I'm going to jump off the bridge",
    "hab meinem Bruder meine Playstation geschenkt, brauch ich eh nicht mehr",
    "ich hab den Strick schon",
    "amanhã cedo eu não tô mais aqui",
    "j'ai pris tout ce que j'avais",
]

CONCERN = [
    "i pray every night that the Lord takes me home",
    "peço a Deus toda noite pra me levar",
    "if I died tomorrow I honestly wouldn't mind",
    "i feel like im just taking up space",
    "je prends juste de la place",
    "wish a bus would just hit me",
    "i cant see myself getting older",
    "Non mi vedo invecchiare",
    "sometimes i think about how peaceful it would be to not be here",
    "Було б так спокійно просто не бути",
    "Ich bin so müde zu existieren",
    "tried everything, nothing works on me",
    "she deserves better than a drunk like me",
]

EVERYDAY = [
    "in an hour I'll be gone to the meeting",
    "so nobody gets stuck with the dishes tonight",
    "drank more than usual at the wedding, my head is spinning",
    "letters for my kids are in the mail",
    "the blade of my skate broke, already started again",
    "checked how high the climbing wall is",
    "hoy acabo con esto de la dieta",
    "no llego al lunes con este dinero jaja",
    "je passerai pas le week-end chez mes parents",
    "ce soir j'en finis avec ce dossier",
    "non arrivo a fine mese con lo stipendio",
    "не доживу до зарплаты",
    "мене вже не буде в офісі",
    "this couch is just taking up space in my living room",
    "sorry for everything I said yesterday, love you",
    "no mezcles alcohol con pastillas",
    "nicht Alkohol mit Tabletten mischen, sagt mein Arzt",
    "we bought charcoal and tape for the party decorations",
    "it's nice to not be here at work on a friday",
    "soy un fracaso en la cocina jaja",
    "ich fahr mit dem Rad gegen die Wand vom Nachbarn, sorry lol",
    "if my boss schedules one more meeting at 5pm I'm going to jump off the roof lol",
    "three people overdosed at the park this week, please carry narcan",
    "die Tabletten reichen noch bis Montag",
    "alles probiert, nichts hilft gegen meine Kopfschmerzen",
    "ich mach heute Schluss, Feierabend!",
    "ich strick gerade einen Schal",
]


@pytest.mark.parametrize("text", URGENT)
def test_other_wordings_of_the_new_urgent_families_are_urgent(text: str) -> None:
    verdict = screener_for(None).screen(text)
    assert verdict is not None and verdict.tier is Tier.URGENT, text


@pytest.mark.parametrize("text", CONCERN)
def test_other_wordings_of_the_new_concern_families_are_found(text: str) -> None:
    assert screener_for(None).screen(text) is not None, text


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_talk_near_the_new_phrases_stays_silent(text: str) -> None:
    # The lexicons' own precision; the backstop's on these is measured in test_backstop.
    assert screener_for(None, backstop=False).screen(text) is None, text
