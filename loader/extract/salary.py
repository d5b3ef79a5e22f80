"""Salary figures in French and English text: ranges, single figures, k€, day rates, with the
period, gross/net basis, seniority and employment type read from the surrounding sentence.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from rolegraph.core.paths import MINIMUM_WAGES_FILE

from ..labels import fold
from .wrapping import trailing_spaces_start

EXTRACTOR = "salary/1"

#: A figure: thousands grouped by a space, a dot, a comma, or (in Switzerland) an apostrophe ("110'000").
_NUMBER = r"\d{1,3}(?:[  .,\u202f'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_CURRENCY = r"(?:€|euros?|eur\b|chf\b|francs? suisses?|swiss francs?|cad\b|ca\$|c\$|canadian dollars?|dollars? canadiens?|\$|usd\b|dollars?|£|gbp\b|livres? sterling|pounds?)"
_K = r"(?:\s?(?:k|K)(?![a-zA-Z]))"
_AMOUNT = rf"(?P<{{name}}cur1>{_CURRENCY}\s?)?(?P<{{name}}>{_NUMBER})(?P<{{name}}k>{_K})?\s?(?P<{{name}}cur2>{_CURRENCY})?"


def _amount(name: str) -> str:
    return _AMOUNT.replace("{name}", name)


_RANGE = re.compile(
    rf"(?:(?:entre|between|from|de)\s+)?{_amount('a')}\s*(?:et|and|à|a|to|-|–|—)\s*{_amount('b')}",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    rf"(?P<cue>jusqu['’]à|jusqu'a|up to|over|above|more than|plus de|au-delà de|à partir de|from|dès|environ|around|about|starts? (?:at|above|from))?\s*{_amount('a')}",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
#: A currency anywhere in a sentence: a figure is read only with one (``_salary``), so a sentence
#: without any is left unread, where both figure patterns were run over every sentence with a digit.
_ANY_CURRENCY = re.compile(_CURRENCY, re.IGNORECASE)
#: What every ASCII form of ``_CURRENCY`` holds, lower-cased: an ASCII sentence holding none of these
#: names no currency (the pattern, tried at each character, cost about 0.1 us a character).
_ASCII_CURRENCY_MARKS = ("$", "eur", "chf", "franc", "cad", "usd", "dollar", "gbp", "livre", "pound")
#: A line break that a sentence goes on after (a lower-case word, a figure, a currency, "et"/"and"); it is
#: soft where the line before ends in a word, a figure, a currency or a comma (``_soft_breaks_joined``).
#: The pattern starts at the break, so the scan jumps from one break to the next.
_BREAK_GOING_ON = re.compile(r"\n(?=[ \t]*(?:[a-zà-ÿ\d€$£]|et\b|and\b))")
_SOFT_END = re.compile(r"[\w€$£,]")
_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;](?!\d)|\n|$)")

PERIODS = (
    ("hour", r"(?:de l'heure|par heure|/\s?h\b|horaire|per hour|an hour|hourly|/\s?hour)"),
    ("day", r"(?:par jour|/\s?jour|journali|tjm|daily|per day|a day|day rate|/\s?day)"),
    ("month", r"(?:par mois|/\s?mois|mensuel|per month|a month|monthly|/\s?month)"),
    ("year", r"(?:par an\b|/\s?an\b|annuel|per year|a year|yearly|annual|per annum|/\s?year|k€|k\$|keur)"),
)
LEVELS = (
    ("freelance", r"(?:freelance|indépendant|independant|tjm|taux journalier|day rate|contractor)"),
    ("junior", r"(?:débutant|junior|jeune diplômé|début de carrière|premier poste|premier emploi|sortie d'école|entry[- ]level|graduate|beginner|first job|"
               r"starting salar|starting pay|starters?\b|salaire de départ|salaire d'embauche|à l'embauche|pour débuter)"),
    ("senior", r"(?:\bsenior|expert\b|lead\b|principal\b)"),
    ("experienced", r"(?:expérience|experience|expérimenté|confirmé|confirmed|ans d|years|avec le temps|over the years|"
                    r"(?:après|au bout de)\s+(?:[\w-]+\s+){1,2}(?:ans|années)\b)"),
)
# Patterns are matched against folded text (no accents), so fold them the same way.
PERIODS = tuple((name, fold(pattern)) for name, pattern in PERIODS)
LEVELS = tuple((name, fold(pattern)) for name, pattern in LEVELS)
# Checked in order: the Swiss and Canadian marks come before the bare dollar sign they contain.
_CURRENCIES = (("CHF", ("chf", "franc")), ("CAD", ("cad", "ca$", "c$", "canad")), ("EUR", ("€", "euro", "eur")), ("USD", ("$", "usd", "dollar")), ("GBP", ("£", "gbp", "livre", "pound")))
# A figure followed by a scale word is a company's revenue or a market's size, never pay.
_SCALE = re.compile(r"^\s*(?:de\s+|d['’]\s*)?(?:millions?|milliards?|billions?|trillions?|bn\b|mds?\b|m€|md€|m\$|m£|mn\b)",
                    re.IGNORECASE)
# Words that make an amount a price or a sum of money other than pay (training and exam fees, revenue, funding).
_NOT_PAY_CUES = re.compile(
    r"(co[uû]te?s?\b|co[uû]t\b|prix|tarifs?\b|frais|budget|financement|financ[ée]e?s?\b|chiffre d['’]affaires|"
    r"lev[ée]e de fonds|investissement|subvention|abonnement|licence|inscription|"
    r"\bcosts?\b|price[sd]?\b|fees?\b|tuition|revenue|turnover|funding|raised|budget|subscription|"
    r"licen[cs]e|investment|valuation|market (?:size|value)|worth|\bprimes?\b|bonus|int[ée]ressement|"
    r"certifications?\b|certifs?\b|examens?\b|exams?\b|vouchers?\b)", re.IGNORECASE)
_SALARY_CUES = re.compile(
    r"(salaire|rémunération|remuneration|rétribution|retribution|gagne|payé|brut|net\b|tjm|taux journalier|"
    r"salary|salaries|pay\b|paid|earn|income|compensation|wage|rate)", re.IGNORECASE)


@dataclass(frozen=True)
class Salary:
    min: float
    max: float
    currency: str
    period: str
    basis: str
    level: str
    employment: str
    start: int
    end: int
    surface: str
    # "upper" for "jusqu'à 65 000 €" (a maximum only), "lower" for "à partir de 30 000 €" (a minimum only),
    # "both" otherwise; min and max still both hold the figure, as the evaluation's schema writes a bound alone.
    bound: str = "both"
    # the statutory minimum wage the figure was stated as ("smic" for "proche du SMIC"), and whether
    # the text says "about" it; the amounts are then that wage's latest amount, times the multiple stated
    reference: str | None = None
    approximate: bool = False

    def to_json(self) -> dict:
        def number(x: float):
            return int(x) if float(x).is_integer() else x
        return {"min": number(self.min), "max": number(self.max), "currency": self.currency,
                "period": self.period, "basis": self.basis, "level": self.level, "surface": self.surface}


def _number(text: str) -> float:
    text = text.replace("\u202f", " ").replace("\xa0", " ").replace("'", " ").replace("’", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", text):
        return float(re.sub(r"[ .,]", "", text))
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+[.,]\d+", text):
        head, tail = re.split(r"[.,](?=\d+$)", text)
        return float(re.sub(r"[ .,]", "", head) + "." + tail)
    return float(text.replace(" ", "").replace(",", "."))


def _currency(*parts: str | None) -> str | None:
    joined = fold(" ".join(p for p in parts if p))
    for code, marks in _CURRENCIES:
        if any(mark in joined for mark in marks):
            return code
    return None


#: A pay that varies with experience states no level: "selon expérience", "depending on experience".
_VARIES_WITH = re.compile(fold(r"(?:selon|suivant|en fonction de|depending on|dependent on|according to|based on|"
                               r"commensurate with)\s+(?:(?:l['’]|le|la|son|sa|votre|vos|your|the|their)\s*)?"
                               r"(?:profil\s+et\s+(?:(?:l['’]|son|votre)\s*)?)?(?:experience|profil)s?"), re.I)


#: A length of experience, no figure of pay: "avec 5 ans d'expérience", "after 3 years".
_DURATION = re.compile(r"\d+\s*(?:\+\s*)?(?:ans?|annees?|years?|yrs?|mois|months?)\b", re.I)


#: A conjunction that opens a contrasting clause: a level cue never reaches across one.
_CONTRAST = re.compile(r"\b(?:while|whilst|whereas|but|mais|alors que|tandis que)\b", re.I)


def _nearest(patterns, text: str, start: int, end: int) -> str | None:
    """The name of the pattern whose match stands nearest to ``text[start:end]``, a cue after the
    figure winning a tie and no cue reaching past another figure, so each figure of a sentence
    takes its own period and level."""
    best, name_found = None, None
    for name, pattern in patterns:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            between = text[m.end():start] if m.end() <= start else text[end:m.start()]
            if _DIGIT.search(_DURATION.sub("", between)):
                continue  # another figure stands between: the cue is that figure's
            if _CONTRAST.search(between):
                continue  # "a junior earns £30k, while a senior…": the cue is the other clause's
            if m.end() <= start and _closer_to_an_earlier_figure(text, m.start(), start - m.end()):
                continue  # "38 k€ pour un junior à 62 k€": the cue closes the earlier figure
            gap = max(start - m.end(), m.start() - end, 0) + (0.5 if m.end() <= start else 0)
            if best is None or gap < best:
                best, name_found = gap, name
    return name_found


#: A figure, its currency, basis and period, then the words that open a level cue ("pour un", "en"):
#: the cue that follows qualifies that figure.
_AFTER_A_FIGURE = re.compile(
    r"\d\s?(?:k\b)?\s?(?:[€$£]|euros?\b|eur\b|dollars?\b|pounds?\b|livres?\b)?\s*(?:bruts?|nets?|gross)?\s*"
    r"(?:annuels?|mensuels?|par an|per year|a year|par mois|per month|a month|monthly|annually|/\s?an|/\s?mois)?\s*"
    r"(?:bruts?|nets?|gross)?\s*"
    r"(?:pour|for|en|in|at)\s+(?:(?:un|une|les|des|a|an|le|la|the)\s+)?(?:profils?\s+)?$")


def _level(text: str, start: int, end: int) -> str | None:
    """The level whose cue stands nearest to the figure at ``start``..``end``; a pay that varies with
    experience is no cue."""
    return _nearest(LEVELS, _VARIES_WITH.sub(lambda m: " " * len(m.group()), text), start, end)  # same offsets


def _closer_to_an_earlier_figure(text: str, cue_start: int, gap: int) -> bool:
    """Whether the cue is a "pour un …"/"for a …" that follows an earlier figure and so qualifies it."""
    return bool(_AFTER_A_FIGURE.search(text, max(0, cue_start - 80), cue_start))


def _first(patterns, text: str) -> str | None:
    for name, pattern in patterns:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return None


def find_salaries(text: str) -> list[Salary]:
    """Every salary figure of ``text``, in order; figures without a currency and without a pay word
    around them are ignored, and so are amounts too small or too large to be pay."""
    found: list[Salary] = []
    # A line broken inside a sentence (a PDF's layout) is read as one line; same length, same offsets.
    text = _soft_breaks_joined(text)
    for sentence in _SENTENCE.finditer(text):
        if not _DIGIT.search(sentence.group()) or not _names_currency(sentence.group()):
            continue
        found += _in_sentence(text, sentence.start(), sentence.group(), found[-1] if found else None)
    found += _minimum_wage_figures(text)
    return _unique(sorted(found, key=lambda s: s.start))


def _names_currency(sentence: str) -> bool:
    if sentence.isascii():  # ASCII letters fold to ASCII letters only
        lowered = sentence.lower()
        return any(mark in lowered for mark in _ASCII_CURRENCY_MARKS)
    return bool(_ANY_CURRENCY.search(sentence))


def _soft_breaks_joined(text: str) -> str:
    """``text`` with each soft line break, and the spaces before it, made one space."""
    pieces, last = [], 0
    for match in _BREAK_GOING_ON.finditer(text):
        newline = match.start()
        before = trailing_spaces_start(text, newline)
        if before and _SOFT_END.match(text, before - 1):
            pieces += [text[last:before], " "]
            last = newline + 1
    return "".join(pieces) + text[last:] if pieces else text


@dataclass(frozen=True)
class MinimumWage:
    id: str
    currency: str
    period: str
    basis: str
    amount: float  # the latest amount in force
    pattern: re.Pattern
    #: the names the pattern ends with: a text holding none of them cannot match it, and the pattern's
    #: optional leading groups make its scan cost about 1 ms on a 4 kB text
    names: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def minimum_wages() -> tuple[MinimumWage, ...]:
    """The statutory minimum wages of data/wages/minimum-wages.toml, each with its latest amount."""
    with open(MINIMUM_WAGES_FILE, "rb") as handle:
        table = tomllib.load(handle)
    wages = []
    for wage in table["wage"]:
        names = "|".join(re.escape(n) for n in sorted(wage["names"], key=len, reverse=True))
        pattern = re.compile(
            rf"(?P<cue>{_ABOUT}\s+)?(?:(?:du|au|le|de|d'|l')\s*)?(?:(?P<times>\d+(?:[.,]\d+)?)\s*(?:fois\s+(?:le\s+)?)?)?"
            rf"\b(?:{names})\b")
        latest = max(wage["amounts"], key=lambda a: a["from"])
        wages.append(MinimumWage(wage["id"], wage["currency"], wage["period"], wage["basis"],
                                 float(latest["amount"]), pattern, tuple(wage["names"])))
    return tuple(wages)


#: Words (folded) that make a figure approximate: "proche du SMIC", "autour du SMIC", "environ 1,2 SMIC".
_ABOUT = r"(?:proche|autour|aux alentours|environ|a peine (?:au-dessus|plus)|legerement (?:au-dessus|superieur))"
#: A sentence where the minimum wage is pay, not a rule quoted about something else ("indexé sur le SMIC").
_WAGE_AS_PAY = re.compile(r"salaire|remuneration|gagne|paye|debut|commence|embauche|junior|debutant|proche|autour|"
                          r"niveau|equivalent|fois|rémunéré|remunere")


#: Words before a minimum wage that compare a figure with it rather than state pay as it.
_COMPARED = re.compile(r"(?:dessus|dessous|dela|plus que|moins que|superieure?s? (?:a|au)|inferieure?s? (?:a|au)|"
                       r"depasse|above|below|more than|less than)\W*(?:du|au|le|de|l')?\s*$")


def _minimum_wage_figures(text: str) -> list[Salary]:
    """Pay stated as a statutory minimum wage, or a multiple of it ("un salaire proche du SMIC",
    "1,5 fois le SMIC"), not where a figure is only compared with it ("au-dessus du SMIC")."""
    folded = fold(text)  # same length and offsets as the text
    results = []
    for wage in minimum_wages():
        if not any(name in folded for name in wage.names):
            continue
        for match in wage.pattern.finditer(folded):
            sentence = next(s for s in _SENTENCE.finditer(folded, max(0, folded.rfind("\n", 0, match.start()) + 1))
                            if s.end() >= match.end())
            if not _WAGE_AS_PAY.search(sentence.group()):
                continue
            if _COMPARED.search(folded[max(sentence.start(), match.start() - 30):match.start()]):
                continue  # "1 950 €, au-dessus du SMIC": the minimum wage is what a figure is compared with
            times = float(match.group("times").replace(",", ".")) if match.group("times") else 1.0
            if not 1.0 <= times <= 5.0:
                continue
            amount = round(wage.amount * times, 2)
            start = match.start("cue") if match.group("cue") else match.start()
            surface = text[start:match.end()]
            level = _level(sentence.group(), match.start() - sentence.start(), match.end() - sentence.start())
            results.append(Salary(amount, amount, wage.currency, wage.period, wage.basis, level or "unknown",
                                  "salaried", start, match.end(), surface, "both", wage.id, bool(match.group("cue"))))
    return results


def _in_sentence(text: str, offset: int, sentence: str, previous: Salary | None) -> list[Salary]:
    results, taken = [], []
    for pattern, is_range in ((_RANGE, True), (_SINGLE, False)):
        for match in pattern.finditer(sentence):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            salary = _salary(match, is_range, sentence, offset, previous)
            if salary:
                taken.append((match.start(), match.end()))
                results.append(salary)
                previous = salary
    return sorted(results, key=lambda s: s.start)


def _salary(match, is_range: bool, sentence: str, offset: int, previous: Salary | None) -> Salary | None:
    groups = match.groupdict()
    k_a = bool(groups.get("ak")) or (is_range and bool(groups.get("bk")))
    low = _number(groups["a"]) * (1000 if k_a else 1)
    high = _number(groups["b"]) * (1000 if groups.get("bk") else 1) if is_range else low
    currency = _currency(groups.get("acur1"), groups.get("acur2"), groups.get("bcur1"), groups.get("bcur2"))
    around = sentence[max(0, match.start() - 80): match.end() + 80]
    if currency is None:
        # "entre 200 et 600€" names its currency once; a bare number needs a pay word and a currency nearby.
        return None
    if not (_SALARY_CUES.search(sentence) or groups.get("acur1") or groups.get("acur2") or groups.get("bcur2")):
        return None
    if _SCALE.match(sentence[match.end():]) or _nearest_is_not_pay(sentence, match.start(), match.end()):
        return None
    if low > high:
        low, high = high, low
    lowered = fold(around)
    folded = fold(sentence)
    period = _nearest(PERIODS, folded, match.start(), match.end()) or (previous.period if previous and _continues(sentence) else None)
    if period is None:
        period = "year" if low >= 15000 else "month" if low >= 1000 else "day" if low >= 80 else None
    if period is None or not _plausible(low, high, period):
        return None
    basis = "gross" if re.search(r"\bbruts?\b|\bgross\b|\bbrute?s?\b", lowered) else \
        "net" if re.search(r"\bnets?\b|\bnette?s?\b|take[- ]home", lowered) else \
        (previous.basis if previous and _continues(sentence) else "unknown")
    level = _level(folded, match.start(), match.end()) or "unknown"
    employment = "freelance" if level == "freelance" or period == "day" else "salaried"
    surface_start, surface_end = match.start(), match.end()
    cue = groups.get("cue")
    if cue and not is_range:
        surface_start = match.start("cue")
    surface = sentence[surface_start:surface_end].strip()
    start = offset + surface_start + (len(sentence[surface_start:surface_end]) - len(sentence[surface_start:surface_end].lstrip()))
    bound = _bound(cue) if cue and not is_range else "both"
    return Salary(low, high, currency, period, basis, level, employment, start, start + len(surface), surface, bound)


_UPPER = re.compile(r"jusqu|up to|moins de|less than|under|below|maximum", re.IGNORECASE)
_LOWER = re.compile(r"partir|d[eè]s\b|plus de|au-del|more than|over|above|starts?|at least|au moins|minimum|from", re.IGNORECASE)


def _bound(cue: str) -> str:
    """Which bound a single figure's cue states: "upper" (up to), "lower" (from, above) or "both"."""
    return "upper" if _UPPER.search(cue) else "lower" if _LOWER.search(cue) else "both"


