# ruff: noqa: RUF001  (Russian and Ukrainian words made only of letters that look Latin)
"""The crisis screen generalises: new wordings of the families the lexicons cover.

Each family (looked up how many pills it takes, knows where the gun is kept, swallowing
all the medicine in the house, not minding being hit by a car, lost everything with no way
back, letters left to be found, someone to take the pets after, better for everyone if I
did not exist, on a roof or bridge right now, saving up medicine, took too much and cannot
breathe) is written here in words that are in neither labelled set, in several of the
eight languages; and everyday recovery talk close to them stays silent.
"""

from __future__ import annotations

import pytest

from bot.safety.lexicon import Tier
from bot.safety.screen import screener_for

URGENT = [
    "tengo guardadas las pastillas desde hace un mes",
    "j'ai gardé mes somnifères depuis des semaines",
    "ho messo da parte i sonniferi da settimane",
    "tô juntando remédio faz semanas",
    "я уже месяц коплю таблетки",
    "hab seit Wochen Tabletten gesammelt",
    "meu pai tem uma arma em casa e eu sei onde ele guarda",
    "mi padre tiene una pistola y sé dónde la guarda",
    "mon père a une arme et je sais où il la cache",
    "mio padre ha una pistola e so dove la tiene",
    "у отца есть ружье и я знаю где он его держит",
    "у батька є рушниця і я знаю де він її тримає",
    "mein Vater hat eine Waffe und ich weiß wo er sie hat",
    "my dad has a gun and I know where he keeps it",
    "I've been putting pills aside for weeks now",
    "I don't plan on waking up tomorrow",
    "I swallowed everything in the medicine cabinet",
    "heute Nacht bringe ich mich um",
    "I checked how many of my sleeping pills it would take, and I have them all",
    "googled how many tablets you need, I have more than enough pills saved",
    "I know where my grandfather hides the key to the gun cabinet",
    "ich hab gegoogelt wie viele Schlaftabletten man braucht",
    "ich weiß wo mein Onkel die Munition aufbewahrt",
    "heute Nacht schlucke ich die ganze Packung Tabletten auf einmal",
    "averigüé cuántas pastillas de rivotril hacen falta",
    "sé dónde mi padre guarda la pistola",
    "esta noche me tomo todas las pastillas que hay en casa",
    "j'ai cherché combien de somnifères il faudrait",
    "je sais où mon oncle range son fusil",
    "ce soir j'avale tous mes médicaments d'un coup",
    "ho controllato quante pillole servirebbero",
    "so dove mio zio nasconde il fucile",
    "pesquisei quantos comprimidos de rivotril precisa",
    "eu sei onde meu pai guarda a arma",
    "hoje vou tomar todos os remédios da casa de uma vez",
    "погуглила сколько снотворного нужно",
    "я знаю где отец хранит ружье",
    "выпила всю пачку снотворного",
    "загуглив скільки таблеток треба",
    "я знаю де батько тримає рушницю",
    "наковталась усі пігулки що були",
    "left letters for my parents, they're under my pillow",
    "die Briefe für meine Kinder liegen in der Schublade",
    "las cartas para mis hijos están en el cajón",
    "les lettres pour mes enfants sont dans le tiroir",
    "le lettere per i miei figli sono nel cassetto",
    "as cartas para meus filhos estão na gaveta",
    "письма для детей лежат в ящике стола",
    "листи для дітей лежать у шухляді",
    "my sister will take my dog when I'm gone",
    "mi hermana se quedará con mi gato cuando ya no esté",
    "ma sœur prendra mon chat quand je serai plus là",
    "сестра заберет кота когда меня не станет",
    "I'm on the top floor of the car park right now",
    "estoy ahora mismo en el puente mirando el agua",
    "стою сейчас на мосту",
    "сиджу зараз на даху",
    "been saving my meds instead of taking them",
    "junto mis pastillas en vez de tomarlas",
    "коплю снотворное уже месяц",
    "signing out for good, thanks for everything",
    "took way too many, my chest is tight and I can't breathe",
    "quiero acabar con todo de una vez",
]

