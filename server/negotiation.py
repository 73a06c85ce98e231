"""Content negotiation: a `format=` parameter (for browsers) wins over the Accept header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import abort, request

from nckg.store import FORMAT_NAMES


def choose(offered: Sequence[str], names: Mapping[str, Sequence[str]] = FORMAT_NAMES) -> str | None:
    """The media type to answer with, from `offered` (preferred first); None when none is acceptable."""
    requested = [value.strip().lower() for value in request.values.getlist("format")]
    if requested:
        wanted = [media for value in requested for media in names.get(value, (value,))]
        return next((media for media in wanted if media in offered), None)
    if request.accept_mimetypes:
        return request.accept_mimetypes.best_match(offered)
    return offered[0]


def asked() -> str:
    """What the client asked for (the format= values, else the Accept header), for error messages."""
    return ", ".join(request.values.getlist("format")) or request.headers.get("Accept", "")


def negotiate(offered: Sequence[str], names: Mapping[str, Sequence[str]] = FORMAT_NAMES) -> str:
    """The media type to answer with, from `offered` (preferred first); 406 when none is acceptable."""
    choice = choose(offered, names)
    if choice is None:
        abort(406, f"Cannot answer as {asked()}. Available: {', '.join(offered)}")
    return choice
