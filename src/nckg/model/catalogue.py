"""The competency-question catalogue: parameterised SPARQL queries in `queries/*.rq` with `#+` front matter.

A catalogue query is a `.rq` file whose first lines are YAML front matter, each line prefixed with `#+ `
(the grlc / sparql-examples convention; see queries/README.md). Its parameters are SPARQL variables that
`run` binds to typed RDF terms through pyoxigraph's `substitutions` (never by pasting text into the query);
a value that does not fit the declared type raises ParameterError. Files without front matter (internal
queries such as graph_counts.rq) are not part of the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import (BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples)

from nckg import config
from nckg.namespaces import NCKG, NCKR, PREFIXES, XSD
from nckg.model.names import AmbiguousCluster, ClusterNotFound, resolve_cluster
from nckg.model.parameters import TYPES, Parameter, ParameterError
from nckg.model.vocabulary import AmbiguousName, UnknownName, vocabulary
from nckg.store.graph import GraphStore, QueryResult

TAGS = ("structure", "coordination", "synthesis", "performance", "comparison", "provenance", "linking")
RESERVED = {"format", "query", "limit"}  # request parameters that are not query parameters
EXAMPLES_BASE = "https://w3id.org/nckg/.well-known/sparql-examples/"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

_FRONT = re.compile(r"^#\+ ?(.*)$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_OPAQUE = re.compile(r"""\#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>""",
                     re.DOTALL)


class CatalogueError(ValueError):
    """A catalogue file is malformed (front matter, parameter declaration, expected-answer fixture)."""


class UnknownQuery(KeyError):
    """No catalogue query has this id."""

    def __str__(self) -> str:
        return f"no catalogue query {self.args[0]!r}"


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


def summaries(directory: Path | None = None) -> list[dict]:
    """The catalogue as JSON-ready dicts (id, title, question, description, tags, parameters)."""
    return [q.to_dict() for q in load_catalogue(directory).values()]
