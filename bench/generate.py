"""A deterministic synthetic graph in our model, for comparing SPARQL engines at a known size.

Roles, skills, knowledge and soft skills (skills in a ``skos:broader`` tree), tools with categories,
15–30 competencies and a few tools per role, career links, salary ranges, every role fact reified
as an ``rg:Claim`` with ``rg:supportCount`` and ``rg:Evidence`` in source documents, and English and
French labels: what a build of real documents writes, at a size we choose. Same seed, same bytes.

    python bench/generate.py --scale small|full [--seed 7] -o graph.nq

Entities are numbered; ``subjects(scale)`` names the ones the comparison binds queries to.
"""
from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rolegraph.core.naming import DEFAULT_BASE
from rolegraph.core.vocabulary import RG_URI

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = ox.NamedNode(DEFAULT_BASE + "graph/synthetic")


@dataclass(frozen=True)
class Scale:
    roles: int
    skills: int
    knowledge: int
    soft_skills: int
    tools: int
    documents: int


#: ~100k triples (small) and ~0.8M (full).
SCALES = {
    "small": Scale(roles=160, skills=400, knowledge=150, soft_skills=30, tools=200, documents=80),
    "full": Scale(roles=1400, skills=2500, knowledge=800, soft_skills=60, tools=900, documents=700),
}
CATEGORIES = ("language", "framework", "database", "cloud", "devops", "vcs", "messaging", "protocol", "os", "other")
SYLLABLES = ("ka", "lo", "mi", "ra", "te", "vu", "zo", "ne", "pi", "sa", "do", "fe", "gu", "ha", "ji", "ku")
SKILL_NOUNS = (("analysis", "analyse"), ("design", "conception"), ("testing", "test"), ("tuning", "optimisation"),
               ("modelling", "modélisation"), ("operations", "exploitation"), ("security", "sécurité"))
ROLE_NOUNS = (("engineer", "ingénieur"), ("developer", "développeur"), ("architect", "architecte"),
              ("analyst", "analyste"), ("administrator", "administrateur"))


def rg(name: str) -> ox.NamedNode:
    return ox.NamedNode(RG_URI + name)


def skos(name: str) -> ox.NamedNode:
    return ox.NamedNode(SKOS + name)


def iri(kind: str, number: int) -> ox.NamedNode:
    return ox.NamedNode(f"{DEFAULT_BASE}{kind}/syn-{number:05d}")


def word(number: int) -> str:
    """A pronounceable word, distinct for every number."""
    letters = ""
    number += len(SYLLABLES)  # at least two syllables
    while number:
        number, digit = divmod(number, len(SYLLABLES))
        letters += SYLLABLES[digit]
    return letters


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def subjects(scale: str) -> dict[str, str]:
    """IRIs and labels that exist at every seed: what queries are bound to."""
    return {"role": iri("role", 1).value, "other_role": iri("role", 2).value, "tool": iri("tool", 3).value,
            "skill": iri("skill", 5).value, "tool_label": word(3).capitalize(), "document": iri("document", 1).value}


