"""Reading job-profile documents: bytes → decoded text with its structure (headings, list items).

Each reader returns ``Block``s; ``Document.text`` is the blocks joined by newlines, and every
block records its offsets in that text, so that evidence offsets point into ``Document.text``.
"""
from __future__ import annotations

import codecs
from bisect import bisect_right
import hashlib
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rolegraph.core.errors import NOT_REGULAR, InputError
from rolegraph.core.settings import BY_NAME

from .boilerplate import main_blocks
from .language import READ, detect_language

#: Files larger than this are refused with a clear error rather than read (the text of a job
#: profile is a few kB; a huge file is a mistake or an attack). ``build`` takes the setting.
MAX_BYTES = BY_NAME["max_document_bytes"].default


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "item" or "paragraph"
    text: str
    start: int
    end: int


@dataclass
class Document:
    path: str
    name: str
    media_type: str
    checksum: str
    text: str
    blocks: list[Block]
    language: str
    title: str | None = None
    encoding: str = "utf-8"
    size: int = 0
    sections: list[tuple[int, str]] = field(default_factory=list)

    def section_at(self, offset: int) -> str | None:
        """The heading of the section that contains ``offset``, if any (``sections`` is in text order)."""
        # A binary search: a scan per evidence made long documents quadratic.
        index = bisect_right(self.sections, offset, key=_section_start) - 1
        return self.sections[index][1] if index >= 0 else None


def _section_start(section: tuple[int, str]) -> int:
    return section[0]


# ---------------------------------------------------------------- decoding

def shown(path: str | os.PathLike) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not UTF-8
    become U+FFFD (they would make the graph unserialisable)."""
    return os.fsencode(path).decode("utf-8", "replace")


def _as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode the bytes that are not UTF-8 as cp1252 (Latin-1 where cp1252 has no character)."""
    chunk = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in chunk), error.end


