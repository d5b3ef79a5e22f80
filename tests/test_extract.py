"""Extraction on documents we wrote (data/samples): other roles, both languages, every category."""
from conftest import SAMPLES
from rolegraph.loader.documents import read_document
from rolegraph.loader.extract import extract


def names(items):
    return {i.name for i in items}


def test_french_devops_profile():
    found = extract(read_document(SAMPLES / "ingenieur-devops.md"))
    assert found.document.language == "fr"
    assert found.main_role.name == "DevOps engineer"
    assert {"Docker", "Kubernetes", "Terraform", "Ansible", "Prometheus", "AWS"} <= names(found.tools)
    assert {"Infrastructure as code", "Rigor", "Autonomy", "Teamwork"} <= names(found.competencies)
    assert {"BTS SIO", "Master's degree in computer science", "Engineering degree"} <= names(found.diplomas)
    assert {"Certified Kubernetes Administrator", "AWS Certified DevOps Engineer"} <= names(found.certifications)
    relations = {r.name: r.attrs["relation"] for r in found.related_roles}
    assert relations["Cloud engineer"] == "related" and relations["Site reliability engineer"] == "progression"
    salaries = [(s.min, s.max, s.currency, s.period, s.level) for s in found.salaries]
    assert salaries == [(38000, 45000, "EUR", "year", "junior"), (60000, 75000, "EUR", "year", "senior"),
                        (450, 650, "EUR", "day", "freelance")]


def test_english_data_engineer_page():
    found = extract(read_document(SAMPLES / "data-engineer.html"))
    assert found.document.language == "en" and found.document.title == "Data engineer: job profile"
    assert found.main_role.name == "Data engineer"
    assert {"Apache Airflow", "Apache Spark", "Kafka", "Snowflake", "Python", "SQL"} <= names(found.tools)
    assert {"Data architect", "Data scientist"} <= names(found.related_roles)
    assert "Bootcamp" in names(found.trainings)
    assert [(s.min, s.max, s.currency) for s in found.salaries] == [(85000, 85000, "USD"), (130000, 160000, "USD")]


def test_evidence_quotes_are_the_text_at_their_offsets():
    found = extract(read_document(SAMPLES / "administrateur-systemes.txt"))
    text = found.document.text
    for item in [found.main_role, *found.tools, *found.competencies, *found.diplomas]:
        for ev in item.evidence:
            assert text[ev.start:ev.end] == ev.quote


def test_json_follows_the_evaluation_schema():
    data = extract(read_document(SAMPLES / "administrateur-systemes.txt")).to_json()
    assert set(data) == {"doc", "lang", "main_role", "related_roles", "skills", "tools", "diplomas", "trainings",
                         "certifications", "salaries", "notes"}
    assert data["doc"] == "administrateur-systemes.txt" and data["lang"] == "fr"
    assert all(set(t) == {"name", "surface", "category"} for t in data["tools"])
    assert data["salaries"][0] == {"min": 2200, "max": 2600, "currency": "EUR", "period": "month",
                                   "basis": "gross", "level": "junior", "surface": "entre 2 200 € et 2 600 €"}


def _headed(*blocks):
    from rolegraph.loader.documents import assemble
    text = "\n".join(t for _, t in blocks)
    return assemble("t.txt", "text/plain", text.encode(), list(blocks), None, "utf-8")


def test_what_a_list_of_sources_names_is_no_skill_of_the_job():
    found = extract(_headed(("heading", "Skills"), ("paragraph", "Statistics and SQL are used every day."),
                            ("heading", "Sources"), ("paragraph", "Journal of Applied Statistics; PostgreSQL manual")))
    assert [ev.section for c in found.competencies if c.name == "Statistics" for ev in c.evidence] == ["Skills"]
    assert [t.name for t in found.tools if t.name == "PostgreSQL"] == []
    # a heading that only starts with the word is an ordinary section
    found = extract(_headed(("heading", "Sources of data we maintain"), ("paragraph", "PostgreSQL clusters.")))
    assert [t.name for t in found.tools] == ["PostgreSQL"]