def _nearest_is_not_pay(sentence: str, start: int, end: int) -> bool:
    """Whether a price or revenue word stands nearer to the figure than any pay word does."""
    def distance(pattern) -> float:
        gaps = [max(start - m.end(), m.start() - end, 0) for m in pattern.finditer(sentence)]
        return min(gaps, default=float("inf"))
    other = distance(_NOT_PAY_CUES)
    return other != float("inf") and other < distance(_SALARY_CUES)


def _unique(found: list[Salary]) -> list[Salary]:
    """The figures with a repeated statement of the same amounts, currency and period kept once,
    as a summary that restates a figure does not state a second one."""
    seen, kept = set(), []
    for salary in found:
        key = (salary.min, salary.max, salary.currency, salary.period)
        if key not in seen:
            seen.add(key)
            kept.append(salary)
    return kept


def _continues(sentence: str) -> bool:
    """A sentence that refers back to the previous figure ("cette rémunération", "this salary")."""
    return bool(re.search(r"\b(cette|ce|cela|this|that|it)\b.{0,30}(rémunération|salaire|salary|pay|figure)|"
                          r"\bpeut atteindre\b|\bcan reach\b", sentence, re.IGNORECASE))


def _plausible(low: float, high: float, period: str) -> bool:
    bounds = {"hour": (7, 500), "day": (80, 3000), "month": (800, 40000), "year": (10000, 1_000_000)}
    floor, ceiling = bounds[period]
    return floor <= low <= ceiling and floor <= high <= ceiling and high <= low * 5

