"""Contact details in a member's text: phone numbers, e-mail addresses, links and @usernames.

The text is read as bot.safety.confusables folds it, in several readings: as typed; with
look-alike letters as Latin; with "(at)" and "[dot]" as "@" and "."; with "at", "dot" and a
spaced or line-broken "." spelled out; and, under a right-to-left override, as the reader sees
it. Phone numbers are libphonenumber's (the `phonenumbers` matcher, numbers valid in the
regions members come from) plus any longer run of digits shaped like one; hosts count when
their suffix is on the public-suffix list (the `publicsuffixlist` package and the list it
bundles: no network). Each detail found is returned as where it stands in the member's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from phonenumbers import Leniency, PhoneNumberMatcher
from publicsuffixlist import PublicSuffixList

from bot.safety.confusables import (
    Folded,
    fold,
    lookalikes_as_latin,
    lowered,
    reading_orders,
)

EMAIL, LINK, USERNAME, PHONE = "e-mail address", "link", "username", "phone number"
# When two details overlap, the one named to the sender is the first of these.
KINDS = (EMAIL, LINK, USERNAME, PHONE)


@dataclass(frozen=True)
class Found:
    """A contact detail at text[start:end] in the member's own text."""

    start: int
    end: int
    kind: str


def find_contact_details(text: str) -> list[Found]:
    """Every contact detail in `text`, widened to whole words, overlaps merged, in order."""
    found: list[Found] = []
    for order in reading_orders(text):
        found.extend(_in_reading(text, fold(text, order)))
    return _merged([_widened(text, detail) for detail in found])


def _in_reading(text: str, base: Folded) -> list[Found]:
    as_typed = lowered(base)
    as_latin = lowered(lookalikes_as_latin(base))
    readings = [as_typed] if as_latin.text == as_typed.text else [as_typed, as_latin]
    found: list[Found] = []
    for reading in readings:
        written = _respelled(reading, _BRACKETED)
        found += _emails(written, strict=False)
        found += _links(text, written, strict=False)
        found += _usernames(written)
        found += _labelled_usernames(written)
        spoken = _with_address_commas(_respelled(written, _SPOKEN))
        if spoken.text != written.text:
            found += _emails(spoken, strict=True)
            found += _links(text, spoken, strict=True)
    found += _phones(_digits_read(as_latin))
    return found


# -- "at", "dot" and "slash" spelled out ------------------------------------------------------

_AT_WORDS = "at|arroba|собака|собачка|равлик|ät"
_DOT_WORDS = "dot|d0t|punkt|точка|крапка"
# Unambiguous: nobody writes "(at)" or "[dot]" but to hide an address.
_BRACKETED = re.compile(
    rf"[ \n]*[(\[{{<][ \n]*(?:{_AT_WORDS}|{_DOT_WORDS}|punto|ponto|@|\.)[ \n]*[)\]}}>][ \n]*"
)
# Read only where what they make is checked harder (see _host_is_public): " at " and a spaced
# "." are everyday text. "punto de", "ponto de" (a point of) and "punto es" are Spanish and
# Portuguese, never an address.
_SPOKEN = re.compile(
    rf"[ \n]+(?:{_AT_WORDS}|{_DOT_WORDS}|slash|barra|слеш|слэш)[ \n]+"
    r"|[ \n]+(?:punto|ponto)[ \n]+(?!(?:de|es|e|a|en|y|da|do|das|dos)\b)"
    r"|[ \n]*[@/][ \n]+|[ \n]+[@/][ \n]*"
    r"|[ \n]+\.[ \n]*|\.\n"
)
_SLASH_WORDS = frozenset(("/", "slash", "barra", "слеш", "слэш"))


# "name@example,com": a comma for the dot, after an "@".
_ADDRESS_COMMA = re.compile(r"(@[^\s@,]+),(?=[^\W\d_]{2})")


def _with_address_commas(folded: Folded) -> Folded:
    return folded.with_text(_ADDRESS_COMMA.sub(r"\1.", folded.text))


def _respelled(folded: Folded, pattern: re.Pattern[str]) -> Folded:
    """`folded` with each match of `pattern` read as the sign it spells ("@", "." or "/")."""
    if pattern.search(folded.text) is None:
        return folded
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in pattern.finditer(folded.text):
        chars.append(folded.text[position : match.start()])
        starts.extend(folded.starts[position : match.start()])
        ends.extend(folded.ends[position : match.start()])
        word = match.group().strip(" \n()[]{}<>")
        sign = (
            "@" if re.fullmatch(_AT_WORDS + "|@", word) else "/" if word in _SLASH_WORDS else "."
        )
        start, end = folded.origin(match.start(), match.end())
        chars.append(sign)
        starts.append(start)
        ends.append(end)
        position = match.end()
    chars.append(folded.text[position:])
    starts.extend(folded.starts[position:])
    ends.extend(folded.ends[position:])
    return Folded("".join(chars), starts, ends)


