"""The Python API: `nckg.open()` gives a KnowledgeGraph answering SPARQL, the question catalogue and cluster look-ups
as plain Python values and pandas DataFrames.

Every query runs through nckg.store.graph.GraphStore (the embedded Oxigraph store, an in-memory copy of the dataset a
wheel carries, or a remote SPARQL store); the SPARQL text lives in queries/*.rq. pandas is an optional extra
(`pip install 'nckg[analysis]'`): only the `to_dataframe()` / DataFrame-returning calls need it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import (BlankNode, Literal, NamedNode, QueryBoolean, QueryResultsFormat, QueryTriples, RdfFormat,
                        parse_query_results, serialize)

from nckg import config
from nckg.model import catalogue, tables
from nckg.store import packaged
from nckg.model.terms import plain_value
from nckg.store.backend import is_remote, open_handle
from nckg.store.remote import inline_substitutions
from nckg.namespaces import XSD
from nckg.store.graph import GraphStore, QueryResult, StoreHandle

if TYPE_CHECKING:  # imported lazily: pandas and rdflib are only needed by the calls that return them
    import pandas
    import rdflib

    from nckg.model.cluster import Cluster

Binding = NamedNode | Literal | BlankNode | str | int | float | bool | Decimal


def IRI(value: str) -> NamedNode:  # noqa: N802 - reads as a type in bindings: kg.query(q, c=IRI("https://..."))
    """An IRI to bind a query variable to (a plain str binds as a string literal)."""
    return NamedNode(str(value))


def to_term(value: Binding) -> NamedNode | Literal | BlankNode:
    """The RDF term a Python value binds as: pyoxigraph and rdflib terms as they are, bool -> xsd:boolean,
    int -> xsd:integer, float -> xsd:double, Decimal -> xsd:decimal, str -> a plain string literal."""
    if isinstance(value, (NamedNode, Literal, BlankNode)):
        return value
    kind = type(value).__module__.split(".")[0]
    if kind == "rdflib":  # URIRef, Literal, BNode
        name = type(value).__name__
        if name == "URIRef":
            return NamedNode(str(value))
        if name == "BNode":
            return BlankNode(str(value))
        if name == "Literal":
            if value.language:
                return Literal(str(value), language=value.language)
            return Literal(str(value), datatype=NamedNode(str(value.datatype)) if value.datatype else None)
    if isinstance(value, Decimal):
        return Literal(format(value, "f"), datatype=NamedNode(XSD + "decimal"))
    if isinstance(value, (bool, int, float, str)):
        return Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as an RDF term; use str, int, float, bool, Decimal, "
                    "nckg.IRI(...) or an rdflib/pyoxigraph term")


class Result:
    """The answer of a SELECT or ASK query, read once and kept: `rows` (plain Python values), `terms` (RDF terms),
    `to_dataframe()`, `to_csv()`. An ASK answer is one row {"result": bool}; `bool(result)` is its value."""

    def __init__(self, result: QueryResult):
        if isinstance(result, QueryTriples):
            raise TypeError("a CONSTRUCT or DESCRIBE result is a graph, not a table")
        # Kept as SPARQL JSON written and read back by pyoxigraph (lossless), so to_csv() can use the native writer.
        self._body = result.serialize(format=QueryResultsFormat.JSON)
        parsed = parse_query_results(self._body, format=QueryResultsFormat.JSON)
        if isinstance(parsed, QueryBoolean):
            self.boolean: bool | None = bool(parsed)
            self.variables = ["result"]
            self.terms = [{"result": Literal(self.boolean)}]
        else:
            self.boolean = None
            self.variables = [v.value for v in parsed.variables]
            self.terms = [{name: solution[name] for name in self.variables} for solution in parsed]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per solution: numbers as int/float, booleans as bool, IRIs and other literals as str, unbound
        variables as None."""
        return [{name: plain_value(term) for name, term in row.items()} for row in self.terms]

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, one column per variable (needs the analysis extra)."""
        return tables.require_pandas().DataFrame.from_records(self.rows, columns=self.variables)

    def to_csv(self, path: str | Path | None = None) -> str:
        """The result as SPARQL CSV (the same bytes the HTTP endpoint sends for format=csv); also written to `path`
        when given."""
        text = GraphStore.serialize(parse_query_results(self._body, format=QueryResultsFormat.JSON),
                                    "text/csv").decode("utf-8")
        if path is not None:
            Path(path).write_text(text, encoding="utf-8", newline="")
        return text

    def column(self, name: str) -> list[Any]:
        """The plain values of one variable, in row order."""
        if name not in self.variables:
            raise KeyError(f"no column {name!r}; columns: {', '.join(self.variables)}")
        return [plain_value(row[name]) for row in self.terms]

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __bool__(self) -> bool:
        return self.boolean if self.boolean is not None else bool(self.terms)

    def __repr__(self) -> str:
        if self.boolean is not None:
            return f"<nckg Result: {str(self.boolean).lower()}>"
        return f"<nckg Result: {len(self)} rows x {len(self.variables)} columns ({', '.join(self.variables)})>"


def to_graph(result: QueryTriples) -> rdflib.Graph:
    """A CONSTRUCT / DESCRIBE answer as an rdflib Graph."""
    import rdflib  # noqa: PLC0415

    data = serialize(result, format=RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


def answer(result: QueryResult) -> Result | rdflib.Graph:
    """The API's form of a query answer: a Result table for SELECT / ASK, an rdflib Graph for CONSTRUCT / DESCRIBE."""
    return to_graph(result) if isinstance(result, QueryTriples) else Result(result)


