"""Help for people writing SPARQL: the predeclared prefixes and short syntax-error messages.

Ad-hoc queries (the /sparql endpoint, the editor, `nckg query`) may use the common prefixes without declaring them,
as on the Wikidata Query Service; a query's own PREFIX declarations win. A parser error is shortened to one line
naming one position (line, column) and the offending token (an unknown prefix by name), with a hint for common
mistakes (a misspelt keyword: "did you mean SELECT?"; an undeclared prefix: declare it or use a predeclared one); the
parser's full text stays available as the detail, restated at the same position.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from nckg.namespaces import PREFIXES, XSD

# prefix -> namespace IRI every query may use without declaring it (namespaces.PREFIXES: the project's table)
PREDECLARED: dict[str, str] = dict(PREFIXES)

_POSITION = re.compile(r"error at (\d+):(\d+)")
_EXPECTED = re.compile(r"expected (?:one of )?(.*)", re.DOTALL)
_PREFIXED_END = re.compile(r"((?:[A-Za-z\u00C0-\uFFFD][\w.\-\u00B7\u00C0-\uFFFD]*)?):[\w.\-%\\]*$")
_TOKEN = re.compile(r"<[^>\s]*>?|\"[^\"\n]*\"?|'[^'\n]*'?|[?$]?[\w.\-:]+|\S")
_MAX_EXPECTED = 60  # longer "expected ..." lists (character classes) are left to the detail
_BARE_WORD = re.compile(r"[A-Za-z_]+")
MAX_MESSAGE = 200
# the words a query writes bare: SPARQL 1.1 keywords and built-in functions (a misspelling of one gets a hint)
KEYWORDS = tuple("""
SELECT CONSTRUCT DESCRIBE ASK WHERE PREFIX BASE FROM NAMED GRAPH SERVICE SILENT OPTIONAL UNION MINUS FILTER BIND
VALUES UNDEF AS DISTINCT REDUCED ORDER BY GROUP HAVING LIMIT OFFSET ASC DESC NOT EXISTS IN TRUE FALSE COUNT SUM MIN
MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND
CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES
SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI
ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE
""".split())


def prologue(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX declarations of the predeclared prefixes, on one line (for stores that take no prefix table)."""
    table = PREDECLARED if prefixes is None else prefixes
    return " ".join(f"PREFIX {name}: <{iri}>" for name, iri in table.items())