CONCERN = [
    "no le veo salida a nada",
    "não vejo saída",
    "je vois pas d'issue",
    "non vedo via d'uscita",
    "ich sehe keinen Ausweg mehr",
    "назад дороги нет, не вижу выхода",
    "не бачу виходу",
    "I don't see a way out of this",
    "if I died in my sleep tonight I'd be fine with it",
    "wenn ich heute nicht mehr aufwache wäre es mir recht",
    "si no despierto mañana me da igual",
    "si je me réveille pas demain tant mieux",
    "se non mi svegliassi domani sarebbe meglio",
    "se eu não acordar amanhã tanto faz",
    "если я завтра не проснусь, ну и ладно",
    "якщо я завтра не прокинусь, ну і добре",
    "honestly if a bus hit me on the way to work I wouldn't mind",
    "wenn mich ein LKW erfasst wäre mir das ehrlich gesagt egal",
    "si me atropellara un camión no me importaría",
    "si une voiture me percutait ça me dérangerait pas",
    "se mi travolgesse un camion non mi importerebbe",
    "se um ônibus me atropelasse tanto faz",
    "если меня собьет машина мне все равно",
    "якщо мене переїде машина мені байдуже",
    "I gambled away our savings and there's no way out",
    "hab alles verspielt, bin am Ende",
    "j'ai tout claqué au casino, c'est fini pour moi",
    "ho perso tutto al casinò, è finita",
    "perdi tudo nas apostas, to acabado",
    "проиграла все деньги в казино, мне конец",
    "програла всі гроші, мені кінець",
    "I have no reason left to keep fighting",
    "ich habe keinen Grund mehr zu kämpfen",
    "everyone would be better off if I just disappeared",
    "es wäre für alle leichter wenn ich nicht mehr da wäre",
    "sería más fácil para todos si yo no existiera",
    "sarebbe più semplice per tutti se non esistessi",
    "seria mais fácil pra todo mundo se eu não existisse",
    "всем было бы легче если бы меня не было",
    "всім було б легше якби мене не було",
]

EVERYDAY = [
    "heute mach ich früher Schluss, bin müde",
    "mit dem Handy bringe ich mich noch um den Schlaf",
    "I put my meds away in the cabinet",
    "I looked up how many meetings there are near me this week",
    "googled how much it takes to run a marathon, I need about 16 weeks",
    "I have enough pills for the trip, refilled yesterday",
    "I know where my dad keeps his old fishing gear",
    "my brother goes hunting, the gun safe is in his basement and he's careful",
    "took all my meds this morning like the doctor said",
    "if the bus is late tomorrow I wouldn't mind, I need the sleep",
    "the app crashed again, I don't care anymore lol",
    "I lost everything when I was drinking, but there's a way back and I'm on it",
    "there's no going back to drinking for me, 90 days today",
    "wrote a letter to my sponsor for step nine, it's in my desk drawer",
    "my neighbour will feed my cat after work tomorrow",
    "can you take my dog after school on friday",
    "it would be easier for everyone if I just stayed home tonight",
    "I fell asleep on the couch and didn't wake up till noon",
    "standing on the roof of my building watching fireworks with friends",
    "the railing at the meeting hall is really low, someone should fix it",
    "I'm saving my pills for the morning dose",
    "keeping my meds in a lockbox so I don't misuse them",
    "sh relapse is what I'm scared of, so I called my friend instead",
    "signing off for the night, thanks everyone",
    "took too much on at work, can't breathe with all these deadlines",
    "ich nehme alle meine Medikamente wie verschrieben",
    "ich weiß wo mein Vater die Angelsachen hat",
    "wenn der Bus morgen zu spät ist, wäre mir egal",
    "hab alles verloren als ich getrunken hab, aber es gibt einen Weg zurück",
    "es gibt kein zurück mehr zum Alkohol, 100 Tage clean",
    "meine Nachbarin nimmt meine Katze danach in den Urlaub",
    "stehe gerade auf dem Balkon und rauche",
    "tomo todas mis pastillas como me dijo el médico",
    "sé dónde está la reunión del jueves",
    "si mañana llueve me daría igual",
    "mi vecina cuida a mi perro después del trabajo",
    "estoy en el edificio de la reunión",
    "je sais où est la réunion ce soir",
    "si demain il pleut ça me dérangerait pas",
    "j'ai tout perdu quand je buvais mais je remonte la pente",
    "ma voisine va garder mon chat après le travail",
    "je suis sur le toit avec des amis pour le feu d'artifice",
    "so dove si tiene la riunione stasera",
    "se domani piove non mi importa",
    "ho perso tutto quando bevevo, ma ne sto uscendo",
    "la mia vicina tiene il mio gatto dopo il lavoro",
    "sei onde fica a reunião",
    "se chover amanhã tanto faz",
    "perdi tudo quando bebia, mas hoje tenho 6 meses limpo",
    "minha vizinha cuida do meu gato depois do trabalho",
    "to no prédio da reunião agora",
    "знаю где проходит собрание",
    "если завтра будет дождь, ну и пусть",
    "проиграл всё когда пил, но сейчас я в завязке и выход есть",
    "соседка заберет кота на выходные",
    "сижу на балконе пью чай",
    "собираю таблетки в поездку",
    "знаю де проходить зустріч",
    "якщо завтра буде дощ, мені байдуже",
    "програв усе коли пив, але зараз тримаюсь",
    "сусідка забере кота на вихідні",
    "сиджу на балконі п'ю чай",
    "у меня достаточно времени сегодня",
]


@pytest.mark.parametrize("text", URGENT)
def test_new_wordings_of_urgent_families_are_urgent(text: str) -> None:
    verdict = screener_for(None).screen(text)
    assert verdict is not None and verdict.tier is Tier.URGENT


@pytest.mark.parametrize("text", CONCERN)
def test_new_wordings_of_concern_families_are_found(text: str) -> None:
    assert screener_for(None).screen(text) is not None


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_talk_near_the_new_phrases_stays_silent(text: str) -> None:
    assert screener_for(None).screen(text) is None
