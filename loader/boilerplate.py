"""A web page's main content: the blocks of its text that are the page's own, not its boilerplate.

Cookie banners, share buttons, "Inscrivez-vous à notre newsletter" boxes and lists of related articles
name tools and roles too ("nos offres en Python et en Java"), so reading them puts facts in the graph
that the page does not state. trafilatura, a maintained main-content extractor, says which text is the
page's own; our HTML reader keeps the structure (headings, list items) that trafilatura's plain text
drops, so a block of ours is kept when trafilatura kept its text, and a heading when what follows it is kept.
"""
from __future__ import annotations

import logging
import re

#: Below this share of the page's text, trafilatura is taken to have missed the content (a short page,
#: an unusual layout) and the page is read whole.
MIN_SHARE = 0.2
#: Blocks of fewer words than this are kept only when they are whole lines of the main text: a few
#: words may occur anywhere.
SHORT = 4

_SPACES = re.compile(r"\s+")
#: What trafilatura's text puts before a list item.
_ITEM = re.compile(r"^\s*[-*•]\s+")


class _MainText:
    """trafilatura's text of a page, compared without spaces: it breaks lines at inline markup
    ("Runs <b>Terraform</b>" comes out on two lines), so a block may span several of its lines."""

    def __init__(self, lines: list[str]) -> None:
        self.flat = "".join(lines)
        self.bounds = {0}
        offset = 0
        for line in lines:
            offset += len(line)
            self.bounds.add(offset)

    def __len__(self) -> int:
        return len(self.flat)

    def holds(self, text: str) -> bool:
        """Whether ``text`` is in the main text (as whole lines when it is short)."""
        wanted = _compact(text)
        if not wanted:
            return False
        whole = len(text.split()) < SHORT
        at = self.flat.find(wanted)
        while at >= 0:
            if not whole or (at in self.bounds and at + len(wanted) in self.bounds):
                return True
            at = self.flat.find(wanted, at + 1)
        return False


def main_blocks(html: str, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (kind, text) ``blocks`` read from ``html`` that belong to its main content."""
    main = _main_text(html)
    total = sum(len(_compact(text)) for _, text in blocks)
    if main is None or not total or len(main) < MIN_SHARE * total:
        return blocks
    kept = [main.holds(text) for _, text in blocks]
    # A heading stays with the content it introduces: trafilatura's text may leave headings out.
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i][0] == "heading" and not kept[i]:
            following = next((k for k in range(i + 1, len(blocks)) if blocks[k][0] != "heading"), None)
            kept[i] = following is not None and kept[following]
    return [block for block, keep in zip(blocks, kept) if keep]


def _main_text(html: str) -> _MainText | None:
    """The main text trafilatura finds in ``html``: its lines without list marks, a table row's
    cells ("| a | b |") as lines of their own."""
    import trafilatura  # only HTML input needs it

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its warnings are not the user's business
    try:
        text = trafilatura.extract(html, output_format="txt", include_tables=True, include_comments=False,
                                   fast=True, favor_recall=True)
    except (ValueError, RecursionError, MemoryError):  # markup it cannot parse: the page is read whole
        return None
    if not text:
        return None
    lines = []
    for line in text.splitlines():
        lines += [_compact(piece) for piece in _ITEM.sub("", line).split("|")]
    return _MainText([line for line in lines if line])


def _compact(text: str) -> str:
    return _SPACES.sub("", text)