# -- hosts, links and e-mail addresses --------------------------------------------------------

# Labels of letters, digits and hyphens; possessive, so a long word cannot make it backtrack.
_HOST = r"[^\W_][\w-]*+(?:\.[^\W_][\w-]*+)++"
_SCHEME = (
    r"[a-z][a-z0-9+.-]*+://"
    r"|(?:mailto|tg|tel|sms|skype|viber|whatsapp|xmpp|callto|sgnl|signal|facetime|intent):"
    r"(?=\S)"  # "whatsapp: I left the groups" is no link
)
_LINK = re.compile(
    rf"(?<![\w])(?P<scheme>{_SCHEME})\S*+"
    rf"|(?<![\w@.-])(?P<host>{_HOST})(?P<port>:\d{{1,5}}(?!\d))?(?P<path>\n?[/?#]\S*+)?"
)
_EMAIL = re.compile(
    rf"(?<![\w.+'\u2019-])(?P<local>[\w+'\u2019-][\w.+'\u2019-]*+)@(?P<host>{_HOST})"
)
_TRAILING = ".,;:!?)]}>'\"\u00bb\u201d\u2019"
_CONTINUED = "/?=&#"  # a path ending in one of these goes on after a line break
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


# Suffixes read from "dot" spelled out or a spaced "." only: not words of the bot's languages
# ("the dot in", "ponto eu"), so that everyday sentences are not taken for addresses.
# Non-Latin suffixes are written in their ASCII form (xn--p1ai is .рф).
_SPOKEN_SUFFIXES = _words(
    "com net org info biz io co app dev ai gg ly xyz online site tech store club top tv fm cc",
    "ws ru su xn--p1ai xn--p1acf ua com.ua xn--j1amh uk co.uk org.uk eu de es pl fr ch nl br",
    "com.br pt ca au com.au mx com.mx com.ar cl pe kz",
)
# Words that start a sentence and are also suffixes: "I did it.Today" is a sentence typed
# without its space, unless something else (a scheme, a path, "www") says it is a link.
_WORD_SUFFIXES = _words(
    "it is in so my me no be do us am as by to at now one day today life love live new how",
    "you fun run win free best cool care help work world family la se es de er im ist eu na",
    "xn--d1acj3b xn--80adxhks xn--80aswg xn--80asehdb",  # дети москва сайт онлайн
)
# Hosts members use to be reached, read even from "t dot me".
_MESSENGERS = _words(
    "t.me telegram.me telegram.dog wa.me whatsapp.com signal.me signal.group m.me discord.gg",
    "discord.com vk.com vk.me ok.ru x.com instagram.com facebook.com fb.com twitter.com",
    "snapchat.com tiktok.com viber.com line.me linktr.ee",
)
# Words that are no name in front of "at" or "dot": "meet me at bit.ly", "on the dot today".
_NOT_NAMES = _words(
    "the an on in at to of my me i'm im is it and or you we he she they this that his her our",
    "your el la los las un una de en mi tu es os as um uma do da no na meu minha der die das",
    "ein eine und ich du er sie im am auf на ты мы он она это не та ми це",
)


@cache
def _public_suffixes() -> PublicSuffixList:
    # The list bundled with the package; an unknown top level is not a suffix.
    return PublicSuffixList(accept_unknown=False)


def _host_is_public(host: str, *, strict: bool) -> bool:
    """A name under a public suffix ("example.dev", "пример.рф", "xn--p1ai"). `strict` for
    hosts read from spelled-out dots: a well-known suffix and a name, or a messenger."""
    psl = _public_suffixes()
    suffix = psl.publicsuffix(host, accept_unknown=False)
    registered = psl.privatesuffix(host, accept_unknown=False)
    if suffix is None or registered is None:
        return False
    name = registered[: -len(suffix) - 1]
    suffix = _ascii_form(suffix)
    if registered in _MESSENGERS:
        return True
    if strict and (suffix not in _SPOKEN_SUFFIXES or name in _NOT_NAMES or len(name) < 2):
        return False
    # "7.at", "day 4.It": a name of digits only counts under a suffix that is no word.
    return any(c.isalpha() for c in name) or suffix in _SPOKEN_SUFFIXES


