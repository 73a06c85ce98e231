"""The competency-question catalogue: parameterised SPARQL queries in `queries/*.rq` with `#+` front matter.

A catalogue query is a `.rq` file whose first lines are YAML front matter, each line prefixed with `#+ `
(the grlc / sparql-examples convention; see queries/README.md). Its parameters are SPARQL variables that
`run` binds to typed RDF terms through pyoxigraph's `substitutions` (never by pasting text into the query);
a value that does not fit the declared type raises ParameterError. Files without front matter (internal
queries such as graph_counts.rq) are not part of the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import (BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Triple,
                        serialize)

from nckg import config
from nckg.namespaces import NCKG, NCKR, PREFIXES, XSD
from nckg.store.query_syntax import declarations
from nckg.model.search import search_key
from nckg.store.graph import GraphStore, QueryResult

TAGS = ("structure", "coordination", "synthesis", "performance", "comparison", "provenance", "linking")
TYPES = ("string", "search", "integer", "decimal", "boolean", "iri", "enum", "cluster", "ligand", "chemical", "doi")
RESERVED = {"format", "query", "limit"}  # request parameters that are not query parameters
EXAMPLES_BASE = "https://w3id.org/nckg/.well-known/sparql-examples/"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

_FRONT = re.compile(r"^#\+ ?(.*)$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
_INTEGER = re.compile(r"^[+-]?\d{1,15}$")
_DECIMAL = re.compile(r"^[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})$")
_IRI = re.compile(r"^(https?|urn|ftp):[^\s<>\"{}|\\^`]+$")
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9]+$")
_DOI_PREFIX = re.compile(r"^(doi:|https?://(dx\.)?doi\.org/)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_OPAQUE = re.compile(r"""\#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>""",
                     re.DOTALL)
MAX_TEXT = 200
MAX_IRI = 2000


class CatalogueError(ValueError):
    """A catalogue file is malformed (front matter, parameter declaration, expected-answer fixture)."""


class UnknownQuery(KeyError):
    """No catalogue query has this id."""

    def __str__(self) -> str:
        return f"no catalogue query {self.args[0]!r}"


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


@dataclass(frozen=True)
class CatalogueQuery:
    """A catalogue entry: metadata from the front matter plus the SPARQL text."""

    id: str
    title: str
    question: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    sparql: str  # the whole file, front matter included (comments are valid SPARQL)
    path: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        """The SPARQL text without the front matter lines."""
        lines = self.sparql.splitlines()
        while lines and _FRONT.match(lines[0]):
            lines.pop(0)
        return "\n".join(lines).strip() + "\n"

    @property
    def form(self) -> str:
        """select, ask, construct or describe."""
        match = _QUERY_FORM.search(_OPAQUE.sub(" ", self.body))
        return match.group(1).lower() if match else "select"

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"query {self.id!r} has no parameter {name!r}"
                             + (f" (parameters: {', '.join(p.name for p in self.parameters)})" if self.parameters
                                else " (it takes no parameters)"))

    def bind(self, values: Mapping[str, object] | None = None,
             store: GraphStore | None = None) -> dict[str, NamedNode | Literal]:
        """Typed substitutions for the given values (strings as typed by a user) plus defaults. With a `store`,
        a cluster, ligand, chemical or ontology-term value may be any name the model resolves (label, id,
        synonym, formula or IRI; `resolve_name`), as on every face."""
        values = dict(values or {})
        bound = {}
        for name, raw in values.items():
            parameter = self.parameter(name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue  # an empty form field: the default, or unbound when optional
            bound[name] = parameter.parse(resolve_name(store, parameter, raw) if store is not None else raw)
        for parameter in self.parameters:
            if parameter.name not in bound and parameter.default is not None:
                bound[parameter.name] = parameter.parse(parameter.default)
        return bound

    def runnable_text(self, values: Mapping[str, object] | None = None) -> str:
        """The query with its parameter values written into a leading VALUES block, for people and editors to run
        as is (e.g. the examples catalogue). The terms are serialized by pyoxigraph from validated values."""
        bound = self.bind(values)
        if not bound:
            return self.body
        names = [p.name for p in self.parameters if p.name in bound]
        block = f"  VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(bound[n]) for n in names)}) }}"
        masked = _OPAQUE.sub(lambda m: " " * len(m.group()), self.body)  # comments, strings, IRIs
        match = re.search(r"\bWHERE\s*\{", masked, re.IGNORECASE)
        if match is None and self.form in ("select", "ask"):
            match = re.compile(r"\{").search(masked, _QUERY_FORM.search(masked).end())
        if match is None:
            raise CatalogueError(f"{self.id}: no WHERE {{ to put the parameter values in")
        return self.body[:match.end()] + "\n" + block + self.body[match.end():]

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "question": self.question, "description": self.description,
                "tags": list(self.tags), "parameters": [p.to_dict() for p in self.parameters]}


