"""Content negotiation: which of the formats a route offers the client gets."""
from __future__ import annotations

from typing import Sequence

from flask import Request
from werkzeug.exceptions import NotAcceptable

from rolegraph.core import formats
from rolegraph.core.formats import Format


def choose(request: Request, offered: Sequence[Format]) -> Format:
    """The offered format the client prefers: the ``format`` parameter first (for browsers that cannot
    set Accept, and the names SPARQLWrapper sends), then Accept q-values; 406 when none is acceptable.
    A missing or */* Accept gets the first offer."""
    wanted = request.values.get("format")
    media_types = [f.media_type for f in offered]
    if wanted:
        named = formats.by_parameter(wanted)
        if named in offered:
            return named
        raise NotAcceptable(f"format {wanted!r} is not offered here; offered: {', '.join(media_types)}")
    if not request.accept_mimetypes:
        return offered[0]
    best = request.accept_mimetypes.best_match(media_types)
    if best is None:
        raise NotAcceptable(f"none of the accepted media types is offered; offered: {', '.join(media_types)}")
    return offered[media_types.index(best)]