def prefix_table(prefixes: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(prefix, namespace) rows for pages and the service description, sorted by prefix."""
    return sorted((PREDECLARED if prefixes is None else prefixes).items())


def declarations(subject: NamedNode | BlankNode, name_node=None) -> list[Triple]:
    """The predeclared prefixes as SHACL prefix declarations of `subject` (`sh:declare [ sh:prefix "rdfs" ;
    sh:namespace "..."^^xsd:anyURI ]`), the vocabulary the SPARQL examples convention uses; `name_node(prefix)`
    gives each declaration's node (default: a fresh blank node)."""
    sh = "http://www.w3.org/ns/shacl#"
    triples = []
    for name, iri in prefix_table():
        node = name_node(name) if name_node else BlankNode()
        triples += [Triple(subject, NamedNode(sh + "declare"), node),
                    Triple(node, NamedNode(sh + "prefix"), Literal(name)),
                    Triple(node, NamedNode(sh + "namespace"), Literal(iri, datatype=NamedNode(XSD + "anyURI")))]
    return triples


@dataclass(frozen=True)
class SyntaxProblem:
    """A query syntax error explained: one line (`message`, at most MAX_MESSAGE characters) naming one position
    (`line`, `column`, 1-based, None when the parser names none) and the parser's text (`detail`) restated at that
    same position."""

    message: str
    detail: str
    line: int | None = None
    column: int | None = None


def short_message(query: str, parser_text: str) -> str:
    """The one-line message of `explain`."""
    return explain(query, parser_text).message


def explain(query: str, parser_text: str) -> SyntaxProblem:
    """One line for a syntax error: "unknown prefix 'foo:' at line 2, column 6 — declare it with PREFIX …", "syntax
    error at line 1, column 1 near 'SELEC' — did you mean SELECT?", or "syntax error at line 3, column 5 near
    'FILTER(' (expected IF, OPTIONAL)"; the parser's first line when it names no position."""
    position = _POSITION.search(parser_text)
    if position is None:
        first = parser_text.strip().splitlines()[0] if parser_text.strip() else "syntax error"
        return SyntaxProblem(_bounded(first), parser_text)
    line_no, column = int(position.group(1)), int(position.group(2))
    lines = query.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    rest = parser_text[position.end():]
    if "Prefix not found" in parser_text:
        found = _PREFIXED_END.search(line[:max(column - 1, 0)])
        name = found.group(1) if found else ""
        column = found.start() + 1 if found else column
        what = f"unknown prefix '{name}:'" if found else "unknown prefix"
        return _problem(f"{what} at line {line_no}, column {column}{_prefix_hint(name)}", rest, line_no, column)
    misspelt = _misspelt_keyword(lines, line_no, column)
    if misspelt:
        word, guess, line_no, column = misspelt
        return _problem(f"syntax error at line {line_no}, column {column} near '{word}' — did you mean {guess}?",
                        rest, line_no, column)
    token, start = _token_at(line, column - 1)
    column = start if token else column
    message = f"syntax error at line {line_no}, column {column}"
    message += f" near '{token}'" if token else " (at the end of the line)" if line_no <= len(lines) else \
        " (at the end of the query)"
    expected = _EXPECTED.search(rest)
    if expected:
        wanted = " ".join(expected.group(1).split())
        if wanted and len(wanted) <= _MAX_EXPECTED:
            message += f" (expected {wanted})"
    return _problem(message, rest, line_no, column)


def _problem(message: str, rest: str, line_no: int, column: int) -> SyntaxProblem:
    return SyntaxProblem(_bounded(message), f"error at {line_no}:{column}{rest}", line_no, column)


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _prefix_hint(name: str) -> str:
    swapped = [known for known in PREDECLARED if sorted(known) == sorted(name) != list(known)]  # rdsf: → rdfs:
    close = swapped or (difflib.get_close_matches(name, list(PREDECLARED), n=1, cutoff=0.75) if name else [])
    if close:
        return f" — did you mean {close[0]}:? (or declare it with PREFIX {name}: <…>)"
    known = ", ".join(PREDECLARED)
    return f" — declare it with PREFIX {name or 'name'}: <…> or use one of {known}"


def _misspelt_keyword(lines: list[str], line_no: int, column: int) -> tuple[str, str, int, int] | None:
    """The last bare word up to the error position that is no SPARQL keyword or function but close to one:
    (word, keyword, line, column); the parser reports such a word some tokens later ("SELEC ?x" at ?x)."""
    found = None
    for number, line in enumerate(lines[:line_no], start=1):
        for match in _TOKEN.finditer(line):
            if number == line_no and match.start() >= column:
                break
            word = match.group()
            if word.startswith("#"):
                break  # a comment: the rest of the line
            if not _BARE_WORD.fullmatch(word) or word.upper() in KEYWORDS or word == "a":
                continue
            close = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
            if close:
                found = (word, close[0], number, match.start() + 1)
    return found


def _token_at(line: str, index: int) -> tuple[str, int]:
    """The token at 0-based `index` of `line` (else the last one before it) and its 1-based column."""
    best = ("", 0)
    for match in _TOKEN.finditer(line):
        if match.start() > index:
            break
        best = (match.group(), match.start() + 1)
        if match.end() > index:
            break
    token, column = best
    return (token if len(token) <= 40 else token[:37] + "...", column)


__all__ = ["PREDECLARED", "SyntaxProblem", "declarations", "explain", "prefix_table", "prologue", "short_message"]
