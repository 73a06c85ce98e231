"""Cheap lexical checks that run before any SPARQL parser sees a query: length, nesting depth, SERVICE targets.

pyoxigraph's parser and evaluator recurse: a query of ~3000 nested `{ }` groups overflows the native stack and kills
the whole process (SIGSEGV); nested blank-node property lists (`[ ?p [ ?p ... ] ]`) take exponential planning time.
The checks here reject such text with a clear message in microseconds; the worker pool (nckg.store.worker) remains the
catch-all for whatever passes them. SERVICE is refused unless its endpoint is on an explicit allowlist (none by
default), which closes server-side request forgery through federated queries.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

# Comments, strings and IRIs are opaque: brackets and keywords inside them do not count. A backslash escape outside
# strings (`ex:a\#b`, `ex:a\'b` in prefixed names) is consumed first so that it cannot open a comment or a string.
_STRING = (r"""'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""  # long strings
           r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\"""")  # short strings
_IRI = r"""<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"""
OPAQUE = re.compile(rf"""\\.|\#[^\n]*|{_STRING}|{_IRI}""", re.DOTALL)
_KEYWORD = r"(?<![\w:?$@.\-]){}(?![\w:\-])"
_TOKEN = re.compile(rf"""(?P<escape>\\.)|(?P<comment>\#[^\n]*)|(?P<string>{_STRING})|(?P<iri>{_IRI})"""
                    r"""|(?P<word>(?:\\.|[^\s{}()\[\];,.<>"'#\\])+)|(?P<other>\S)""", re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN, _CLOSE = "{([", "})]"

DEFAULT_MAX_LENGTH = 100_000
DEFAULT_MAX_NESTING = 64


class LimitExceeded(ValueError):
    """The query text is over a configured limit (length or nesting); `limit` names the setting."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


class QueryTooLong(LimitExceeded):
    pass


class QueryTooDeep(LimitExceeded):
    pass


class ServiceRefused(ValueError):
    """A SERVICE clause names an endpoint that is not on the allowlist."""


@dataclass(frozen=True)
class QueryLimits:
    """The limits applied to one ad-hoc query."""

    max_length: int = DEFAULT_MAX_LENGTH        # characters
    max_nesting: int = DEFAULT_MAX_NESTING      # depth of nested { } ( ) [ ] outside strings, IRIs and comments
    allowed_services: tuple[str, ...] = ()      # SERVICE endpoint IRIs that may be called (exact match)


@lru_cache(maxsize=64)
def without_opaque(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked out (memoised: one request asks several questions of the
    same text - cacheable? SERVICE? FROM? nesting?)."""
    return OPAQUE.sub(" ", sparql)


def uses_keyword(sparql: str, keyword: str) -> bool:
    """Whether `keyword` occurs in the query as a keyword (not inside a comment, string, IRI or name)."""
    return re.search(_KEYWORD.format(keyword), without_opaque(sparql), re.IGNORECASE) is not None


def nesting_depth(sparql: str, stop_at: int | None = None) -> int:
    """Deepest nesting of `{ ( [` outside comments, strings and IRIs (unbalanced closers are ignored).

    Scanning stops as soon as `stop_at` is exceeded (the text may be huge)."""
    depth = deepest = 0
    for char in without_opaque(sparql):
        if char in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest > stop_at:
                    break
        elif char in _CLOSE and depth:
            depth -= 1
    return deepest


def _unescape(text: str) -> str:
    """SPARQL \\u / \\U code point escapes (pyoxigraph applies them inside IRIs)."""
    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _ESCAPE.sub(char, text)


def service_targets(sparql: str) -> list[str | None]:
    """The endpoint of every SERVICE clause: the IRI (escapes decoded) or None when it is not a full IRI
    (a prefixed name, a variable, a relative IRI resolved against BASE)."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(sparql) if m.lastgroup not in ("comment", "escape")]
    targets = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "SERVICE":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            target = tokens[j] if j < len(tokens) else ("other", "")
            iri = _unescape(target[1][1:-1]) if target[0] == "iri" else None
            targets.append(iri if iri and re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri) else None)
    return targets


def check_services(sparql: str, allowed: Collection[str] = ()) -> None:
    """Raise ServiceRefused unless every SERVICE clause names an allowlisted endpoint IRI."""
    if not uses_keyword(sparql, "SERVICE"):
        return
    if not allowed:
        raise ServiceRefused("SERVICE (federated query) is not allowed on this endpoint: no remote endpoint is on "
                             "its allowlist (setting SERVICE_ALLOWLIST).")
    for target in service_targets(sparql) or [None]:
        if target is None:
            raise ServiceRefused("SERVICE must name its endpoint with a full IRI <...> from the allowlist (no "
                                 "variables, prefixed names or relative IRIs). Allowed: " + ", ".join(sorted(allowed)))
        if target not in allowed:
            raise ServiceRefused(f"SERVICE <{target}> is not allowed: the endpoint is not on this server's allowlist "
                                 "(setting SERVICE_ALLOWLIST). Allowed: " + ", ".join(sorted(allowed)))


def check_query(sparql: str, limits: QueryLimits = QueryLimits()) -> None:
    """Apply `limits` to the query text: QueryTooLong, QueryTooDeep or ServiceRefused."""
    if len(sparql) > limits.max_length:
        raise QueryTooLong(f"The query is {len(sparql)} characters long; this endpoint accepts at most "
                           f"{limits.max_length} (setting MAX_QUERY_LENGTH).", "MAX_QUERY_LENGTH")
    depth = nesting_depth(sparql, stop_at=limits.max_nesting)
    if depth > limits.max_nesting:
        raise QueryTooDeep(f"The query nests groups or brackets more than {limits.max_nesting} levels deep; this "
                           f"endpoint accepts at most {limits.max_nesting} (setting MAX_QUERY_NESTING).",
                           "MAX_QUERY_NESTING")
    check_services(sparql, limits.allowed_services)
