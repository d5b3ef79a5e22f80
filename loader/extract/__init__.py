"""Extraction: one document → the roles, competencies, tools, qualifications, employers and
salaries it states, each with the places (offsets, quote, section) that state it.

``extract`` is a pure function of the document and the lexicon; ``Extraction.to_json`` gives the
schema of ../shared/eval/README.md (the output of ``rolegraph extract --json``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..documents import Document
from ..labels import fold, word_keys
from ..lexicon import Entry, Lexicon, load_lexicon
from .certificates import certificate_names, topic_certificates
from .context import general_before_examples, join_bracketed, market_trends, not_concerned, outside
from .coordination import coordinated_roles
from .enumerations import listed_names
from .matcher import Matcher, Mention, Token, resolve, tokenize
from .qualifications import compose_diplomas, with_skill_fields
from .roles import classify_relation, descriptions_of_others, main_role_of, merge_aliases
from .salary import Salary, find_salaries
from .sections import section_kind
from .skills import refine as refine_skills
from .spans import Spans
from .titles import title_mentions, ungendered, with_gender_marks
from .trainings import school_names, training_routes
from .wrapping import unwrapped

EXTRACTOR = "lexicon/1"
#: Words that qualify a role without changing it ("Développeur freelance Back-End").
ROLE_QUALIFIERS = frozenset(word_keys("freelance indépendant junior senior confirmé expérimenté"))
#: Lexicon categories that the evaluation schema does not list are reported as "other".
JSON_CATEGORIES = {"language", "framework", "database", "cloud", "devops", "vcs", "messaging", "protocol", "other"}


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    quote: str
    section: str | None
    extractor: str = EXTRACTOR


@dataclass
class Item:
    kind: str
    id: str
    name: str
    attrs: dict = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    entry: Entry | None = None

    @property
    def surfaces(self) -> list[str]:
        seen: list[str] = []
        for ev in self.evidence:
            if ev.quote not in seen:
                seen.append(ev.quote)
        return seen


@dataclass
class Extraction:
    document: Document
    main_role: Item | None
    related_roles: list[Item]
    competencies: list[Item]
    tools: list[Item]
    diplomas: list[Item]
    trainings: list[Item]
    certifications: list[Item]
    employers: list[Item]
    salaries: list[Salary]

    def to_json(self) -> dict:
        """The evaluation schema: names, surfaces and attributes, no offsets."""
        def named(item: Item, **extra) -> dict:
            return {"name": item.name, "surface": item.surfaces, **extra}

        return {
            "doc": self.document.name,
            "lang": self.document.language,
            "main_role": named(self.main_role) if self.main_role else None,
            "related_roles": [named(r, relation=r.attrs["relation"]) for r in self.related_roles],
            "skills": [named(c, soft=c.attrs.get("type") == "soft") for c in self.competencies],
            "tools": [named(t, category=t.attrs["category"] if t.attrs["category"] in JSON_CATEGORIES else "other")
                      for t in self.tools],
            "diplomas": [named(d, level=d.attrs.get("level", "unknown")) for d in self.diplomas],
            "trainings": [named(t) for t in self.trainings],
            "certifications": [named(c) for c in self.certifications],
            "salaries": [s.to_json() for s in self.salaries],
            "notes": "",
        }


@lru_cache(maxsize=4)
def matcher_for(lexicon: Lexicon) -> Matcher:
    """The matcher of a lexicon, built once per process."""
    return Matcher(lexicon.entries)


def extract(document: Document, lexicon: Lexicon | None = None) -> Extraction:
    """Everything ``document`` states, found with the lexicon (data/lexicon by default)."""
    lexicon = lexicon or load_lexicon()
    matcher = matcher_for(lexicon)
    text = unwrapped(document.text)  # same offsets: a line wrapped inside a sentence reads as a space
    tokens = ungendered(text, tokenize(text))
    candidates = matcher.find(text, tokens, language=document.language)
    candidates += _new_titles(title_mentions(text, tokens, lexicon), candidates)
    candidates += certificate_names(text, tokens, candidates)
    stripped, resumed = _without_qualifiers(tokens)
    if resumed:  # only where a qualifier was removed can a new role appear
        starts = sorted({k for r in resumed for k in range(max(0, r - 4), r)})
        candidates += [m for m in matcher.find_from(text, stripped, starts, document.language) if m.entry.kind == "role"]
    candidates = with_gender_marks(text, candidates)
    if document.language == "fr":
        candidates = [c for c in candidates if not _a_french_verb(text, c)]
    structural = {"degree", "field"}
    mentions = join_bracketed(text, resolve(m for m in candidates if m.entry.kind not in structural))
    mentions += _products_inside(candidates, mentions, document.language)
    mentions = refine_skills(text, document.language, lexicon, mentions, document.section_at,  # skills stated by phrases
                             _subject_so_far(document, mentions))
    degree_parts = _outside_role_names(resolve(m for m in candidates if m.entry.kind in structural), mentions)
    mentions += coordinated_roles(text, tokens, mentions, matcher, document.language)
    mentions += listed_names(text, sorted(mentions + degree_parts, key=lambda m: (m.start, m.end)))
    mentions += training_routes(text, tokens, lexicon, [m for m in mentions if m.entry.kind in ("competency", "tool")]
                                + degree_parts)
    mentions += school_names(text, mentions + degree_parts)
    mentions += topic_certificates(text, mentions)

    def evidence(mention: Mention) -> Evidence:
        quote = mention.surface
        if text is not document.text and quote == text[mention.start:mention.end]:
            quote = document.text[mention.start:mention.end]  # the quote is the document's own text
        return Evidence(mention.start, mention.end, quote, document.section_at(mention.start))

    items: dict[tuple[str, str], Item] = {}
    seen: set[tuple[str, str, Evidence]] = set()  # a list scan per mention made long documents quadratic

    def add(kind: str, entry: Entry, mention: Mention, **attrs) -> Item:
        item = items.get((kind, entry.id))
        if item is None:
            item = items[(kind, entry.id)] = Item(kind, entry.id, entry.name, {**entry.attrs, **attrs}, [], entry)
        ev = evidence(mention)
        if (kind, entry.id, ev) not in seen:
            seen.add((kind, entry.id, ev))
            item.evidence.append(ev)
        return item

    vendor_certs = lexicon.vendor_certifications()
    qualified = _issuers_of_products(text, mentions, vendor_certs) | general_before_examples(text, mentions)
    for mention in mentions:
        entry = mention.entry
        if id(mention) in qualified or _cited(document, mention) or _describes_a_company(text, mention) or \
                _a_department(text, mention) or _the_publisher_s_clients(text, mention):
            continue
        certification = vendor_certs.get((entry.kind, entry.id))
        if certification and _in_certification_sentence(document, mention):
            add("certification", certification, mention)
        elif entry.kind in ("role", "competency", "tool", "training", "certification", "employer"):
            add(entry.kind, entry, mention)

    degree_parts = with_skill_fields(text, degree_parts, mentions)
    diplomas = compose_diplomas(lexicon, document, text, degree_parts,
                                [m for m in mentions if m.entry.kind == "diploma" and not m.alternative], evidence)

    certifications = [i for (k, _), i in items.items() if k == "certification"]
    # a skill, tool or job named inside a diploma's or certification's name is part of that name
    _drop_inside(items, [(ev.start, ev.end) for d in diplomas + certifications for ev in d.evidence],
                 ("tool", "competency", "role"))
    # a skill named inside a product's name is part of that name ("Web Services" in "Amazon Web Services")
    _drop_inside(items, [(ev.start, ev.end) for (k, _), i in items.items() if k == "tool" for ev in i.evidence],
                 ("competency",))
    # what the subject is not concerned with is not the subject's ("not responsible for the security")
    _drop_inside(items, not_concerned(text), ("tool", "competency"), strictly=False)
    # the trends that drive the job's market are not its tasks ("driven by the expansion of AI and IoT")
    _drop_inside(items, market_trends(text), ("tool", "competency"), strictly=False)
    # a training route's words name no skill of their own ("la formation continue" is no continuous learning)
    trainings = [i for (k, _), i in items.items() if k == "training"]
    _drop_inside(items, [(ev.start, ev.end) for t in trainings for ev in t.evidence], ("competency",), strictly=False)
    roles = [i for (k, _), i in items.items() if k == "role"]
    main = main_role_of(document, roles)
    related = []
    for role in (merge_aliases(document, main, roles) if main else []):
        role.attrs["relation"] = classify_relation(document, role, _sentence_of)
        related.append(role)
    _drop_inside(items, descriptions_of_others(text, related), kinds=("competency",))
    titles = [(ev.start, ev.end) for role in related + ([main] if main else []) for ev in role.evidence]
    _drop_starting_in(items, titles)
    # a skill named only inside a role's title is the role's ("machine learning engineer roles")
    _drop_inside(items, titles, kinds=("competency",))

    salaries = find_salaries(text)
    return Extraction(
        document=document,
        main_role=main,
        related_roles=_ordered(related),
        competencies=_ordered(i for (k, _), i in items.items() if k == "competency"),
        tools=_ordered(i for (k, _), i in items.items() if k == "tool"),
        diplomas=_ordered(diplomas),
        trainings=_ordered(i for (k, _), i in items.items() if k == "training"),
        certifications=_ordered(i for (k, _), i in items.items() if k == "certification"),
        employers=_ordered(i for (k, _), i in items.items() if k == "employer"),
        salaries=salaries,
    )


#: A company named by what it makes or sells: "a SaaS company", "une start-up SaaS".
_COMPANY_AFTER = re.compile(r"[ \t\u00a0-]+(?:company|companies|firm|firms|start-?ups?|scale-?ups?|vendors?|publishers?|"
                            r"providers?|business|businesses)\b", re.I)
_COMPANY_BEFORE = re.compile(r"\b(?:entreprises?|soci[ée]t[ée]s?|start-?ups?|scale-?ups?|[ée]diteurs?|"
                             r"fournisseurs?|acteurs?)(?:[ \t\u00a0]+(?:de|du|des|en))?[ \t\u00a0]+$", re.I)


def _describes_a_company(text: str, mention: Mention) -> bool:
    """A tool that names the trade of a company ("a SaaS company", "un éditeur SaaS"): context, not a
    tool of the job."""
    return mention.entry.kind == "tool" and bool(
        _COMPANY_AFTER.match(text, mention.end) or _COMPANY_BEFORE.search(text, max(0, mention.start - 30), mention.start))


#: A French "direction" acronym after a feminine article names the department ("au sein de la DSI",
#: "rattaché à la DRH"); after a masculine one, its director ("le DSI", "au DSI").
_DIRECTION = re.compile(r"D[A-Z]{1,4}")
_FEMININE_BEFORE = re.compile(r"\bla[ \t\u00a0]+$", re.I)


def _a_department(text: str, mention: Mention) -> bool:
    return mention.entry.kind == "role" and bool(_DIRECTION.fullmatch(mention.surface)) and \
        bool(_FEMININE_BEFORE.search(text, max(0, mention.start - 10), mention.start))


#: What follows a French verb in the infinitive: its object's determiner ("Tester l'affichage").
_OBJECT_AFTER = re.compile(r"[ \t]+(?:l['’]|les?\b|la\b|des\b|du\b|une?\b|ses\b|leurs?\b|vos\b|nos\b|votre\b|notre\b)", re.I)


def _a_french_verb(text: str, mention: Mention) -> bool:
    """Whether a one-word English role name is a French verb used as one (in a French document):
    "Tester l'affichage" tests, and names no tester."""
    surface = mention.surface
    return mention.entry.kind == "role" and " " not in surface and \
        surface.lower().endswith("er") and bool(_OBJECT_AFTER.match(text, mention.end))


def _products_inside(candidates: list[Mention], mentions: list[Mention], language: str | None) -> list[Mention]:
    """The tools named inside a skill's words ("Linux administration", "administration Linux") or in the
    complement of a role's title ("développeur Java", "Java developer"): the skill or the role is what the
    document names, and the product is named in it all the same. A role's head is no product ("Chef de
    projet" opens with its head in French, "Salesforce admin" ends with it in English)."""
    skills = Spans(m for m in mentions if m.entry.kind == "competency")
    roles = Spans(m for m in mentions if m.entry.kind == "role")
    others = Spans(m for m in mentions if m.entry.kind not in ("competency", "role"))

    def in_complement(c: Mention) -> bool:
        return any((language != "fr" or c.start > r.start) and (language != "en" or c.end < r.end)
                   for r in roles.containing(c.start, c.end, strictly=True))

    inner = [c for c in candidates if c.entry.kind == "tool" and not c.fuzzy and not others.overlapping(c.start, c.end)
             and (skills.containing(c.start, c.end, strictly=True) or in_complement(c))]
    return resolve(inner)


