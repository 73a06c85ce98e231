"""Content negotiation: a `format=` parameter (for browsers) wins over the Accept header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import abort, request

from nckg.store import FORMAT_NAMES


def negotiate(offered: Sequence[str], names: Mapping[str, Sequence[str]] = FORMAT_NAMES) -> str:
    """The media type to answer with, from `offered` (preferred first); 406 when none is acceptable."""
    requested = [value.strip().lower() for value in request.values.getlist("format")]
    if requested:
        wanted = [media for value in requested for media in names.get(value, (value,))]
        choice = next((media for media in wanted if media in offered), None)
    elif request.accept_mimetypes:
        choice = request.accept_mimetypes.best_match(offered)
    else:
        choice = offered[0]
    if choice is None:
        asked = ", ".join(requested) or request.headers.get("Accept", "")
        abort(406, f"Cannot answer as {asked}. Available: {', '.join(offered)}")
    return choice
