"""Help for people writing SPARQL: the predeclared prefixes and short syntax-error messages.

Ad-hoc queries (the /sparql endpoint, the editor, `nckg query`) may use the common prefixes without declaring them,
as on the Wikidata Query Service; a query's own PREFIX declarations win. A parser error is shortened to one line
naming line, column and the offending token (an unknown prefix by name); the parser's full text stays available.
"""

from __future__ import annotations

import re

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from nckg.namespaces import PREFIXES, XSD

# prefix -> namespace IRI every query may use without declaring it (namespaces.PREFIXES: the project's table)
PREDECLARED: dict[str, str] = dict(PREFIXES)

_POSITION = re.compile(r"error at (\d+):(\d+)")
_EXPECTED = re.compile(r"expected (?:one of )?(.*)", re.DOTALL)
_PREFIXED_END = re.compile(r"((?:[A-Za-z\u00C0-\uFFFD][\w.\-\u00B7\u00C0-\uFFFD]*)?):[\w.\-%\\]*$")
_TOKEN = re.compile(r"<[^>\s]*>?|\"[^\"\n]*\"?|'[^'\n]*'?|[?$]?[\w.\-:]+|\S")
_MAX_EXPECTED = 60  # longer "expected ..." lists (character classes) are left to the detail


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


def short_message(query: str, parser_text: str) -> str:
    """One line for a syntax error: "unknown prefix 'foo:' at line 2, column 10", or "syntax error at line 3,
    column 5 near 'FILTER(' (expected IF, OPTIONAL)"; the parser text itself when it names no position."""
    position = _POSITION.search(parser_text)
    if position is None:
        first = parser_text.strip().splitlines()[0] if parser_text.strip() else "syntax error"
        return first if len(first) <= 200 else first[:197] + "..."
    line_no, column = int(position.group(1)), int(position.group(2))
    lines = query.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    if "Prefix not found" in parser_text:
        found = _PREFIXED_END.search(line[:max(column - 1, 0)])
        if found:
            start = found.start() + 1
            return f"unknown prefix '{found.group(1)}:' at line {line_no}, column {start}"
        return f"unknown prefix at line {line_no}, column {column}"
    token, start = _token_at(line, column - 1)
    message = f"syntax error at line {line_no}, column {start if token else column}"
    message += f" near '{token}'" if token else " (at the end of the line)" if line_no <= len(lines) else \
        " (at the end of the query)"
    expected = _EXPECTED.search(parser_text[position.end():])
    if expected:
        wanted = " ".join(expected.group(1).split())
        if wanted and len(wanted) <= _MAX_EXPECTED:
            message += f" (expected {wanted})"
    return message


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


__all__ = ["PREDECLARED", "declarations", "prefix_table", "prologue", "short_message"]