@cache
def _ascii_form(suffix: str) -> str:
    """ "рф" as "xn--p1ai"; a suffix already in ASCII as it is."""
    if suffix.isascii():
        return suffix
    try:
        return suffix.encode("idna").decode("ascii")
    except UnicodeError:
        return suffix


def _links(text: str, reading: Folded, *, strict: bool) -> list[Found]:
    found: list[Found] = []
    for match in _LINK.finditer(reading.text):
        end = _link_end(reading.text, match)
        host = match.group("host")
        if host is not None and not _host_is_link(text, reading, match, host, strict=strict):
            continue
        start, stop = reading.origin(match.start(), end)
        found.append(Found(start, stop, LINK))
    return found


def _link_end(reading: str, match: re.Match[str]) -> int:
    """Where a link ends: before trailing punctuation, or past a line break after a "/"."""
    end = match.end()
    while end > match.start() + 1 and reading[end - 1] in _TRAILING:
        end -= 1
    if reading[end - 1] in _CONTINUED and reading[end : end + 1] == "\n":
        following = re.match(r"\n\S+", reading[end:])
        if following is not None:
            end += following.end()
    return end


def _host_is_link(
    text: str, reading: Folded, match: re.Match[str], host: str, *, strict: bool
) -> bool:
    host = host.rstrip("-")
    path = (match.group("path") or "").strip().rstrip(_TRAILING)
    attached = match.group("port") is not None or path not in ("", "?", "#")
    if _IPV4.fullmatch(host):
        return attached  # "203.0.113.5:8080/chat"; "1.2.3.4" alone may be a version
    if host.startswith("www."):
        return True
    if not _host_is_public(host, strict=strict):
        return False
    return attached or strict or not _sentence_typed_without_space(text, reading, match)


def _sentence_typed_without_space(text: str, reading: Folded, match: re.Match[str]) -> bool:
    """ "it.Today", "tired.So": two words, the second capitalised and a word of the bot's
    languages, as the member typed them."""
    start, end = reading.origin(match.start("host"), match.end("host"))
    words = text[start:end].split(".")
    return (
        len(words) == 2
        and words[0].isalpha()
        and words[0].islower()
        and words[1].isalpha()
        and words[1].istitle()
        and _ascii_form(words[1].lower()) in _WORD_SUFFIXES
    )


# "name@gmail": a mail provider is address enough without its suffix.
_WITHOUT_SUFFIX = re.compile(
    r"(?<![\w.+'\u2019-])(?P<local>[\w+'\u2019-][\w.+'\u2019-]*+)@(?P<provider>[^\W\d_]++)"
    r"(?![\w@-])"
)
_MAIL_PROVIDERS = _words(
    "gmail googlemail yahoo hotmail outlook icloud protonmail proton gmx yandex rambler ukr",
    "aol zoho tutanota posteo uol",
)


def _emails(reading: Folded, *, strict: bool) -> list[Found]:
    found: list[Found] = []
    for match in _EMAIL.finditer(reading.text):
        local, host = match.group("local"), match.group("host").rstrip("-")
        if strict and local in _NOT_NAMES:
            continue
        if not _host_is_public(host, strict=strict):
            continue
        start, end = reading.origin(match.start(), match.start("host") + len(host))
        found.append(Found(start, end, EMAIL))
    for match in _WITHOUT_SUFFIX.finditer(reading.text):
        if match.group("provider") in _MAIL_PROVIDERS and match.group("local") not in _NOT_NAMES:
            found.append(Found(*reading.origin(*match.span()), EMAIL))
    return found


# -- @usernames -------------------------------------------------------------------------------

# "@name", "@@name", and "@ name_2" across a space or line break when it holds a digit or "_"
# (a bare "@ home" is everyday text). Dots inside are other networks' ("@alex.recovers").
_USERNAME = re.compile(
    r"(?<![\w@])@++(?P<space>[ \n])?(?P<name>[a-z][a-z0-9_]{3,31}+)(?:\.[a-z0-9_]++)*+"
)
_NAME_GOES_ON = re.compile(r"[ \n][a-z0-9_]+")