#: The publisher speaking of whom it serves, from the start of a sentence: "Nous accompagnons les
#: consultants IT…", "We help data engineers find…".
_PUBLISHER_SERVES = re.compile(r"(?:^|[.!?]\s+)(?:Nous|We)\s+(?:accompagnons|aidons|connectons|mettons\s+en\s+relation|"
                               r"conseillons|help|connect|support|match|advise)\b[^.!?\n]*\Z", re.M)


def _the_publisher_s_clients(text: str, mention: Mention) -> bool:
    """A role named as whom the page's publisher serves, not as a role of the job."""
    return mention.entry.kind == "role" and bool(_PUBLISHER_SERVES.search(text, max(0, mention.start - 160), mention.start))


def _cited(document: Document, mention: Mention) -> bool:
    """A skill or tool named in the page's list of sources ("Sources: Bureau of Labor Statistics")."""
    return mention.entry.kind in ("competency", "tool") and section_kind(document.section_at(mention.start)) == "sources"


def _subject_so_far(document: Document, mentions: list[Mention]) -> Entry | None:
    """The role the document is about, chosen as ``main_role_of`` chooses it among the roles the lexicon
    reads, before skills are read (so that they can take its domain)."""
    roles: dict[str, Item] = {}
    for m in mentions:
        if m.entry.kind == "role":
            item = roles.setdefault(m.entry.id, Item("role", m.entry.id, m.entry.name, {}, [], m.entry))
            item.evidence.append(Evidence(m.start, m.end, m.surface, None))
    main = main_role_of(document, list(roles.values()))
    return main.entry if main else None