def mentions_variable(sparql: str, name: str) -> bool:
    """Whether `?name` (or `$name`) occurs in the query outside comments, strings and IRIs."""
    return re.search(rf"[?$]{re.escape(name)}\b", _OPAQUE.sub(" ", sparql)) is not None


def _text(meta: dict, key: str, where: str, required: bool = True) -> str:
    value = meta.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: front matter needs a non-empty `{key}`")
    return " ".join(value.split())


def _parameter(item: object, where: str, text: str) -> Parameter:
    if not isinstance(item, dict):
        raise CatalogueError(f"{where}: each parameter is a mapping with name, type, ...")
    unknown = set(item) - {"name", "type", "description", "default", "values", "term", "min", "max", "pattern"}
    if unknown:
        raise CatalogueError(f"{where}: unknown parameter keys {sorted(unknown)}")
    name, kind = item.get("name"), item.get("type")
    if not isinstance(name, str) or not _NAME.match(name) or name in RESERVED:
        raise CatalogueError(f"{where}: parameter name {name!r} must be a lower-case SPARQL variable name, "
                             f"not one of {sorted(RESERVED)}")
    if kind not in TYPES:
        raise CatalogueError(f"{where}: parameter {name!r} has type {kind!r}; known types: {', '.join(TYPES)}")
    values = tuple(str(v) for v in item.get("values") or ())
    if (kind == "enum") != bool(values):
        raise CatalogueError(f"{where}: parameter {name!r}: `values` is required for enum and only for enum")
    term = item.get("term", "nckg")
    if term not in ("nckg", "literal"):
        raise CatalogueError(f"{where}: parameter {name!r}: term must be nckg or literal")
    if not mentions_variable(text, name):
        raise CatalogueError(f"{where}: parameter {name!r} is not a variable of the query")
    default = item.get("default")
    parameter = Parameter(name=name, type=kind, description=" ".join(str(item.get("description", "")).split()),
                          default=None if default is None else str(default).lower() if isinstance(default, bool)
                          else str(default), values=values, term=term, minimum=item.get("min"),
                          maximum=item.get("max"), pattern=item.get("pattern"))
    if parameter.default is not None:
        try:
            parameter.parse(parameter.default)
        except ParameterError as error:
            raise CatalogueError(f"{where}: default does not fit: {error}") from None
    return parameter


def _simple_front_matter(lines: list[str]) -> dict | None:
    """`key: value` lines read literally (value = the rest of the line, a `[a, b]` list for tags); None if not."""
    meta = {}
    for line in lines:
        match = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
        if not match:
            return None
        key, value = match.groups()
        if key == "tags":
            value = [t.strip() for t in value.strip("[] ").split(",") if t.strip()] if value.startswith("[") \
                else value.strip()
        meta[key] = value
    return meta