# A username without its "@", after the name of the app it is for: "tg: alex_private", "my
# insta is alex.recovers", "discord alex#1234". Only a name shaped like one counts (a digit,
# "_", "#" or an inner "."), so "I left Instagram today" stays.
_PLATFORMS = (
    "telegram|tg|telega|тг|insta|instagram|ig|inst|snap|snapchat|discord|signal|whatsapp"
    "|whats|zap|viber|skype|vk|вк|facebook|fb|tiktok|twitter|kik|wechat|threema"
    "|(?:телег|телеграм|инст|інст|вайбер|ватсап|вотсап|скайп|дискорд)[^\\W\\d_]*"  # any ending
)
_LINKING_WORDS = "is|me|on|at|es|é|ist|unter|bei|в|\u0443|мой|мій|my|mi|meu|como|als|name|nick|ник"
_LABELLED_NAME = re.compile(
    rf"(?<![\w@])(?:{_PLATFORMS})(?!\w)[ \n]*[:\-\u2013\u2014]?[ \n]*"
    rf"(?:(?:{_LINKING_WORDS})[ \n:]+){{0,3}}(?P<name>[a-z][\w.#-]{{3,40}}+)"
)
_SHAPED_LIKE_A_NAME = re.compile(r"[_\d#]|[a-z]\.[a-z]")


def _labelled_usernames(reading: Folded) -> list[Found]:
    found: list[Found] = []
    for match in _LABELLED_NAME.finditer(reading.text):
        name = match.group("name").rstrip(".-")
        if _SHAPED_LIKE_A_NAME.search(name):
            start = match.start("name")
            found.append(Found(*reading.origin(start, start + len(name)), USERNAME))
    return found


def _usernames(reading: Folded) -> list[Found]:
    found: list[Found] = []
    for match in _USERNAME.finditer(reading.text):
        name = match.group("name")
        if match.group("space") and not re.search(r"[_0-9]", name):
            continue
        end = match.end()
        if reading.text[end - 1] == "_":  # "@alex_" then "private" on the next line
            goes_on = _NAME_GOES_ON.match(reading.text, end)
            end = goes_on.end() if goes_on else end
        start, stop = reading.origin(match.start(), end)
        found.append(Found(start, stop, USERNAME))
    return found


# -- phone numbers ----------------------------------------------------------------------------

# Where members come from, most likely first; a number written with "+" or "00" is read in
# any country whatever the region.
REGIONS = (
    "US",
    "GB",
    "DE",
    "ES",
    "BR",
    "RU",
    "UA",
    "MX",
    "PT",
    "AT",
    "CH",
    "AR",
    "CO",
    "CL",
    "PE",
    "IE",
    "AU",
    "IN",
    "FR",
    "IT",
    "PL",
    "NL",
    "BY",
    "TR",
)
# Digits with what people put between them; a number may run over a line break.
_SEPARATORS = r"[ \n().\[\]\-/_\u2010-\u2015\u2212]"  # with the dashes and the minus
_DIGIT_RUN = re.compile(rf"(?<![\w+])(?:\+[ \n]?)?[(\[]?\d(?:{_SEPARATORS}{{0,4}}+\d)*+\)?")
# Letters typed for digits inside a number: "415 555 O1OO", "9I2".
_LETTERS_FOR_DIGITS = re.compile(r"(?<![^\W_|])[\doil|]++(?![^\W_|])")
_AS_DIGITS = str.maketrans("oil|", "0111")
# Numbers that are not phone numbers: dates and date ranges, times, scores and fractions,
# year ranges.
_DAY = r"\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})"
_DATE_OR_TIME = re.compile(
    r"(?<![\d.:/-])(?:"
    rf"{_DAY} ?[-\u2013\u2014] ?{_DAY}"
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}"
    r"|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})"
    r"|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
    r"|\d{1,3}/\d{1,3}"
    r"|(?:19|20)\d{2} ?[-\u2013\u2014/] ?(?:19|20)?\d{2}"
    r")(?!\d|[.:/-]\d)"
)
# Amounts grouped in thousands ("1,500,000", "25 000"): only a region's valid number counts.
_GROUPED_AMOUNT = re.compile(
    r"(?<![\d.,/-])(?<!\d\s)\d{1,3}(?:[,. ]\d{3})++(?:[.,]\d{1,2})?(?!\d|[.,/\s-]\d)"
)
_FEWEST_DIGITS = 7
_BLANK = "q"  # a letter: numbers on either side of it stay apart
# A run that no rule settles costs a matcher pass for every region (milliseconds): a text
# gets this many, and a further such run, or one longer than any number, is taken for a
# number, so that a message of decoys cannot hold the bot up.
_MATCHER_RUNS = 8
_MOST_DIGITS = 20


@dataclass
class _Checks:
    """How many more runs of one text the matcher may read."""

    left: int

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _digits(text: str) -> int:
    return sum(map(str.isdigit, text))


def _digits_read(reading: Folded) -> Folded:
    return reading.with_text(_LETTERS_FOR_DIGITS.sub(_as_digits, reading.text))