class _Fixed:
    """A handle on a store that never changes (the packaged dataset, a dataset file loaded into memory)."""

    def __init__(self, store: GraphStore):
        self.store = store

    def get(self) -> GraphStore:
        return self.store


class KnowledgeGraph:
    """The Nanocluster Knowledge Graph as Python objects. Get one with `nckg.open()`.

    - `query(sparql, **bindings)`: any SPARQL query; variables bound to RDF terms (never pasted into the text).
    - `questions`, `ask(id, **params)`: the competency-question catalogue (as /queries/<id>/results answers it).
    - `clusters()`, `cluster(name)`, `find_clusters(text)`, `measurements(...)`: the entities.
    """

    def __init__(self, handle, location: str):
        self._handle = handle
        self.location = location  # what the graph answers from: a store path, a SPARQL URL or the packaged dataset

    @property
    def store(self) -> GraphStore:
        """The underlying GraphStore (follows a rebuild of an on-disk store)."""
        return self._handle.get()

    @property
    def version(self) -> str | None:
        """The build version the graph answers from (the store directory's name, or the packaged dataset's)."""
        return self.store.version

    @property
    def remote(self) -> bool:
        return is_remote(self._handle)

    def __repr__(self) -> str:
        return f"<nckg KnowledgeGraph {self.location} (version {self.version})>"

    # --- SPARQL -------------------------------------------------------------------------------------------------

    def query(self, sparql: str, **bindings: Binding) -> Result | rdflib.Graph:
        """Run a SPARQL query. Keyword arguments bind the query's variables (`kg.query("SELECT ?c ... ?n",
        n=90)`) to RDF terms (see `to_term`; `nckg.IRI(...)` for an IRI), written by pyoxigraph into a VALUES
        block at the start of the WHERE clause (the values are never pasted in as text; a variable used only inside
        a sub-SELECT is not reached). SELECT / ASK give a Result, CONSTRUCT / DESCRIBE an rdflib Graph. Raises
        nckg.store.graph.QueryError for a bad query, ValueError for a binding of a variable the query does not use."""
        for name in bindings:
            if not catalogue.mentions_variable(sparql, name):
                raise ValueError(f"the query has no variable ?{name} to bind")
        substitutions = {name: to_term(value) for name, value in bindings.items()}
        return answer(self.store.query(inline_substitutions(sparql, substitutions)))

    # --- The question catalogue -----------------------------------------------------------------------------------

    @property
    def questions(self) -> list[catalogue.CatalogueQuery]:
        """The catalogue's questions (id, title, question, tags, parameters), in id order."""
        return list(catalogue.load_catalogue().values())

    def question(self, query_id: str) -> catalogue.CatalogueQuery:
        """One catalogue question by id (nckg.model.catalogue.UnknownQuery when there is none)."""
        return catalogue.get_query(query_id)

    def ask(self, query_id: str, **params: Any) -> Result | rdflib.Graph:
        """Answer catalogue question `query_id`, e.g. `kg.ask("co2rr-product-above-fe", min_fe=90)`. Parameters are
        validated and bound exactly as /queries/<id>/results does (nckg.model.catalogue.run); a value that does not fit
        raises nckg.model.catalogue.ParameterError naming the parameter."""
        return answer(catalogue.run(self.store, query_id, params))

    # --- Records: the model's tables and objects -------------------------------------------------------------------

    def clusters(self, search: str | None = None) -> pandas.DataFrame:
        """One row per cluster (columns: docs/python-api.md, "Tables"): the cluster browser's table, the review's
        Table 1 view plus composition and every paper reporting on it; only those `search` finds when given."""
        from nckg.model.clusters import cluster_table  # noqa: PLC0415

        return tables.to_dataframe("clusters", cluster_table(self.store, search))

    def cluster(self, name: str) -> Cluster:
        """One cluster by id, IRI, label, the review's label or formula as typed (`"[Cu32(PET)24H8Cl2]2-"`,
        Unicode sub- and superscripts welcome). A name several clusters go by (`"Cu32"`) raises
        nckg.AmbiguousCluster listing the candidates, an unknown one nckg.ClusterNotFound."""
        from nckg.model.cluster import load_cluster  # noqa: PLC0415
        from nckg.model.names import resolve_cluster  # noqa: PLC0415

        return load_cluster(self.store, resolve_cluster(self.store, name))

    def find_clusters(self, text: str) -> list[dict[str, str]]:
        """The clusters the text finds ({iri, id, label}): the one search of the `find-cluster` question and the
        cluster browser, over names, formulas, ligands, families, classes, geometries, methods, reactions and
        products; every word must match."""
        from nckg.model.search import find_clusters  # noqa: PLC0415

        return find_clusters(self.store, text)

    def measurements(self, reaction: str | None = None, metric: str | None = None, product: str | None = None,
                     cluster: str | None = None) -> pandas.DataFrame:
        """One row per measurement (value, unit, metric, reaction, product, potential with its reference electrode,
        conditions, source DOI, quote), only those of a reaction (`"CO2RR"`), metric (`"FE"`, `"Faradaic
        efficiency"`), product (`"formate"`, `"HCOOH"`) and cluster (any name `cluster()` takes) when given.
        Reactions, metrics and products are named by label, id or synonym (nckg.UnknownName lists the known)."""
        from nckg.model.measurements import measurement_rows  # noqa: PLC0415
        from nckg.model.names import resolve_cluster  # noqa: PLC0415

        iri = resolve_cluster(self.store, cluster) if cluster is not None else None
        rows = measurement_rows(self.store, iri, reaction=reaction, metric=metric, product=product)
        return tables.to_dataframe("measurements", rows)

    def ligands(self) -> pandas.DataFrame:
        """One row per ligand: family, binding atoms, SMILES, InChIKey, ChEBI, PubChem, precursor, clusters."""
        from nckg.model.ligands import ligand_records  # noqa: PLC0415

        return tables.to_dataframe("ligands", ligand_records(self.store))

    def cluster_ligands(self) -> pandas.DataFrame:
        """One row per cluster and ligand, with the count (NA where the review names the ligand without one)."""
        from nckg.model.ligands import cluster_ligand_records  # noqa: PLC0415

        return tables.to_dataframe("cluster_ligands", cluster_ligand_records(self.store))

    def syntheses(self) -> pandas.DataFrame:
        """One row per synthesis: method, clusters made, side-produced or started from, reagents by role, yields,
        steps, conditions and source DOI."""
        from nckg.model.syntheses import synthesis_records  # noqa: PLC0415

        return tables.to_dataframe("syntheses", synthesis_records(self.store))

    def publications(self) -> pandas.DataFrame:
        """One row per publication: the review and its reference list (DOI, number, title, authors, year ...)."""
        from nckg.model.syntheses import publication_records  # noqa: PLC0415

        return tables.to_dataframe("publications", publication_records(self.store))

    def export(self, path: str | os.PathLike, format: str | None = None) -> Path:  # noqa: A002
        """Write the whole dataset to `path`: N-Quads (`.nq`, `.nq.gz`) or TriG keep the named graphs, Turtle and
        N-Triples hold their union. The format follows the file name unless given (nquads, trig, turtle,
        ntriples)."""
        from nckg.model.dataset import export  # noqa: PLC0415

        return export(self.store, Path(path), format)