def _outside_role_names(parts: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """The degree words that do not end a role's or a certification's name: the "master" of "scrum
    master" or of "certification Scrum Master" is no master's degree. A role that starts with the degree
    word ("ingénieur en informatique") may still name it."""
    roles = Spans(m for m in mentions if m.entry.kind in ("role", "certification"))
    return [p for p in parts if not (p.entry.kind == "degree" and
                                     any(r.start < p.start for r in roles.containing(p.start, p.end)))]


def _new_titles(titles: list[Mention], candidates: list[Mention]) -> list[Mention]:
    """Titles built by the grammar where the lexicon names no role over the same words."""
    roles = Spans(m for m in candidates if m.entry.kind == "role")
    return [t for t in titles if not roles.containing(t.start, t.end)]


def _drop_inside(items: dict[tuple[str, str], Item], longer: list[tuple[int, int]],
                 kinds: tuple[str, ...] = ("tool", "competency"), strictly: bool = True) -> None:
    """Forget the items of ``kinds`` named only inside ``longer`` spans: a longer entity ("Master en
    cybersécurité"), or the description of another role; or, not ``strictly``, named only by the same
    words as well."""
    if not longer:
        return
    spans = Spans(set(longer))
    for key, item in list(items.items()):
        if item.kind in kinds:
            keep = outside([(ev.start, ev.end) for ev in item.evidence], spans, strictly)
            item.evidence = [ev for ev, kept in zip(item.evidence, keep) if kept]
            if not item.evidence:
                del items[key]


def _drop_starting_in(items: dict[tuple[str, str], Item], roles: list[tuple[int, int]]) -> None:
    """Forget the skills whose words cross the edge of a role's name: start inside it and run past it
    ("les équipes de développement dans l'application" names a team, then what it works on), or start
    before it and end inside it ("IT Help" in "IT Help Desk Technician"): no skill."""
    spans = Spans(set(roles))
    for key, item in list(items.items()):
        if item.kind == "competency":
            item.evidence = [ev for ev in item.evidence
                             if not any(s < ev.start < e < ev.end or ev.start < s < ev.end < e
                                        for s, e in spans.overlapping(ev.start, ev.end))]
            if not item.evidence:
                del items[key]


def _ordered(items) -> list[Item]:
    return sorted(items, key=lambda i: (i.evidence[0].start if i.evidence else 0, i.id))


def _without_qualifiers(tokens: list[Token]) -> tuple[list[Token], list[int]]:
    """The token stream with role qualifiers removed, so "développeur freelance back-end" reads as a
    role, and the positions (in that stream) where a qualifier was removed."""
    kept: list[Token] = []
    resumed: list[int] = []
    soft: bool | None = None  # None: nothing skipped before the next token
    for token in tokens:
        if token.key in ROLE_QUALIFIERS and kept:
            soft = (soft is not False) and token.soft
            continue
        if soft is not None:
            joined = soft and token.soft
            token = token._replace(gap_before=" " if joined else ";", soft=joined)
            resumed.append(len(kept))
            soft = None
        kept.append(token)
    return kept, resumed


_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n")


def _sentence_of(document: Document, offset: int) -> tuple[int, str]:
    """The sentence of ``document`` around ``offset`` (within its block), with its start offset."""
    text = document.text
    start = max(text.rfind("\n", 0, offset) + 1, 0)
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    block = text[start:end]
    position = offset - start
    cursor = 0
    for piece in _SENTENCE_END.split(block):
        found = block.find(piece, cursor)
        if found <= position <= found + len(piece):
            return start + found, piece
        cursor = found + len(piece)
    return start, block


def _issuers_of_products(text: str, mentions: list[Mention], vendor_certs: dict) -> set[int]:
    """The mentions (by id) of a vendor named right before one of its products that has a certification
    of its own, or right before one of its certifications: "la certification Oracle Java" is the Java
    certification, not also Oracle's, and "Microsoft Certified: Azure Administrator Associate" is one."""
    def vendor(mention: Mention) -> bool:
        entry = mention.entry
        return (entry.kind == "organisation" and (entry.kind, entry.id) in vendor_certs) or \
            (entry.kind == "certification" and bool(entry.get("issuer")) and bool(entry.get("vendor_organisations")))

    def named_by(first: Mention, second: Mention) -> bool:
        gap = text[first.end:second.start]
        if second.entry.kind == "tool":
            return ("tool", second.entry.id) in vendor_certs and len(gap) == 1 and not gap.strip()
        return second.entry.kind == "certification" and 0 < len(gap) <= 2 and gap.strip() in ("", ":")

    ordered = sorted(mentions, key=lambda m: m.start)
    return {id(first) for first, second in zip(ordered, ordered[1:]) if vendor(first) and named_by(first, second)}


def _in_certification_sentence(document: Document, mention: Mention) -> bool:
    return "certif" in fold(_sentence_of(document, mention.start)[1])