codecs.register_error("rolegraph-cp1252", _as_cp1252)


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(data: bytes) -> bool:
    """Whether the non-ASCII bytes are mostly well-formed UTF-8 sequences (a UTF-8 file with some
    pasted cp1252 text), rather than a cp1252 file in which UTF-8 sequences would be an accident."""
    valid = sum(map(len, _UTF8_SEQUENCE.findall(data)))
    return valid > len(_HIGH_BYTE.findall(data)) - valid


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes as UTF-8, or as cp1252/Latin-1 when they are not UTF-8; refuse binary data.
    A file of mixed encodings (UTF-8 with cp1252 passages) is read as UTF-8, its other bytes as cp1252."""
    if not data.strip():
        raise InputError("empty document", file=path)
    sample = data[:8192]
    if b"\x00" in sample:
        raise InputError("binary file (NUL bytes), not a text document", file=path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if _mostly_utf8(data):
            text, encoding = data.decode("utf-8", "rolegraph-cp1252"), "utf-8+cp1252"
        else:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
    controls = len(_CONTROLS.findall(text, 0, 8192))
    if controls > max(8, len(text[:8192]) // 50):
        raise InputError("binary file (control characters), not a text document", file=path)
    return unicodedata.normalize("NFC", text), encoding


#: The control characters (Unicode's category Cc: U+0000-001F and U+007F-009F) other than line breaks,
#: tabs and form feeds; a regular expression counts them where a category look-up per character took 1%
#: of reading and extracting a document.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------- block readers

_BULLET = re.compile(r"^\s*(?:[-*•·▪►‣–—]|\d{1,2}[.)])\s+")
_HEADING_MD = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def _plain_blocks(text: str, markdown: bool = False) -> list[tuple[str, str]]:
    """Split plain text into (kind, text) blocks: one per non-empty line; in Markdown, the lines of
    a paragraph (up to a blank line) are one block, as Markdown defines them."""
    blocks: list[tuple[str, str]] = []
    previous_blank = True
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        continues = markdown and not previous_blank and blocks and blocks[-1][0] in ("paragraph", "item") \
            and not _HEADING_MD.match(raw) and not _BULLET.match(raw)
        previous_blank = False
        if continues:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + " " + line)
            continue
        heading = _HEADING_MD.match(raw) if markdown else None
        if heading:
            blocks.append(("heading", heading.group(2).strip()))
        elif _BULLET.match(raw):
            blocks.append(("item", _BULLET.sub("", raw, count=1).strip()))
        elif not markdown and _looks_like_heading(line):
            blocks.append(("heading", line))
        else:
            blocks.append(("paragraph", line))
    return blocks


def _looks_like_heading(line: str) -> bool:
    """Short lines without a final full stop: titles and questions used as section titles."""
    if len(line) > 110 or line.endswith((".", ",", ";")):
        return False
    words = line.split()
    return 1 <= len(words) <= 16 and (line.endswith(("?", ":")) or len(words) <= 8)


class _HTMLBlocks(HTMLParser):
    SKIP = {"script", "style", "nav", "noscript", "template", "iframe", "svg", "footer", "form", "button"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    BLOCKS = {"p", "div", "section", "article", "main", "li", "td", "th", "tr", "dd", "dt", "br", "blockquote",
              "pre", "table", "ul", "ol", "header", "aside", "figcaption", "title"} | HEADINGS

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.skip_depth = 0
        self.kind_stack: list[str] = []
        self.buffer: list[str] = []
        self.title: str | None = None
        self._in_title = False
        self._in_head = False

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            kind = self.kind_stack[-1] if self.kind_stack else "paragraph"
            self.blocks.append((kind, text))

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "head":
            self._in_head = True
        if tag == "title":
            self._in_title = True
            self.buffer = []
        if tag in self.BLOCKS and not self._in_head:
            self._flush()
            if tag in self.HEADINGS:
                self.kind_stack.append("heading")
            elif tag == "li":
                self.kind_stack.append("item")

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self.skip_depth:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "head":
            self._in_head = False
            self.buffer = []
            return
        if tag == "title":
            self._in_title = False
            self.title = re.sub(r"\s+", " ", "".join(self.buffer)).strip() or None
            self.buffer = []
            return
        if self._in_head:
            return
        if tag in self.BLOCKS:
            self._flush()
            if (tag in self.HEADINGS or tag == "li") and self.kind_stack:
                self.kind_stack.pop()

    def handle_data(self, data):
        if not self.skip_depth and (self._in_title or not self._in_head):
            self.buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def _html_blocks(text: str) -> tuple[list[tuple[str, str]], str | None]:
    parser = _HTMLBlocks()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, RecursionError):  # malformed markup: keep what was read
        parser._flush()
    return parser.blocks, parser.title


def _pdf_text(data: bytes, path: str) -> str:
    from pypdf import PdfReader  # only PDF input needs it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"unreadable PDF: {exc}", file=path) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise InputError("PDF without a text layer (scanned image?)", file=path)
    return text


# ---------------------------------------------------------------- format registry

def _read_text(data, path):
    text, encoding = decode(data, path)
    return _plain_blocks(text), None, encoding


def _read_markdown(data, path):
    text, encoding = decode(data, path)
    return _plain_blocks(text, markdown=True), None, encoding


def _read_html(data, path):
    text, encoding = decode(data, path)
    blocks, title = _html_blocks(text)
    return main_blocks(text, blocks), title, encoding


def _read_pdf(data, path):
    if not data.startswith(b"%PDF"):
        raise InputError("not a PDF file (no %PDF header)", file=path)
    return _plain_blocks(_pdf_text(data, path)), None, "pdf"


#: Extension → (media type, reader). One row per supported format.
FORMATS: dict[str, tuple[str, Callable]] = {
    ".txt": ("text/plain", _read_text),
    ".text": ("text/plain", _read_text),
    ".md": ("text/markdown", _read_markdown),
    ".markdown": ("text/markdown", _read_markdown),
    ".html": ("text/html", _read_html),
    ".htm": ("text/html", _read_html),
    ".pdf": ("application/pdf", _read_pdf),
}


def read_document(path: str | os.PathLike, max_bytes: int | None = None) -> Document:
    """Read one file into a ``Document``; raise ``InputError`` naming the file when it cannot be.
    Files over ``max_bytes`` (default ``MAX_BYTES``) and anything but a regular file (a FIFO, a
    device) are refused without being read."""
    path = Path(path)
    name = shown(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(FORMATS))}",
                         file=name)
    data = _read_bytes(path, name, MAX_BYTES if max_bytes is None else max_bytes)
    media_type, reader = FORMATS[suffix]
    raw_blocks, title, encoding = reader(data, name)
    return assemble(name, media_type, data, raw_blocks, title, encoding)


def read_bytes(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """The bytes of the file at ``path``, refused as ``read_document`` refuses them (too large, not a
    regular file, unreadable): what its checksum is taken of."""
    return _read_bytes(Path(path), shown(path), MAX_BYTES if max_bytes is None else max_bytes)


def _read_bytes(path: Path, name: str, limit: int) -> bytes:
    # Opened without blocking and checked on the open descriptor: a FIFO would block the build
    # forever and /dev/zero would fill the memory, whatever the path looked like a moment before.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise InputError(NOT_REGULAR, file=name)
            if status.st_size > limit:
                raise InputError(f"file too large ({status.st_size} bytes; the limit is {limit})", file=name)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=name) from exc
    if len(data) > limit:  # it grew after the check
        raise InputError(f"file too large (over the limit of {limit} bytes)", file=name)
    return data


def assemble(path: str, media_type: str, data: bytes, raw_blocks: Iterable[tuple[str, str]],
             title: str | None, encoding: str) -> Document:
    """Join blocks into the document text, recording offsets and section headings."""
    parts, blocks, sections, offset = [], [], [], 0
    for kind, text in raw_blocks:
        blocks.append(Block(kind, text, offset, offset + len(text)))
        if kind == "heading":
            sections.append((offset, text))
        parts.append(text)
        offset += len(text) + 1
    text = "\n".join(parts)
    if not text.strip():
        raise InputError("no text found in document", file=path)
    language = detect_language(text)
    if language not in READ:  # read as French or English it would give wrong facts
        raise InputError(f"document in another language ({language}); only French and English are read", file=path)
    if title is None:
        title = next((b.text for b in blocks if b.kind == "heading"), None) or blocks[0].text[:120]
    return Document(
        path=path, name=os.path.basename(path), media_type=media_type,
        checksum=hashlib.sha256(data).hexdigest(), text=text, blocks=blocks,
        language=language, title=title, encoding=encoding, size=len(data), sections=sections,
    )


def expand_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files named by ``paths``, directories walked recursively in name order; unsupported files
    inside directories are skipped, but a file named explicitly is always yielded."""
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and Path(name).suffix.lower() in FORMATS:
                        yield Path(root) / name
        else:
            yield given
