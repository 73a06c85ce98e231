"""Python values as RDF literals, the same way in every compiler module."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from nckg.namespaces import XSD


def literal(value) -> Literal:
    """A typed literal: bool, integer, decimal or plain string."""
    if isinstance(value, bool):
        return Literal(str(value).lower(), datatype=NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return Literal(format(value, "f").rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}",
                       datatype=NamedNode(XSD + "decimal"))
    return Literal(str(value))


def count(value: int | None) -> Literal | None:
    """A count as xsd:integer (the ontology's ranges and the SHACL shapes bound it to >= 0); None stays None."""
    return None if value is None else Literal(str(value), datatype=NamedNode(XSD + "integer"))
