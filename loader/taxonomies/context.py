"""What a taxonomy says around a concept: the evidence that a lexical match is in our domain.

A label alone is weak evidence: "site engineer" names a construction engineer and "security applications"
a welfare clerk's task. Linking also asks whether the concept lives where IT roles, skills and tools live:

  ESCO occupation   its ISCO group is an ICT one (``ICT_ISCO``: ICT managers 133, ICT professionals 25,
                    ICT technicians 35, multimedia designers 2166, IT trainers 2356, ICT sales 2434); and
                    its essential and optional skills, which linking compares with the skills our
                    documents say a role needs
  ESCO skill        a broader concept, at any depth, is ICT knowledge (ISCED-F 06) or the skill group
                    "working with computers" (S5); and its skill type (knowledge or skill/competence)
  ROME fiche        its code is in the domaine M18 (systèmes d'information et de télécommunication)
  ROME appellation  its fiche is
  ROME compétence,  a fiche of M18 lists it, or it is one of ROME's computer languages or software;
  savoir            for a qualification, a savoir of ROME's diplomas and certifications
"""
from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from rolegraph.core.naming import rome_iri
from rolegraph.core.store import Readable
from rolegraph.core.vocabulary import ESCO_ID, OX

ICT_ISCO = ("133", "25", "35", "2166", "2356", "2434")
ICT_FICHES = "M18"
#: Roots of the ESCO skills pillar that hold ICT knowledge and skills.
ICT_KNOWLEDGE = f"{ESCO_ID}isced-f/06"  # ISCED-F 06 and its narrower fields (061, 0613…)
ICT_SKILL_GROUP_NOTATIONS = ("S5",)
#: ROME savoir collections of computing.
ICT_COLLECTIONS = ("savoir/sous-categorie-savoir/langages-informatiques", "savoir/sous-categorie-savoir/logiciels-progiciels")
KNOWLEDGE = f"{ESCO_ID}skill-type/knowledge"
#: ROME savoirs that are diplomas and certifications: where a qualification of ours belongs.
CREDENTIALS = "savoir/categorie-savoir/certifications-et-habilitations"


@dataclass
class Context:
    """The concepts of the imported taxonomies that are in the IT domain, and each ESCO skill's type."""

    ict: set[str] = field(default_factory=set)
    credentials: set[str] = field(default_factory=set)  # ROME savoirs that are diplomas or certifications
    skill_type: dict[str, str] = field(default_factory=dict)  # ESCO skill → "knowledge" or "skill"
    broader: dict[str, list[str]] = field(default_factory=dict)  # concept → its broader concepts
    occupation_skills: dict[str, frozenset[str]] = field(default_factory=dict)  # essential and optional ones

    def in_domain(self, concept: str, nature: str = "") -> bool:
        """Whether ``concept`` is where an entity of our ``nature`` belongs: IT, or for a qualification a
        diploma or certification of ROME."""
        return concept in self.ict or (nature == "qualification" and concept in self.credentials)

    def is_knowledge(self, concept: str) -> bool:
        return self.skill_type.get(concept) == "knowledge"


def read_context(store: Readable, base: str, taxonomies: tuple[str, ...] = ("esco", "rome")) -> Context:
    """The ``Context`` of every concept of ``taxonomies`` in ``store``, from pattern scans (no SPARQL over the
    whole pillar). Each taxonomy's part reads only its own concepts, so ``merged`` of the parts read apart is
    the context read at once."""
    context = Context()
    parents: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, OX.SKOS.broader, None, None):
        if isinstance(quad.object, ox.NamedNode) and quad.object.value not in parents[quad.subject.value]:
            parents[quad.subject.value].append(quad.object.value)
    context.broader = dict(parents)
    if "esco" in taxonomies:
        _read_esco(store, context, parents)
    if "rome" in taxonomies:
        _read_rome(store, base, context, parents)
    # Interned: the linking tables hold the same IRIs, and their cache file then stores each once.
    context.ict = set(map(sys.intern, context.ict))
    context.credentials = set(map(sys.intern, context.credentials))
    context.skill_type = {sys.intern(concept): kind for concept, kind in context.skill_type.items()}
    return context


