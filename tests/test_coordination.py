"""Roles named by coordinations that share a head or a modifier."""
from rolegraph.loader.documents import assemble
from rolegraph.loader.extract import extract


def doc(text: str):
    return assemble("t.txt", "text/plain", text.encode(), [("paragraph", line) for line in text.split("\n")], None, "utf-8")


def roles(text: str) -> set[str]:
    found = extract(doc(text))
    return {found.main_role.name, *(r.name for r in found.related_roles)} if found.main_role else set()


def test_an_english_modifier_borrows_the_head_that_follows():
    text = "Should you train as a front-end or back-end developer? Front-end developers shape what users see."
    found = extract(doc(text))
    assert found.main_role.name == "Front-end developer"
    assert [r.name for r in found.related_roles] == ["Back-end developer"]
    assert "front-end or back-end developer" in found.main_role.surfaces


def test_a_french_head_is_shared_by_the_modifiers_after_it():
    assert roles("Elle a d'abord été développeuse front-end ou back-end dans une agence.") == {
        "Front-end developer", "Back-end developer"}


def test_a_shared_modifier_gives_the_second_head_its_words():
    found = roles("Our software QA analysts and testers work in pairs.")
    assert "Test engineer" in found


def test_words_that_name_no_role_add_nothing():
    assert roles("A back-end developer, rested and happy, ships on Fridays.") == {"Back-end developer"}
    assert roles("Teams in Lyon and Nantes hire back-end developers.") == {"Back-end developer"}


def test_a_longer_list_shares_the_head_with_every_conjunct():
    assert roles("Our studio employs front-end, back-end and mobile developers.") == {
        "Front-end developer", "Back-end developer", "Mobile developer"}
    assert roles("L'agence emploie des développeuses front-end, back-end et mobile.") == {
        "Front-end developer", "Back-end developer", "Mobile developer"}


def test_after_an_english_comma_a_role_stands_whole():
    found = roles("You sit with product managers, designers and testers every day.")
    assert "Product designer" not in found and "Product manager" in found
