"""Unknown names read as tools or certifications from the enumeration they stand in."""
from rolegraph.loader.documents import assemble
from rolegraph.loader.extract import extract
from rolegraph.loader.extract.enumerations import LISTED_PREFIX


def doc(text: str):
    return assemble("t.txt", "text/plain", text.encode(), [("paragraph", line) for line in text.split("\n")], None, "utf-8")


def listed(text: str) -> list[tuple[str, str]]:
    return [(t.name, t.attrs["category"]) for t in extract(doc(text)).tools if t.id.startswith(LISTED_PREFIX)]


def test_an_unknown_name_among_known_tools_is_a_tool_of_their_category():
    text = "Au quotidien, elle travaille avec des cadriciels tels que Django, Flask, Quarkalo ou encore Brindle."
    assert listed(text) == [("Quarkalo", "framework"), ("Brindle", "framework")]
    found = extract(doc(text))
    assert [t.surfaces for t in found.tools if t.name == "Brindle"] == [["Brindle"]]


def test_a_bracketed_list_counts_on_its_own():
    assert listed("Our stack for scans (Trivy, SonarQube, Zorbex) is reviewed monthly.") == [("Zorbex", "devops")]


def test_a_clause_that_announces_tools_admits_names_that_are_no_word():
    text = "Outillage : détection de secrets (Vexlint, GrumbleScan)."
    assert [name for name, _ in listed(text)] == ["Vexlint", "GrumbleScan"]
    # an ordinary word is not taken for a product on the strength of the cue alone; the names beside it are
    assert [name for name, _ in listed("Outillage : détection de secrets (Vexlint, Lanterne).")] == ["Vexlint"]
    assert listed("Outillage : détection de secrets (Lanterne, Boussole).") == []


def test_prose_and_lists_of_other_things_give_no_tools():
    assert listed("Elle aime la Bretagne, la Normandie et la Provence.") == []
    assert listed("Our teams in Lyon, Nantes and Lille use Python and Java.") == []
    assert listed("Skills: Python, Java, Improve Everything, 960") == []
    # a word of the language numbered is a grade or a step, not a product; a numbered name still is
    assert listed("Outils : Splunk, Python, Level 2, Phase 3.") == []
    assert [name for name, _ in listed("Outils : Splunk, Python, Zabbo 7.")] == ["Zabbo 7"]
    # lowercase words and long items are not product names
    assert listed("We use Python, Java, various scripts and a handful of internal utilities.") == []


def test_the_verb_that_introduces_an_enumeration_is_not_part_of_its_first_item():
    found = extract(doc("Useful certifications include CompTIA Security+, CompTIA CySA+ and GIAC GXQZ."))
    assert "GIAC GXQZ" in {c.name for c in found.certifications}


def test_a_name_the_lexicon_knows_keeps_its_entry():
    found = extract(doc("Langages : Python, Java, Kotlin."))
    assert not [t for t in found.tools if t.id.startswith(LISTED_PREFIX)]
    assert {"Python", "Java", "Kotlin"} <= {t.name for t in found.tools}


def test_an_unknown_name_in_a_list_of_certifications_is_a_certification():
    found = extract(doc("Key certifications: CBAP (the reference), PMI-QRX, Zentral Pro, and many more."))
    names = {c.name for c in found.certifications if c.id.startswith(LISTED_PREFIX)}
    assert names == {"PMI-QRX", "Zentral Pro"}  # an issuer's name inside a longer one does not hide it
    assert not [t for t in found.tools if t.id.startswith(LISTED_PREFIX)]


def test_the_name_of_a_bracketed_group_is_no_item_of_the_list():
    text = "Outillage : QLX (Zorbex, Vexlint), YMR (Trivy, Grumblex)."
    assert [name for name, _ in listed(text)] == ["Zorbex", "Vexlint", "Grumblex"]


def test_a_cue_looked_up_by_position_is_found_as_a_search_would_find_it():
    from rolegraph.loader.extract.enumerations import CUES, _cue_within
    from rolegraph.loader.labels import fold

    text = fold("Nos outils : Grafana, Loki. Pas de logicielx ici; les certifications AWS. Unoutil collé, toolbox")
    for cue in CUES.values():
        starts = [m.start() for m in cue.finditer(text)]
        for pos in range(0, len(text), 3):
            for end in range(pos, len(text) + 1, 4):
                assert _cue_within(cue, starts, text, pos, end) == bool(cue.search(text, pos, end)), (pos, end)