def _as_digits(match: re.Match[str]) -> str:
    run = match.group()
    return run.translate(_AS_DIGITS) if any(c.isdigit() for c in run) else run


def _phones(reading: Folded) -> list[Found]:
    if _digits(reading.text) < _FEWEST_DIGITS:
        return []
    found: list[Found] = []
    checks = _Checks(_MATCHER_RUNS)
    for run in _DIGIT_RUN.finditer(reading.text):
        if _digits(run.group()) < _FEWEST_DIGITS:
            continue
        for start, end in _phone_spans(run.group(), checks):
            first, last = reading.origin(run.start() + start, run.start() + end)
            found.append(Found(first, last, PHONE))
    return found


def _phone_spans(run: str, checks: _Checks) -> list[tuple[int, int]]:
    """Phone numbers in a run of digits and separators: seven or more digits in a row that
    are no date, time, score, amount or count; and numbers valid in one of REGIONS."""
    numbers = _blanked(run, _DATE_OR_TIME)
    if _digits(numbers) < _FEWEST_DIGITS or _counting(run):
        return []
    spans = []
    for match in _DIGIT_RUN.finditer(_blanked(numbers, _GROUPED_AMOUNT)):
        if _digits(match.group()) >= _FEWEST_DIGITS and not _counting(match.group()):
            spans.append((match.start(), match.end()))
    left = _blanked(numbers, None, spans)
    if _digits(left) < _FEWEST_DIGITS:
        return spans
    if _digits(left) > _MOST_DIGITS or not checks.take():
        return [*spans, _whole_number(left, (0, len(left)))]
    return spans + [_whole_number(left, span) for span in _valid_numbers(left)]


def _valid_numbers(numbers: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    numbers = numbers.replace("\n", " ")  # the matcher stops at a line break
    left = numbers
    for region in REGIONS:
        for match in PhoneNumberMatcher(left, region, leniency=Leniency.VALID):
            spans.append((match.start, match.end))
        left = _blanked(numbers, None, spans)
        if _digits(left) < _FEWEST_DIGITS:
            break
    return spans


def _whole_number(numbers: str, span: tuple[int, int]) -> tuple[int, int]:
    """A valid number with the digits around it in the same run: "(11) 98765-4321" is one
    number, though a region may find a valid one in "98765-4321" alone."""
    start, end = span
    while start > 0 and numbers[start - 1] != _BLANK:
        start -= 1
    while end < len(numbers) and numbers[end] != _BLANK:
        end += 1
    while start < end and numbers[start] not in "+(" and not numbers[start].isdigit():
        start += 1
    while end > start and numbers[end - 1] != ")" and not numbers[end - 1].isdigit():
        end -= 1
    return start, end


def _blanked(
    text: str, pattern: re.Pattern[str] | None, spans: list[tuple[int, int]] | None = None
) -> str:
    """`text` with each match of `pattern` (or each span) blanked out, lengths kept."""
    found = [m.span() for m in pattern.finditer(text)] if pattern is not None else spans or []
    for start, end in found:
        text = text[:start] + _BLANK * (end - start) + text[end:]
    return text


def _counting(run: str) -> bool:
    """ "1 2 3 4 5 6 7 8 9 10", "10-9-8-7-6-5-4": counting, not a number."""
    values = [int(group) for group in re.findall(r"\d+", run)]
    steps = {b - a for a, b in pairwise(values)}
    return len(values) >= 3 and steps in ({1}, {-1})


# -- where each detail stands in the member's text --------------------------------------------

# What ends a word around a detail: "(example.com)" keeps its brackets, "t.me/" + "alex" goes.
_WORD_ENDS = frozenset("()[]{}<>\"'«»“”„\u2018\u2019,;!?\u2013\u2014…")


def _widened(text: str, found: Found) -> Found:
    """The detail widened to the whole word it stands in, so that no piece of it is left
    (a reversed "em.t/xela", "name.42@..."), short of punctuation that closes a sentence."""
    start, end = found.start, found.end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _WORD_ENDS:
        start -= 1
    stop = end
    while stop < len(text) and not text[stop].isspace() and text[stop] not in _WORD_ENDS:
        stop += 1
    while stop > end and text[stop - 1] in ".:":
        stop -= 1
    return Found(start, stop, found.kind)


def _merged(found: list[Found]) -> list[Found]:
    """Overlapping details as one, named by the first of KINDS among them."""
    merged: list[Found] = []
    for detail in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and detail.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, detail.kind, key=KINDS.index)
            merged[-1] = Found(last.start, max(last.end, detail.end), kind)
        else:
            merged.append(detail)
    return merged