def open(location: str | os.PathLike | None = None) -> KnowledgeGraph:  # noqa: A001 - the API's entry point
    """Open the knowledge graph.

    - `None` (default): the remote store named by `$NCKG_SPARQL_URL` if set; else the built store (`$NCKG_STORE` or
      `var/store` of the checkout, see `nckg build`); else the dataset packaged in the installed wheel.
    - a path: an on-disk store made by `nckg build` (its `store` symlink or a version directory), or a dataset
      file written by `nckg export` (`.nq`, `.nq.gz`), loaded into memory.
    - an `http(s)://` URL: a remote SPARQL 1.1 query endpoint holding the graph.
    """
    if location is None:
        if os.environ.get("NCKG_SPARQL_URL"):
            return KnowledgeGraph(open_handle(), os.environ["NCKG_SPARQL_URL"])
        path = config.store_path()
        if _is_store(path):
            return _local(path)
        dataset = packaged.dataset_path()
        if dataset is not None:
            return KnowledgeGraph(_Fixed(packaged.in_memory_store(dataset)), f"packaged dataset {dataset}")
        raise FileNotFoundError(f"no built store at {path} and no packaged dataset: run `nckg build` in a checkout, "
                                "or install the nckg wheel that carries the graph")
    text = os.fspath(location)
    if text.startswith(("http://", "https://")):
        return KnowledgeGraph(open_handle(sparql_url=text), text)
    path = Path(text).expanduser()
    if path.is_file() and path.name.endswith((".nq", ".nq.gz")):
        return KnowledgeGraph(_Fixed(packaged.in_memory_store(path)), f"dataset file {path}")
    if not _is_store(path):
        raise FileNotFoundError(f"no store at {path}: give a store made by `nckg build`, an N-Quads file "
                                "(.nq, .nq.gz) or a SPARQL endpoint URL")
    return _local(path)


def _is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def _local(path: Path) -> KnowledgeGraph:
    handle = StoreHandle(path)
    handle.get()  # open now: a damaged store fails here, not at the first query
    return KnowledgeGraph(handle, str(path))

