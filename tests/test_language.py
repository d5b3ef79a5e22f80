"""Language detection: French and English told apart, other languages named, short lists not misread."""
import pytest

from rolegraph.core.errors import InputError
from rolegraph.loader.documents import read_document
from rolegraph.loader.language import detect_language


@pytest.mark.parametrize("text,code", [
    ("Le développeur conçoit les applications et travaille avec l'équipe produit sur les évolutions.", "fr"),
    ("The developer designs the applications and works with the product team on new features.", "en"),
    ("Der Entwickler entwirft die Anwendungen und arbeitet mit dem Produktteam an neuen Funktionen, "
     "die von den Kunden gewünscht werden, und er testet sie jeden Tag mit seinen Kollegen im Büro.", "de"),
    ("El desarrollador diseña las aplicaciones y trabaja con el equipo de producto en las nuevas funciones "
     "que piden los clientes, y las prueba cada día con sus compañeros en la oficina.", "es"),
])
def test_the_language_of_prose_is_named(text, code):
    assert detect_language(text) == code


def test_a_short_list_of_names_is_read_as_french_or_english():
    assert detect_language("Python, SQL, Docker") in ("fr", "en")


def test_a_document_in_another_language_is_reported_naming_file_and_language(write):
    path = write("stelle.txt", "Der Entwickler entwirft die Anwendungen und arbeitet mit dem Produktteam an neuen "
                               "Funktionen, die von den Kunden gewünscht werden, und testet sie jeden Tag.\n")
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert "(de)" in str(caught.value) and caught.value.details["file"] == str(path)


def test_the_document_language_is_recorded(write):
    doc = read_document(write("fiche.txt", "Le technicien assure le support des utilisateurs et la maintenance du parc.\n"))
    assert doc.language == "fr"
