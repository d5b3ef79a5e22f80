"""Reading documents: formats, encodings, structure, language, and clear errors for bad input."""
import pytest

from conftest import pdf_bytes
from rolegraph.loader import documents
from rolegraph.loader.documents import expand_paths, read_document
from rolegraph.core.errors import InputError


def test_plain_text_keeps_headings_and_list_items(write):
    path = write("fiche.txt", "Compétences requises\n- Python et SQL\n- Rigueur\nIl travaille en équipe avec les testeurs.\n")
    doc = read_document(path)
    assert [b.kind for b in doc.blocks] == ["heading", "item", "item", "paragraph"]
    assert doc.section_at(doc.text.index("Rigueur")) == "Compétences requises"
    assert doc.language == "fr" and doc.media_type == "text/plain"


def test_offsets_point_into_the_text(write):
    doc = read_document(write("a.md", "# Skills\n\nThe engineer writes Terraform\nand reviews code.\n\n- Docker\n"))
    for block in doc.blocks:
        assert doc.text[block.start:block.end] == block.text
    assert doc.blocks[1].text == "The engineer writes Terraform and reviews code."  # one Markdown paragraph
    assert doc.language == "en"


def test_html_drops_scripts_styles_and_navigation(write):
    html = ("<html><head><title>Data analyst</title><style>p{}</style><script>var tracking = 1;</script></head>"
            "<body><nav>Home Jobs</nav><h2>Skills</h2><ul><li>SQL &amp; Python</li></ul>"
            "<iframe src='x'>frame text</iframe><footer>Legal</footer></body></html>")
    doc = read_document(write("p.html", html))
    assert doc.title == "Data analyst"
    assert "tracking" not in doc.text and "Home Jobs" not in doc.text and "frame text" not in doc.text
    assert [(b.kind, b.text) for b in doc.blocks] == [("heading", "Skills"), ("item", "SQL & Python")]


def test_latin1_and_cp1252_are_detected(write):
    doc = read_document(write("latin.txt", "Le développeur maîtrise les données – et l’anglais.\n", "cp1252"))
    assert "développeur" in doc.text and "’" in doc.text and doc.encoding == "cp1252"


def test_pdf_text_layer_is_read(write):
    doc = read_document(write("profile.pdf", pdf_bytes(["Cloud engineer", "Skills: Kubernetes and Terraform."])))
    assert "Kubernetes" in doc.text and doc.media_type == "application/pdf"


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", "", "empty document"),
    ("blank.md", "   \n\n  ", "empty document"),
    ("binary.txt", b"\x00\x01\x02binary\x00", "binary file"),
    ("image.png", b"\x89PNG\r\n", "unsupported file type"),
    ("broken.pdf", b"%PDF-1.4\nthis is not a pdf body", "PDF"),
    ("fake.pdf", b"hello", "not a PDF file"),
])
def test_bad_input_is_a_clear_error_naming_the_file(write, name, content, message):
    path = write(name, content)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert message in str(caught.value)
    assert caught.value.details["file"] == str(path)


def test_a_file_over_the_size_limit_is_refused_before_reading(write, monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    path = write("huge.txt", "x" * 1001)
    with pytest.raises(InputError, match="too large"):
        read_document(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read file"):
        read_document(tmp_path / "gone.txt")


def test_directories_are_walked_recursively_skipping_other_files(write, tmp_path):
    write("a/one.txt", "x")
    write("a/b/two.html", "<p>x</p>")
    write("a/b/notes.docx", "x")
    write("a/.hidden.txt", "x")
    assert [p.name for p in expand_paths([tmp_path / "a"])] == ["one.txt", "two.html"]


BOILERPLATE_PAGE = """<!doctype html><html lang="fr"><head><title>Fiche : technicienne réseau</title></head><body>
<div class="cookies"><p>Ce site dépose des traceurs pour compter ses visites. Les acceptez-vous ?</p><button>Oui</button></div>
<div class="share"><a href="#">Partager sur LinkedIn</a> <a href="#">Envoyer à un ami</a></div>
<article><h1>Technicienne réseau</h1>
<p>La technicienne réseau câble, configure et dépanne le réseau d'un site, des baies de brassage aux bornes wifi.</p>
<h2>Missions</h2><ul><li>Installer les commutateurs et les points d'accès.</li>
<li>Suivre les incidents dans l'outil de tickets GLPI et les résoudre.</li></ul>
<h2>Salaire</h2><p>Elle débute vers 2 100 € brut par mois, et gagne davantage avec quelques années de métier.</p></article>
<div class="newsletter"><h3>Inscrivez-vous à la lettre du mardi</h3>
<p>Chaque semaine, nos annonces pour des profils Python, Kotlin et Scala dans toute la France.</p></div>
<aside><h3>Sur le même sujet</h3><ul><li><a href="/x">Devenir développeuse Kotlin en un an, c'est possible</a></li>
<li><a href="/y">Combien gagne un architecte cloud en 2026 ?</a></li></ul></aside>
</body></html>"""


def test_a_web_page_keeps_its_main_content_and_drops_its_boilerplate(write):
    doc = read_document(write("page.html", BOILERPLATE_PAGE))
    assert doc.text.startswith("Technicienne réseau\nLa technicienne réseau câble")
    for boilerplate in ("traceurs", "Partager", "Inscrivez-vous", "Python", "Sur le même sujet", "architecte cloud"):
        assert boilerplate not in doc.text
    assert [b.kind for b in doc.blocks][:5] == ["heading", "paragraph", "heading", "item", "item"]
    assert doc.section_at(doc.text.index("GLPI")) == "Missions"


def test_a_page_the_extractor_cannot_read_is_read_whole(write):
    doc = read_document(write("court.html", "<p>Testeur QA</p><p>Selenium</p>"))
    assert doc.text == "Testeur QA\nSelenium"


def test_control_characters_make_a_binary_file_but_line_breaks_tabs_and_form_feeds_do_not():
    layout = "word\t\f\r\n" * 50  # 200 tabs, form feeds and line breaks in 450 characters: text
    assert documents.decode(layout.encode(), "layout.txt")[0].startswith("word")
    words = "a plain line of text " * 20
    # a vertical tab is a control, and so are the C1 controls (U+0080-009F)
    for control in ("\x0b", "\x85\x9f", "\x01\x7f"):
        with pytest.raises(InputError, match="control characters"):
            documents.decode((words + control * 12).encode(), "noisy.txt")
    # a few of them in a longer text leave it text
    assert documents.decode((words * 5 + "\x0b\x85").encode(), "fine.txt")[0]