def triples(scale: Scale, seed: int):
    """Every triple of the synthetic graph, in a deterministic order."""
    rng = random.Random(seed)
    en = lambda text: ox.Literal(text, language="en")  # noqa: E731
    fr = lambda text: ox.Literal(text, language="fr")  # noqa: E731
    for name in CATEGORIES:
        yield rg("tool-" + name), skos("notation"), ox.Literal(name)
        yield rg("tool-" + name), skos("prefLabel"), en(name)
    schemes = {"period": ("year", "month", "day"), "basis": ("gross", "net"), "employment": ("salaried", "freelance")}
    for prefix, names in schemes.items():
        for name in names:
            yield rg(f"{prefix}-{name}"), skos("notation"), ox.Literal(name)
    seniorities = ("junior", "confirmed", "senior", "lead")
    for name in seniorities:
        yield rg("seniority-" + name), skos("prefLabel"), en(name)

    documents = [iri("document", n) for n in range(1, scale.documents + 1)]
    for n, document in enumerate(documents, 1):
        yield document, RDF_TYPE, rg("SourceDocument")
        yield document, rg("fileName"), ox.Literal(f"offer-{n:05d}.txt")
        yield document, ox.NamedNode(DCTERMS + "title"), ox.Literal(f"Job offer {n}")

    competencies = []
    kinds = (("skill", "Skill", scale.skills), ("knowledge", "Knowledge", scale.knowledge),
             ("soft-skill", "SoftSkill", scale.soft_skills))
    for kind, cls, count in kinds:
        for n in range(1, count + 1):
            node, stem = iri(kind, n), word(n * 7 + len(kind))
            noun_en, noun_fr = SKILL_NOUNS[n % len(SKILL_NOUNS)]
            yield node, RDF_TYPE, rg(cls)
            yield node, skos("prefLabel"), en(f"{stem.capitalize()} {noun_en}")
            yield node, skos("prefLabel"), fr(f"{noun_fr.capitalize()} {stem}")
            if kind == "skill" and n > 12:  # a tree of depth ~log(n) under 12 roots
                yield node, skos("broader"), iri(kind, rng.randrange(1, n))
            competencies.append(node)

    tools = [iri("tool", n) for n in range(1, scale.tools + 1)]
    for n, tool in enumerate(tools, 1):
        yield tool, RDF_TYPE, rg("Tool")
        yield tool, skos("prefLabel"), en(word(n).capitalize())
        yield tool, skos("prefLabel"), fr(word(n).capitalize())
        if n % 3 == 0:
            yield tool, skos("altLabel"), en(word(n).upper())
        yield tool, rg("toolCategory"), rg("tool-" + CATEGORIES[n % len(CATEGORIES)])

    roles = [iri("role", n) for n in range(1, scale.roles + 1)]
    for n, role in enumerate(roles, 1):
        noun_en, noun_fr = ROLE_NOUNS[n % len(ROLE_NOUNS)]
        yield role, RDF_TYPE, rg("Role")
        yield role, skos("prefLabel"), en(f"{word(n * 13).capitalize()} {noun_en}")
        yield role, skos("prefLabel"), fr(f"{noun_fr.capitalize()} {word(n * 13)}")

    counters = {"claim": 0, "evidence": 0, "salary": 0}

    def claim(role, prop, value):
        counters["claim"] += 1
        node = iri("claim", counters["claim"])
        support = rng.choice((1, 1, 2, 2, 3, 4, 6))
        yield role, prop, value
        yield node, RDF_TYPE, rg("Claim")
        yield node, rg("claimSubject"), role
        yield node, rg("claimPredicate"), prop
        yield node, rg("claimObject"), value
        yield node, rg("supportCount"), integer(support)
        for _ in range(min(support, 2)):
            counters["evidence"] += 1
            evidence = iri("evidence", counters["evidence"])
            start = rng.randrange(0, 5000)
            yield node, rg("hasEvidence"), evidence
            yield evidence, RDF_TYPE, rg("Evidence")
            yield evidence, rg("inDocument"), rng.choice(documents)
            yield evidence, rg("quote"), ox.Literal(f"passage {counters['evidence']} stating the fact")
            yield evidence, rg("startOffset"), integer(start)
            yield evidence, rg("endOffset"), integer(start + rng.randrange(10, 200))
            yield evidence, rg("extractor"), ox.Literal("synthetic")
            yield evidence, rg("section"), ox.Literal(rng.choice(("missions", "profile", "stack")))

    for n, role in enumerate(roles, 1):
        for value in rng.sample(competencies, rng.randint(15, 30)):
            yield from claim(role, rg("requiresCompetency"), value)
        for value in rng.sample(tools, rng.randint(3, 10)):
            yield from claim(role, rg("usesTool"), value)
        for step in rng.sample(range(1, 40), rng.randint(1, 3)):
            yield from claim(role, rg("progressesTo"), roles[(n - 1 + step) % len(roles)])
        if rng.random() < 0.5:
            yield from claim(role, rg("relatedRole"), rng.choice(roles))
        for _ in range(rng.randint(1, 3)):
            counters["salary"] += 1
            salary = iri("salary", counters["salary"])
            low = rng.randrange(28, 70) * 1000
            yield salary, RDF_TYPE, rg("SalaryRange")
            yield salary, rg("minAmount"), integer(low)
            yield salary, rg("maxAmount"), integer(low + rng.randrange(2, 20) * 1000)
            yield salary, rg("currency"), ox.Literal("EUR")
            yield salary, rg("period"), rg("period-" + rng.choice(schemes["period"]))
            yield salary, rg("basis"), rg("basis-" + rng.choice(schemes["basis"]))
            yield salary, rg("employmentType"), rg("employment-" + rng.choice(schemes["employment"]))
            yield salary, rg("seniority"), rg("seniority-" + rng.choice(seniorities))
            yield salary, rg("statedIn"), rng.choice(documents)
            yield from claim(role, rg("hasSalary"), salary)


def generate(scale: str, output: str | Path, seed: int = 7) -> int:
    """Write the graph of ``scale`` as N-Quads (one named graph) to ``output``; return the quad count."""
    count = [0]

    def quads():
        for s, p, o in triples(SCALES[scale], seed):
            count[0] += 1
            yield ox.Quad(s, p, o, GRAPH)

    ox.serialize(quads(), str(output), format=ox.RdfFormat.N_QUADS)
    return count[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    print(f"{generate(args.scale, args.output, args.seed)} quads written to {args.output}")


if __name__ == "__main__":
    main()
