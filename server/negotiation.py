"""Content negotiation: a `format=` parameter (for browsers) wins over the Accept header.

The choice depends only on (format= values, Accept header, offered types, names), so it is memoised: parsing and
matching an Accept header with werkzeug costs ~0.1 ms, the largest single cost of a light /sparql request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from flask import abort, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from nckg.store.graph import FORMAT_NAMES


def choose(offered: Sequence[str], names: Mapping[str, Sequence[str]] = FORMAT_NAMES) -> str | None:
    """The media type to answer with, from `offered` (preferred first); None when none is acceptable."""
    requested = tuple(value.strip().lower() for value in request.values.getlist("format"))
    return choice(requested, request.headers.get("Accept", ""), tuple(offered), names)


def choice(requested: tuple[str, ...], accept: str, offered: tuple[str, ...],
           names: Mapping[str, Sequence[str]] = FORMAT_NAMES) -> str | None:
    """The same choice from plain values: the lowercased `format=` values and the Accept header."""
    return _choice(requested, accept, offered, _frozen(names))


def _frozen(names: Mapping[str, Sequence[str]]) -> tuple:
    return _DEFAULT_NAMES if names is FORMAT_NAMES else _Names(names)


class _Names(tuple):
    """A hashable snapshot of a format-name table (`format=` short name -> media types)."""

    def __new__(cls, names: Mapping[str, Sequence[str]]):
        return super().__new__(cls, sorted((key, tuple(values)) for key, values in names.items()))


_DEFAULT_NAMES = _Names(FORMAT_NAMES)


@lru_cache(maxsize=1024)
def _choice(requested: tuple[str, ...], accept: str, offered: tuple[str, ...], names: _Names) -> str | None:
    if requested:
        table = dict(names)
        wanted = [media for value in requested for media in table.get(value, (value,))]
        return next((media for media in wanted if media in offered), None)
    if accept.strip():
        return parse_accept_header(accept, MIMEAccept).best_match(offered)
    return offered[0]


def asked() -> str:
    """What the client asked for (the format= values, else the Accept header), for error messages."""
    return ", ".join(request.values.getlist("format")) or request.headers.get("Accept", "")


def negotiate(offered: Sequence[str], names: Mapping[str, Sequence[str]] = FORMAT_NAMES) -> str:
    """The media type to answer with, from `offered` (preferred first); 406 when none is acceptable."""
    choice = choose(offered, names)
    if choice is None:
        not_acceptable(offered)
    return choice


def not_acceptable(offered: Sequence[str]) -> None:
    """Answer 406 naming what was asked and each offered media type once."""
    abort(406, f"Cannot answer as {asked()}. Available: {', '.join(dict.fromkeys(offered))}")


def with_charset(content_type: str) -> str:
    """A text/* media type with `; charset=utf-8` (once: some serializers' media types carry it already)."""
    return content_type + "; charset=utf-8" if content_type.startswith("text/") and "charset" not in content_type \
        else content_type
