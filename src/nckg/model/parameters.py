"""Catalogue parameters: a question's `?variable`, bound to a typed RDF term built from the text a user typed
(never pasted into the query text); a value that does not fit raises ParameterError."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import Literal, NamedNode

from nckg.model.search import search_key
from nckg.namespaces import NCKG, NCKR, XSD

TYPES = ("string", "search", "integer", "decimal", "boolean", "iri", "enum", "cluster", "ligand", "chemical", "doi")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
_INTEGER = re.compile(r"^[+-]?\d{1,15}$")
_DECIMAL = re.compile(r"^[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})$")
_IRI = re.compile(r"^(https?|urn|ftp):[^\s<>\"{}|\\^`]+$")
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9]+$")
_DOI_PREFIX = re.compile(r"^(doi:|https?://(dx\.)?doi\.org/)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT = 200
MAX_IRI = 2000


class ParameterError(ValueError):
    """A parameter value was rejected: unknown name, missing required value, or not of the declared type."""


@dataclass(frozen=True)
class Parameter:
    """One query parameter: the SPARQL variable `?name`, bound to a typed term built from the user's text."""

    name: str
    type: str
    description: str = ""
    default: Any = None
    values: tuple[str, ...] = ()  # enum: the allowed values
    term: str = "nckg"  # enum: "nckg" -> an ontology term nckg:<value>; "literal" -> a plain string
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # string: a regular expression the whole value must match

    @property
    def optional(self) -> bool:
        """A parameter without a default is optional: left unbound, the query answers for every value."""
        return self.default is None

    def to_dict(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description, "default": self.default,
               "optional": self.optional}
        if self.values:
            out["values"] = list(self.values)
        for key in ("minimum", "maximum", "pattern"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def parse(self, raw: object) -> NamedNode | Literal:
        """The typed RDF term for a user-supplied value; ParameterError when it does not fit the type."""
        text = str(raw).strip() if not isinstance(raw, bool) else str(raw).lower()
        if not text:
            raise ParameterError(f"parameter {self.name!r}: empty value")
        if _CONTROL.search(text):
            raise ParameterError(f"parameter {self.name!r}: control characters are not allowed")
        try:
            return getattr(self, f"_parse_{self.type}")(text)
        except ParameterError:
            raise
        except (ValueError, InvalidOperation) as error:
            raise ParameterError(f"parameter {self.name!r}: {error}") from None

    def _fail(self, text: str, expected: str):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ParameterError(f"parameter {self.name!r} expects {expected}, got {shown!r}")

    def _range(self, number, text: str) -> None:
        if self.minimum is not None and number < self.minimum:
            self._fail(text, f"a value >= {self.minimum:g}")
        if self.maximum is not None and number > self.maximum:
            self._fail(text, f"a value <= {self.maximum:g}")

    def _parse_string(self, text: str) -> Literal:
        if len(text) > MAX_TEXT:
            self._fail(text, f"at most {MAX_TEXT} characters")
        if self.pattern and not re.fullmatch(self.pattern, text):
            self._fail(text, f"text matching {self.pattern}")
        return Literal(text)

    def _parse_search(self, text: str) -> Literal:
        """Search text, bound as its comparison key (nckg.model.search.search_key: letters and digits, lower case)."""
        self._parse_string(text)
        key = search_key(text)
        if not key:
            self._fail(text, "text with at least one letter or digit")
        return Literal(key)

    def _parse_integer(self, text: str) -> Literal:
        if not _INTEGER.match(text):
            self._fail(text, "an integer")
        number = int(text)
        self._range(number, text)
        return Literal(str(number), datatype=NamedNode(XSD + "integer"))

    def _parse_decimal(self, text: str) -> Literal:
        text = text.replace("\u2212", "-")  # a typographic minus, as the review prints potentials
        if not _DECIMAL.match(text):
            self._fail(text, "a decimal number such as 90 or -1.0")
        number = Decimal(text)
        self._range(float(number), text)
        lexical = format(number.normalize(), "f")
        return Literal(lexical if "." in lexical else lexical + ".0", datatype=NamedNode(XSD + "decimal"))

    def _parse_boolean(self, text: str) -> Literal:
        value = {"true": "true", "1": "true", "yes": "true", "false": "false", "0": "false", "no": "false"}.get(
            text.lower())
        if value is None:
            self._fail(text, "true or false")
        return Literal(value, datatype=NamedNode(XSD + "boolean"))

    def _parse_iri(self, text: str) -> NamedNode:
        if len(text) > MAX_IRI or not _IRI.match(text):
            self._fail(text, "an absolute IRI (http, https or urn)")
        return NamedNode(text)

    def _parse_enum(self, text: str) -> NamedNode | Literal:
        match = next((v for v in self.values if v == text), None) or next(
            (v for v in self.values if v.lower() == text.lower()), None)
        if match is None:
            self._fail(text, "one of " + ", ".join(self.values))
        return NamedNode(NCKG + match) if self.term == "nckg" else Literal(match)

    def _resource(self, kind: str, text: str) -> NamedNode:
        prefix = f"{NCKR}{kind}/"
        ident = text[len(prefix):] if text.startswith(prefix) else text
        if len(ident) > MAX_TEXT or not _SLUG.match(ident):
            self._fail(text, f"a {kind} id, label or synonym")
        return NamedNode(prefix + ident)

    def _parse_cluster(self, text: str) -> NamedNode:
        return self._resource("cluster", text)

    def _parse_ligand(self, text: str) -> NamedNode:
        return self._resource("ligand", text)

    def _parse_chemical(self, text: str) -> NamedNode:
        return self._resource("chemical", text)

    def _parse_doi(self, text: str) -> NamedNode:
        doi = _DOI_PREFIX.sub("", text).lower()
        if len(doi) > MAX_TEXT or not _DOI.match(doi):
            self._fail(text, "a DOI such as 10.1002/anie.202205626")
        return NamedNode("https://doi.org/" + doi)