def merged(parts: list[Context]) -> Context:
    """One ``Context`` of the parts of several taxonomies (each read by ``read_context`` alone)."""
    context = Context()
    for part in parts:
        context.ict |= part.ict
        context.credentials |= part.credentials
        context.skill_type.update(part.skill_type)
        context.broader.update(part.broader)
        context.occupation_skills.update(part.occupation_skills)
    return context


def _read_esco(store: Readable, context: Context, parents: dict[str, list[str]]) -> None:
    for quad in store.quads_for_pattern(None, OX.ESCO.memberOfISCOGroup, None, None):
        code = quad.object.value.rsplit("/C", 1)[-1]
        if code.startswith(ICT_ISCO):
            context.ict.add(quad.subject.value)
    skills: dict[str, set[str]] = defaultdict(set)
    for relation in (OX.ESCO.relatedEssentialSkill, OX.ESCO.relatedOptionalSkill):
        for quad in store.quads_for_pattern(None, relation, None, None):
            if quad.subject.value.startswith(f"{ESCO_ID}occupation/"):
                skills[quad.subject.value].add(quad.object.value)
    context.occupation_skills = {sys.intern(occupation): frozenset(map(sys.intern, found))
                                 for occupation, found in skills.items()}
    for quad in store.quads_for_pattern(None, OX.ESCO.skillType, None, None):
        context.skill_type[quad.subject.value] = "knowledge" if quad.object.value == KNOWLEDGE else "skill"
    roots: set[str] = set()
    for quad in store.quads_for_pattern(None, OX.SKOS.notation, None, None):
        if quad.object.value in ICT_SKILL_GROUP_NOTATIONS and quad.subject.value.startswith(f"{ESCO_ID}skill/"):
            roots.add(quad.subject.value)
    memo: dict[str, bool] = {}
    for skill in context.skill_type:
        if _reaches(skill, roots, parents, memo):
            context.ict.add(skill)


def _read_rome(store: Readable, base: str, context: Context, parents: dict[str, list[str]]) -> None:
    fiche_prefix = rome_iri(base, "fiche", ICT_FICHES)
    ict_fiches = {s for s in parents if s.startswith(fiche_prefix)}
    for quad in store.quads_for_pattern(None, OX.SKOS.inScheme, ox.NamedNode(rome_iri(base, "scheme", "fiche")), None):
        if quad.subject.value.startswith(fiche_prefix):
            ict_fiches.add(quad.subject.value)
    context.ict |= ict_fiches
    appellation_prefix = rome_iri(base, "appellation", "")
    for child, broader in parents.items():
        if child.startswith(appellation_prefix) and any(b in ict_fiches for b in broader):
            context.ict.add(child)
    items = (rome_iri(base, "competence", ""), rome_iri(base, "savoir", ""))
    for fiche in ict_fiches:
        for quad in store.quads_for_pattern(ox.NamedNode(fiche), None, None, None):
            if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(items):
                context.ict.add(quad.object.value)
    for path in ICT_COLLECTIONS:
        for quad in store.quads_for_pattern(ox.NamedNode(rome_iri(base, "collection", path)), OX.SKOS.member, None, None):
            context.ict.add(quad.object.value)
    for quad in store.quads_for_pattern(ox.NamedNode(rome_iri(base, "collection", CREDENTIALS)), OX.SKOS.member, None, None):
        context.credentials.add(quad.object.value)


def _reaches(concept: str, roots: set[str], parents: dict[str, list[str]], memo: dict[str, bool]) -> bool:
    """Whether ``concept`` has one of ``roots`` among its broader concepts, at any depth (or is one)."""
    stack, seen, found = [concept], set(), False
    while stack:
        current = stack.pop()
        if current in roots or current.startswith(ICT_KNOWLEDGE) or memo.get(current):
            found = True
            break
        if current in seen:
            continue
        seen.add(current)
        stack.extend(parents.get(current, ()))
    if found:
        memo[concept] = True
    return found
