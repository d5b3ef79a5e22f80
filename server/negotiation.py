"""Content negotiation: which of the formats a route offers the client gets."""
from __future__ import annotations

from typing import Sequence

from flask import Request
from werkzeug.exceptions import NotAcceptable

from rolegraph.core import formats
from rolegraph.core.formats import Format


def choose(request: Request, offered: Sequence[Format]) -> Format:
    """The offered format the client prefers: the ``format`` parameter first (for browsers that cannot
    set Accept, and the names SPARQLWrapper sends: the first value that names an offered format wins),
    then Accept q-values over each format's media types (``application/json`` is JSON-LD where graphs are
    offered); 406 when none is acceptable. A missing or */* Accept gets the first offer."""
    wanted = [value for value in request.values.getlist("format") if value]
    media_types = [f.media_type for f in offered]
    if wanted:
        for value in wanted:
            named = formats.by_parameter(value, offered)
            if named is not None:
                return named
        raise NotAcceptable(f"format {wanted[0]!r} is not offered here; offered: {', '.join(media_types)}")
    if not request.accept_mimetypes:
        return offered[0]
    # Each format's own media type before the further ones it accepts, so that */* gets the first offer.
    candidates = [(f.media_type, f) for f in offered] + [(m, f) for f in offered for m in f.accepts]
    best = request.accept_mimetypes.best_match([m for m, _ in candidates])
    if best is None:
        raise NotAcceptable(f"none of the accepted media types is offered; offered: {', '.join(media_types)}")
    return next(f for m, f in candidates if m == best)
