"""The language of a page (``?lang=fr|en``, then Accept-Language, then English), the interface's words in
French and English, and labels picked in that language with the other one as a marked fallback."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request
from markupsafe import Markup, escape

#: The languages of the interface; the first is the default.
LANGUAGES = ("en", "fr")

#: The interface's words: key → (English, French). A "{n}" is a count; "{s}" is the plural ending.
MESSAGES: dict[str, tuple[str, str]] = {
    "nav.home": ("Home", "Accueil"),
    "nav.query": ("Query", "Requêtes"),
    "nav.downloads": ("Downloads", "Téléchargements"),
    "nav.ontology": ("Ontology", "Ontologie"),
    "nav.void": ("VoID", "VoID"),
    "nav.sparql": ("SPARQL endpoint", "Point d'accès SPARQL"),
    "nav.main": ("Main", "Principal"),
    "switch.label": ("Language", "Langue"),
    "search.label": ("Search roles, skills and tools", "Chercher un métier, une compétence, un outil"),
    "search.button": ("Search", "Chercher"),
    "search.title": ("Search", "Recherche"),
    "search.results": ("{n} result{s} for", "{n} résultat{s} pour"),
    "search.none": ("Nothing in the graph has a label like", "Rien dans le graphe ne porte un libellé comme"),
    "search.empty": ("Type a word of a role, skill or tool, in French or English.",
                     "Tapez un mot d'un métier, d'une compétence ou d'un outil, en français ou en anglais."),
    "search.matched": ("matched", "trouvé par"),
    "query.title": ("Query", "Requêtes"),
    "query.heading": ("Query the graph", "Interroger le graphe"),
    "query.start_from": ("Start from a named query:", "Partir d'une requête nommée :"),
    "query.sparql": ("SPARQL query", "Requête SPARQL"),
    "query.prefixes": ("The project's prefixes are declared for you ({prefixes}); a PREFIX line of your own "
                       "takes precedence.", "Les préfixes du projet sont déclarés pour vous ({prefixes}) ; une "
                       "ligne PREFIX de votre part l'emporte."),
    "query.run": ("Run", "Exécuter"),
    "query.run_hint": ("Ctrl+Enter runs the query. Queries see the union of all graphs.",
                       "Ctrl+Entrée exécute la requête. Les requêtes voient l'union de tous les graphes."),
    "query.results": ("Results", "Résultats"),
    "query.download": ("Download:", "Télécharger :"),
    "query.yes": ("yes", "oui"),
    "query.no": ("no", "non"),
    "query.rows": ("{n} row{s}", "{n} ligne{s}"),
    "query.triples": ("{n} triple{s}", "{n} triplet{s}"),
    "query.first_shown": (", the first {n} shown", ", les {n} premiers affichés"),
    "query.named": ("Named queries", "Requêtes nommées"),
    "query.named_note": ("Each runs here with its form, and at {link} as a JSON API.",
                         "Chacune s'exécute ici avec son formulaire, et à {link} comme API JSON."),
    "query.run_named": ("Run {name}", "Exécuter {name}"),
    "footer.about": ("rolegraph — an open knowledge graph of IT job roles. Every fact links to the passages that "
                     "state it.", "rolegraph — un graphe de connaissances ouvert des métiers de l'informatique. "
                     "Chaque fait renvoie aux passages qui l'énoncent."),
    "fallback": ("not available in English; shown in French", "pas de libellé en français ; affiché en anglais"),
    "kind.skill": ("skill", "savoir-faire"),
    "kind.knowledge": ("knowledge", "savoir"),
    "kind.soft skill": ("soft skill", "savoir-être"),
    "kind.role": ("role", "métier"),
    "kind.tool": ("tool", "outil"),
    "kind.competency": ("competency", "compétence"),
    "kind.qualification": ("qualification", "qualification"),
    "role.codes": ("Codes", "Codes"),
    "role.no_codes": ("Not linked to ESCO or ROME yet", "Pas encore relié à l'ESCO ni au ROME"),
    "role.summary": ("Stated by {n} source document{s}.", "Énoncé par {n} document{s} source."),
    "role.top_skills": ("Top skills", "Compétences principales"),
    "role.top_skills_note": ("by number of sources", "par nombre de sources"),
    "role.tools": ("Tools by category", "Outils par catégorie"),
    "role.salary_range": ("Salary range", "Fourchette de salaire"),
    "role.no_competencies": ("No document states competencies for this role.",
                             "Aucun document n'énonce de compétence pour ce métier."),
    "role.no_tools": ("No document names tools for this role.", "Aucun document ne cite d'outil pour ce métier."),
    "role.no_salary": ("No document states a salary for this role.",
                       "Aucun document n'indique de salaire pour ce métier."),
    "role.all_competencies": ("All {n} competencies", "Les {n} compétences"),
    "role.more_tools": ("+{n} more", "+{n} autres"),
    "role.career": ("Career picture", "Parcours professionnel"),
    "role.career_note": ("roles leading here on the left, roles this one leads to on the right",
                         "à gauche les métiers qui y mènent, à droite ceux auxquels il mène"),
    "role.no_career": ("No document relates this role to another.", "Aucun document ne relie ce métier à un autre."),
    "role.career_of": ("Career picture of {label}", "Parcours autour de {label}"),
    "role.salaries": ("Salaries", "Salaires"),
    "role.salaries_note": ("one chart per currency, on one scale; gross and net are marked, never converted; "
                           "no exchange rate",
                           "un graphique par devise, sur une même échelle ; brut et net sont marqués, jamais "
                           "convertis ; aucun taux de change"),
    "role.qualifications": ("Diplomas, trainings and certifications", "Diplômes, formations et certifications"),
    "role.no_qualifications": ("No document names a way into this role.",
                               "Aucun document ne cite de voie d'accès à ce métier."),
    "rel.progression": ("progression", "évolution"),
    "rel.management track": ("management track", "filière management"),
    "rel.specialisation": ("specialisation", "spécialisation"),
    "rel.related": ("related", "métier connexe"),
    "rel.collaborator": ("collaborator", "collabore avec"),
    "col.competency": ("competency", "compétence"),
    "col.kind": ("kind", "type"),
    "col.sources": ("sources", "sources"),
    "col.documents": ("documents", "documents"),
    "col.diploma": ("diploma", "diplôme"),
    "col.french_level": ("French level", "niveau français"),
    "col.eqf_level": ("EQF level", "niveau CEC"),
    "col.evidence": ("evidence", "preuves"),
    "col.training": ("training", "formation"),
    "col.type": ("type", "type"),
    "col.certification": ("certification", "certification"),
    "col.issuer": ("issuer", "délivrée par"),
    "col.role": ("role", "métier"),
    "col.how": ("how", "comment"),
    "q.diplomas": ("Diplomas", "Diplômes"),
    "q.trainings": ("Trainings", "Formations"),
    "q.certifications": ("Certifications", "Certifications"),
    "details": ("Details", "Détails"),
    "details.properties": ("All properties ({n})", "Toutes les propriétés ({n})"),
    "details.incoming": ("Referred to by ({n})", "Cité par ({n})"),
    "details.evidence": ("{n} passage{s} of the source documents state the facts above",
                         "{n} passage{s} des documents sources énoncent les faits ci-dessus"),
    "details.first": ("The first {shown} of {n}.", "Les {shown} premiers sur {n}."),
    "labels": ("Labels", "Libellés"),
    "labels.language": ("language", "langue"),
    "labels.preferred": ("preferred", "préféré"),
    "labels.alternative": ("alternative", "autres"),
    "as_data": ("As data", "En données"),
    "links": ("ESCO and ROME", "ESCO et ROME"),
    "roles_for": ("Roles that need it", "Métiers qui en ont besoin"),
    "evidence": ("Evidence", "Preuves"),
    "graph": ("Named graph", "Graphe nommé"),
    "salary.any_level": ("any level", "tout niveau"),
    "salary.gross": ("gross", "brut"),
    "salary.net": ("net", "net"),
    "salary.unknown": ("gross or net not stated", "brut ou net non précisé"),
    "salary.per.year": ("a year", "par an"),
    "salary.per.month": ("a month", "par mois"),
    "salary.per.day": ("a day", "par jour"),
    "salary.per.hour": ("an hour", "de l'heure"),
    "salary.yearly": ("yearly", "annuel"),
    "salary.daily": ("day rate", "taux journalier"),
    "salary.hourly": ("hourly", "horaire"),
    "salary.salaried": ("salaried", "salarié"),
    "salary.freelance": ("freelance", "indépendant"),
    "salary.up_to": ("up to", "jusqu'à"),
    "salary.from": ("from", "à partir de"),
    "salary.stated": ("stated", "énoncé"),
    "salary.months": ("× 12 months", "× 12 mois"),
    "salary.legend": ("Solid bars: gross; hatched: net; pale: not stated.",
                      "Barres pleines : brut ; hachurées : net ; pâles : non précisé."),
    "not_found": ("Not found", "Introuvable"),
    "not_found.text": ("The graph holds nothing about", "Le graphe ne contient rien sur"),
    "not_found.back": ("Back to what the graph holds", "Retour à ce que contient le graphe"),
    "attribution.esco": ("This service uses the ESCO classification of the European Commission.",
                         "Ce service utilise la classification ESCO de la Commission européenne."),
    "attribution.rome": ("ROME (Répertoire Opérationnel des Métiers et des Emplois) data: France Travail, under the "
                         "Licence Ouverte / Open Licence.",
                         "Données du ROME (Répertoire Opérationnel des Métiers et des Emplois) : France Travail, "
                         "sous Licence Ouverte / Open Licence."),
}


def register(app: Flask) -> None:
    """Pick each request's language, vary HTML answers on Accept-Language, and give the templates
    ``t`` (a word of the interface), ``lang`` and ``language_url``."""
    @app.before_request
    def _language() -> None:
        g.lang = negotiate()

    @app.after_request
    def _vary(response):
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
        return response

    # Globals rather than context, so that imported macros see them too.
    app.add_template_global(text, "t")
    app.add_template_global(language_url, "language_url")

    @app.context_processor
    def _language_of_page() -> dict:
        return {"lang": current()}


def negotiate() -> str:
    """``?lang`` when it names one of ours, else the best of Accept-Language, else English."""
    wanted = (request.args.get("lang") or "").strip().lower()
    if wanted in LANGUAGES:
        return wanted
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current() -> str:
    return getattr(g, "lang", None) or LANGUAGES[0]


def text(key: str, n: int | None = None, **values) -> str:
    """The interface's word ``key`` in the page's language; ``n`` fills "{n}" and its plural ending."""
    english, french = MESSAGES[key]
    words = french if current() == "fr" else english
    if n is not None:
        values.update(n=n, s="" if abs(n) < 2 else "s")
    if any(isinstance(v, Markup) for v in values.values()):
        return Markup(escape(words)).format(**values)  # markup given (a link) stays; the rest is escaped
    return words.format(**values) if values else words


def language_url(lang: str) -> str:
    """This page in ``lang``: the same path and parameters, ``lang`` replaced."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


def pick(english: str | None, french: str | None) -> tuple[str, str | None]:
    """The label in the page's language, else the other one: (label, language of the fallback or None)."""
    first, second = (french, english) if current() == "fr" else (english, french)
    if first:
        return first, None
    return (second or ""), ("en" if current() == "fr" else "fr") if second else None


def localise(rows: list[dict], english: str = "label", french: str = "labelFr") -> list[dict]:
    """Each row with ``name`` (its label in the page's language) and ``fallback`` (the language shown
    instead, when the label is missing in the page's one)."""
    for row in rows:
        row["name"], row["fallback"] = pick(row.get(english), row.get(french))
    return rows