def parse_query(text: str, name: str, path: Path | None = None) -> CatalogueQuery | None:
    """Parse one `.rq` file; None when it has no front matter or is tagged `internal` (not a catalogue query)."""
    front = []
    for line in text.splitlines():
        match = _FRONT.match(line)
        if not match:
            break
        front.append(match.group(1))
    if not front:
        return None
    where = str(path or name)
    try:
        meta = yaml.safe_load("\n".join(front)) or {}
    except yaml.YAMLError as error:
        meta = _simple_front_matter(front)  # plain `key: value` lines whose values hold a colon
        if meta is None:
            raise CatalogueError(f"{where}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise CatalogueError(f"{where}: front matter must be a YAML mapping")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.strip("[]").split(",") if t.strip()]
    if "internal" in tags:
        return None  # a query the application's pages run; not part of the public catalogue
    ident = meta.get("id")
    if ident != name or not _ID.match(str(ident)):
        raise CatalogueError(f"{where}: `id` must equal the file name {name!r} (lower-case, digits, - _)")
    if not isinstance(tags, list) or not tags or any(t not in TAGS for t in tags):
        raise CatalogueError(f"{where}: `tags` must be a non-empty list drawn from {', '.join(TAGS)}")
    raw_parameters = meta.get("parameters") or []
    if not isinstance(raw_parameters, list):
        raise CatalogueError(f"{where}: `parameters` must be a list")
    parameters = tuple(_parameter(item, where, text) for item in raw_parameters)
    if len({p.name for p in parameters}) != len(parameters):
        raise CatalogueError(f"{where}: duplicate parameter names")
    known = {"id", "title", "question", "description", "tags", "parameters"}
    return CatalogueQuery(id=ident, title=_text(meta, "title", where), question=_text(meta, "question", where),
                          description=_text(meta, "description", where, required=False), tags=tuple(tags),
                          parameters=parameters, sparql=text, path=path,
                          extra={k: v for k, v in meta.items() if k not in known})


def _signature(directory: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.rq")))


@lru_cache(maxsize=8)
def _load(directory: Path, signature: tuple) -> dict[str, CatalogueQuery]:
    catalogue = {}
    for path in sorted(directory.glob("*.rq")):
        query = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
        if query is not None:
            catalogue[query.id] = query
    return catalogue


def load_catalogue(directory: Path | None = None) -> dict[str, CatalogueQuery]:
    """Every catalogue query in `queries/` (or `directory`), by id, in file-name order (re-read when files change)."""
    directory = Path(directory or config.queries_dir()).resolve()
    return _load(directory, _signature(directory))


def get_query(query_id: str, directory: Path | None = None) -> CatalogueQuery:
    try:
        return load_catalogue(directory)[query_id]
    except KeyError:
        raise UnknownQuery(query_id) from None


def run(store: GraphStore, query_id: str, params: Mapping[str, object] | None = None,
        directory: Path | None = None) -> QueryResult:
    """Run catalogue query `query_id` with `params` (user text: names resolved by the model, validated and bound
    as typed terms)."""
    query = get_query(query_id, directory)
    return store.query(query.body, substitutions=query.bind(params, store))


def resolve_name(store: GraphStore, parameter: Parameter, raw: object) -> object:
    """The id a cluster, ligand, chemical or enum (ontology term) parameter value names, by the model's one
    resolver (nckg.model.names for clusters, nckg.model.vocabulary for terms); other values as they are.
    ParameterError (listing the known names) when the value names nothing or several things."""
    from nckg.model.names import AmbiguousCluster, ClusterNotFound, resolve_cluster  # noqa: PLC0415
    from nckg.model.vocabulary import AmbiguousName, UnknownName, vocabulary  # noqa: PLC0415

    text = str(raw).strip()
    try:
        if parameter.type == "cluster":
            return resolve_cluster(store, text).rsplit("/", 1)[-1]
        if parameter.type in ("ligand", "chemical"):
            return vocabulary(store).resolve(text, kind=parameter.type).id
        if parameter.type == "enum" and parameter.term == "nckg":
            return vocabulary(store).resolve(text, among=[NCKG + value for value in parameter.values]).id
    except (UnknownName, AmbiguousName, ClusterNotFound, AmbiguousCluster) as error:
        raise ParameterError(f"parameter {parameter.name!r}: {error}") from None
    return raw


CHOICE_CLASSES = {"cluster": NCKG + "CopperNanocluster", "chemical": NCKG + "ChemicalEntity",
                  "doi": NCKG + "Publication"}


def choices(store: GraphStore, parameter: Parameter) -> list[tuple[str, str]]:
    """(value, label) pairs a form may offer for a parameter: the enum values, or the clusters / chemicals /
    publications of the graph (by the internal query catalogue-choices.rq); empty for free-text types."""
    if parameter.values:
        return [(v, v) for v in parameter.values]
    if parameter.type == "ligand":
        return []
    cls = CHOICE_CLASSES.get(parameter.type)
    if cls is None:
        return []
    text = (Path(config.queries_dir()) / "catalogue-choices.rq").read_text(encoding="utf-8")
    out = []
    for row in store.query(text, substitutions={"class": NamedNode(cls)}):
        iri = row["item"].value
        value = iri[len("https://doi.org/"):] if parameter.type == "doi" else iri.rsplit("/", 1)[-1]
        if parameter.type != "doi" and not iri.startswith(f"{NCKR}{parameter.type}/"):
            continue
        out.append((value, row["label"].value if row["label"] is not None else value))
    return out


# --- Results as rows (HTML, CLI table, catalogue document) -------------------------------------------------------

def compact(iri: str) -> str:
    """An IRI shortened with the project prefixes (nckg:, nckr:, ...) when one applies."""
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda x: len(x[1]), default=None)
    if best and re.fullmatch(r"[A-Za-z0-9_./+-]*", iri[len(best[1]):]):
        return f"{best[0]}:{iri[len(best[1]):]}"
    return iri


def cell(term) -> str:
    """Display text of an RDF term (None: empty)."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


def table(result: QueryResult) -> tuple[list[str], list[dict]]:
    """Column names and rows (dicts of RDF terms or None) of a result; consumes it."""
    if isinstance(result, QueryBoolean):
        return ["result"], [{"result": Literal(str(bool(result)).lower(), datatype=NamedNode(XSD + "boolean"))}]
    if isinstance(result, QueryTriples):
        names = ["subject", "predicate", "object"]
        return names, [dict(zip(names, (t.subject, t.predicate, t.object))) for t in result]
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return names, [{name: solution[name] for name in names} for solution in result]


def text_table(names: list[str], rows: list[dict], width: int = 60) -> str:
    """A plain-text aligned table (the CLI's `--format table`)."""
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[:width - 1] + "…"
    cells = [[clip(cell(row[n])) for n in names] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


# --- The machine-readable examples catalogue (sparql-examples convention) ----------------------------------------

def examples_turtle(endpoint: str = "https://w3id.org/nckg/sparql", base: str = EXAMPLES_BASE,
                    directory: Path | None = None, fmt: RdfFormat = RdfFormat.TURTLE) -> bytes:
    """Every catalogue query as a SHACL `sh:SPARQLExecutable` (sparql-examples convention), runnable as is:
    parameters carry their defaults in a leading VALUES block."""
    sh = lambda local: NamedNode(SH + local)  # noqa: E731
    schema = lambda local: NamedNode(SCHEMA + local)  # noqa: E731
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    prefixes_node = BlankNode("sparql_examples_prefixes")
    triples = [Triple(prefixes_node, RDF_TYPE, NamedNode("http://www.w3.org/2002/07/owl#Ontology")),
               *declarations(prefixes_node, lambda prefix: BlankNode(f"prefix_{prefix}"))]
    target = NamedNode(endpoint)
    for query in load_catalogue(directory).values():
        node = NamedNode(base + query.id)
        form = query.form
        kinds = {"select": "SPARQLSelectExecutable", "ask": "SPARQLAskExecutable",
                 "construct": "SPARQLConstructExecutable"}
        triples += [Triple(node, RDF_TYPE, sh("SPARQLExecutable"))]
        if form in kinds:
            triples.append(Triple(node, RDF_TYPE, sh(kinds[form])))
        comment = query.question + (" " + query.description if query.description else "")
        if query.parameters:
            comment += " Parameters: " + "; ".join(
                f"?{p.name} ({p.type}{', default ' + str(p.default) if p.default is not None else ', optional'})"
                + (f": {p.description}" if p.description else "") for p in query.parameters) + "."
        predicate = {"select": sh("select"), "ask": sh("ask"), "construct": sh("construct"),
                     "describe": NamedNode(SPEX + "describe")}[form]
        triples += [
            Triple(node, NamedNode(rdfs + "label"), Literal(query.title, language="en")),
            Triple(node, NamedNode(rdfs + "comment"), Literal(comment, language="en")),
            Triple(node, predicate, Literal(query.runnable_text())),
            Triple(node, sh("prefixes"), prefixes_node),
            Triple(node, schema("target"), target),
            Triple(node, schema("identifier"), Literal(query.id)),
            *[Triple(node, schema("keywords"), Literal(tag)) for tag in query.tags],
        ]
    return serialize(triples, format=fmt, prefixes={"ex": base, "sh": SH, "schema": SCHEMA, "spex": SPEX,
                                                     "rdfs": rdfs, "xsd": XSD})


# --- Expected-answer fixtures (queries/expected/<id>.yaml) -------------------------------------------------------

def expected_dir(directory: Path | None = None) -> Path:
    return Path(directory or config.queries_dir()) / "expected"


def load_expected(query_id: str, directory: Path | None = None) -> list[dict]:
    """The cases of a query's fixture: each {params, contains, absent, min_rows, max_rows, rows, source}."""
    path = expected_dir(directory) / f"{query_id}.yaml"
    if not path.exists():
        raise CatalogueError(f"{path}: no expected-answer fixture")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not cases:
        raise CatalogueError(f"{path}: a fixture has `cases:`, a non-empty list")
    for case in cases:
        unknown = set(case) - {"name", "params", "contains", "absent", "min_rows", "max_rows", "rows", "source",
                               "ordered"}
        if unknown:
            raise CatalogueError(f"{path}: unknown case keys {sorted(unknown)}")
        if not case.get("contains") and not case.get("rows") and case.get("max_rows") != 0:
            raise CatalogueError(f"{path}: each case asserts specific rows (`contains` or `rows`)")
    return cases


def _matches(expected, term) -> bool:
    """Whether a result cell matches an expected value: equal text (IRI, compact IRI or its last segment),
    numerically equal, or an operator mapping {includes|matches|min|max|absent}."""
    if isinstance(expected, dict):
        ok = True
        if "absent" in expected:
            ok &= (term is None) == bool(expected["absent"])
        if term is None:
            return ok and "absent" in expected
        value = term.value
        if "includes" in expected:
            wanted = expected["includes"] if isinstance(expected["includes"], list) else [expected["includes"]]
            parts = [p.strip() for p in re.split(r"[;,|]", value)]
            ok &= all(any(_matches(w, Literal(p)) for p in parts) for w in wanted)
        if "matches" in expected:
            ok &= re.search(str(expected["matches"]), value) is not None
        for key, compare in (("min", lambda a, b: a >= b), ("max", lambda a, b: a <= b)):
            if key in expected:
                try:
                    ok &= compare(float(value), float(expected[key]))
                except ValueError:
                    ok = False
        return ok
    if term is None:
        return expected is None
    value = term.value
    if isinstance(expected, bool):
        return value.lower() == str(expected).lower()
    if isinstance(expected, (int, float)):
        try:
            return math.isclose(float(value.replace("\u2212", "-")), float(expected), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    expected = str(expected)
    return expected in (value, cell(term)) or value.endswith("/" + expected) or value.endswith("#" + expected)


def _row_matches(expected: Mapping, row: Mapping) -> bool:
    return all(_matches(value, row.get(key)) for key, value in expected.items())


def check_case(store: GraphStore, query: CatalogueQuery, case: Mapping) -> list[str]:
    """Problems found running one fixture case (empty: the answer is as expected)."""
    names, rows = table(store.query(query.body, substitutions=query.bind(case.get("params") or {})))
    label = f"{query.id}{' [' + case['name'] + ']' if case.get('name') else ''}"
    problems = []
    for key in {k for item in case.get("contains") or [] for k in item} - set(names):
        problems.append(f"{label}: fixture names column {key!r}, the query returns {names}")
    if problems:
        return problems
    if case.get("min_rows") is not None and len(rows) < case["min_rows"]:
        problems.append(f"{label}: {len(rows)} rows, expected at least {case['min_rows']}")
    if case.get("max_rows") is not None and len(rows) > case["max_rows"]:
        problems.append(f"{label}: {len(rows)} rows, expected at most {case['max_rows']}")
    position = 0
    for item in case.get("contains") or []:
        hits = [i for i, row in enumerate(rows) if _row_matches(item, row)]
        if not hits:
            problems.append(f"{label}: no row matches {item}")
        elif case.get("ordered"):
            later = [i for i in hits if i >= position]
            if not later:
                problems.append(f"{label}: row {item} is out of the expected order")
            else:
                position = later[0] + 1
    for item in case.get("absent") or []:
        if any(_row_matches(item, row) for row in rows):
            problems.append(f"{label}: a row matches {item}, which should be absent")
    if case.get("rows") is not None:
        if len(rows) != len(case["rows"]) or not all(_row_matches(e, r) for e, r in zip(case["rows"], rows)):
            problems.append(f"{label}: expected exactly the rows {case['rows']}, got "
                            f"{[{n: cell(r[n]) for n in names} for r in rows]}")
    return problems


def check_expected(store: GraphStore, query_id: str, directory: Path | None = None) -> list[str]:
    """Run every case of a query's fixture; the list of problems (empty when all hold)."""
    query = get_query(query_id, directory)
    return [problem for case in load_expected(query_id, directory) for problem in check_case(store, query, case)]


# --- The catalogue document (docs/catalogue.md) ------------------------------------------------------------------

def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def catalogue_markdown(store: GraphStore, sample: int = 5, directory: Path | None = None) -> str:
    """The catalogue as Markdown: every question with its parameters, SPARQL and a sample of its answer from `store`."""
    catalogue = load_catalogue(directory)
    out = ["# Competency-question catalogue", "",
           "<!-- GENERATED by `nckg queries doc` from queries/*.rq and the built graph; do not edit by hand. -->", "",
           f"{len(catalogue)} questions the Nanocluster Knowledge Graph answers. Each is a parameterised SPARQL query in "
           "`queries/<id>.rq`, runnable at `/queries/<id>` (HTML form), `/queries/<id>/results?format=json|csv|tsv|"
           "xml|html` and `nckg queries run <id> --param name=value`; the same queries are published in the "
           "sparql-examples convention at `/.well-known/sparql-examples`. The samples below are the first rows of "
           f"each answer with the default parameters (graph version `{store.version or 'in-memory'}`).", "",
           "| id | question | tags |", "|---|---|---|"]
    out += [f"| [{q.id}](#{q.id}) | {_md(q.question)} | {', '.join(q.tags)} |" for q in catalogue.values()]
    for query in catalogue.values():
        out += ["", f"## {query.id}", "", f"**{_md(query.title)}**", "", f"*Question:* {_md(query.question)}", ""]
        if query.description:
            out += [query.description, ""]
        out += [f"*Tags:* {', '.join(query.tags)}", ""]
        if query.parameters:
            out += ["| parameter | type | default | description |", "|---|---|---|---|"]
            for p in query.parameters:
                kind = p.type + (f" ({', '.join(p.values)})" if p.values else "")
                default = "*(optional: all)*" if p.default is None else f"`{p.default}`"
                out.append(f"| `{p.name}` | {_md(kind)} | {default} | {_md(p.description)} |")
            out.append("")
        out += ["<details><summary>SPARQL</summary>", "", "```sparql", query.body.rstrip(), "```", "", "</details>",
                ""]
        try:
            names, rows = table(store.query(query.body, substitutions=query.bind()))
        except Exception as error:  # noqa: BLE001 - the document reports, it does not stop
            out += [f"*Sample answer:* the query failed: `{_md(str(error))}`"]
            continue
        out.append(f"*Sample answer* ({len(rows)} row{'s' if len(rows) != 1 else ''}"
                   f"{f', first {sample} shown' if len(rows) > sample else ''}):")
        out.append("")
        if not rows:
            out.append("*(no rows in the current graph)*")
            continue
        out += ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        for row in rows[:sample]:
            out.append("| " + " | ".join(_md(_clip(cell(row[n]))) for n in names) + " |")
    return "\n".join(out) + "\n"


def _clip(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def write_catalogue_document(store: GraphStore, path: Path | None = None) -> Path:
    path = Path(path or config.project_root() / "docs" / "catalogue.md")
    path.write_text(catalogue_markdown(store), encoding="utf-8")
    return path


def summaries(directory: Path | None = None) -> list[dict]:
    """The catalogue as JSON-ready dicts (id, title, question, description, tags, parameters)."""
    return [q.to_dict() for q in load_catalogue(directory).values()]
