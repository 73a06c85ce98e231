"""The dataset as a whole: the landing counts, schema.org / VoID / DCAT descriptions and the dumps."""

from __future__ import annotations

import gzip
from pathlib import Path

import json
from dataclasses import dataclass
from typing import Any

from pyoxigraph import RdfFormat, Triple, serialize

from nckg.namespaces import PREFIXES
from nckg.store.graph import GraphStore, query_text
from nckg.model.terms import DATASET_IRI, REVIEW_IRI, labels, per_version

# --- Landing page ----------------------------------------------------------------------------------------------

COUNT_ORDER = ("clusters", "ligands", "chemicals", "syntheses", "measurements", "comparisons", "half-reactions",
               "coordination modes", "publications", "quotes", "triples", "named graphs")


@per_version
def counts(store: GraphStore) -> dict[str, int]:
    """What the graph holds: records per kind, triples and named graphs (always every key, 0 when absent)."""
    found = {r["kind"].value: int(r["count"].value) for r in store.run("page-counts")}
    return {kind: found.get(kind, 0) for kind in COUNT_ORDER}



def dataset_schema_org(base: str) -> dict[str, Any]:
    """schema.org Dataset JSON-LD for the landing page: licence, source, SPARQL endpoint and dumps (`base`: site root)."""
    return {
        "@context": "https://schema.org", "@type": "Dataset", "@id": DATASET_IRI, "url": base,
        "name": "Nanocluster Knowledge Graph (nckg)",
        "description": "A FAIR knowledge graph of atomically precise Cu nanoclusters: composition, ligands and "
                       "coordination modes, cores, syntheses, catalytic measurements and comparisons, each backed "
                       "by a verbatim quote from the review doi:10.1007/s40820-024-01555-6.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isBasedOn": {"@type": "ScholarlyArticle", "@id": REVIEW_IRI, "url": REVIEW_IRI},
        "keywords": ["copper nanoclusters", "atomically precise nanoclusters", "catalysis", "CO2 reduction",
                     "knowledge graph"],
        "distribution": [{"@type": "DataDownload", "name": d.title, "encodingFormat": d.media_type,
                          "contentUrl": base + "download/" + d.name} for d in DUMPS.values()],
        "potentialAction": {"@type": "SearchAction", "target": base + "sparql?query={query}",
                            "query-input": "required name=query"},
    }


def json_script(doc: dict[str, Any]) -> str:
    """JSON for a <script> element (no `</` sequences that could close it)."""
    return json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")


# --- Dataset descriptions and dumps ------------------------------------------------------------------------------

def void_description(store: GraphStore, base: str) -> list[Triple]:
    """VoID description of the dataset (page-void.rq); relative IRIs resolve against `base` (the site root)."""
    return list(store.query(query_text("page-void"), base_iri=base))


def dcat_description(store: GraphStore, base: str) -> list[Triple]:
    """DCAT catalogue record of the dataset (page-dcat.rq); relative IRIs resolve against `base`."""
    return list(store.query(query_text("page-dcat"), base_iri=base))


@dataclass(frozen=True)
class Dump:
    name: str
    title: str
    media_type: str
    description: str


DUMPS: dict[str, Dump] = {d.name: d for d in (
    Dump("nckg.nq", "N-Quads", "application/n-quads", "Every named graph (one per source document, the ontology, "
         "imports and inferences), one quad per line."),
    Dump("nckg.trig", "TriG", "application/trig", "Every named graph, in the Turtle-like TriG syntax."),
    Dump("nckg.ttl", "Turtle", "text/turtle", "The union of the named graphs as one graph (graph names dropped)."),
)}


def dump(store: GraphStore, name: str) -> bytes:
    """A whole-graph dump: N-Quads / TriG keep the named graphs; Turtle is their union."""
    if name == "nckg.nq":
        return store.dump(RdfFormat.N_QUADS)
    if name == "nckg.trig":
        return store.dump(RdfFormat.TRIG)
    if name == "nckg.ttl":
        return serialize(store.union_triples(), format=RdfFormat.TURTLE, prefixes=PREFIXES)
    raise KeyError(name)


def warm(store: GraphStore) -> None:
    """Compute the per-version whole-graph results now (a server calls this at start, off the request path)."""
    from nckg.model.clusters import cluster_table  # noqa: PLC0415 - the table builds on the model, not the reverse

    labels(store)
    counts(store)
    cluster_table(store)


EXPORT_FORMATS = {"nquads": (".nq",), "trig": (".trig",), "turtle": (".ttl",), "ntriples": (".nt",)}


def export_bytes(store: GraphStore, fmt: str) -> bytes:
    """The whole dataset: N-Quads and TriG keep the named graphs; Turtle and N-Triples hold their union."""
    from nckg.store.graph import format_media_types  # noqa: PLC0415

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    if fmt in ("nquads", "trig"):
        return store.dump(RdfFormat.N_QUADS if fmt == "nquads" else RdfFormat.TRIG)
    union = store.union_triples()  # a remote store: graph by graph, checked against its version marker
    return store.serialize(union, format_media_types(fmt, union)[0])


def export_format(path: Path) -> str:
    """The export format a file name asks for (`x.nq.gz` -> nquads)."""
    suffix = path.suffix if path.suffix != ".gz" else Path(path.stem).suffix
    fmt = next((f for f, suffixes in EXPORT_FORMATS.items() if suffix in suffixes), None)
    if fmt is None:
        raise ValueError(f"cannot tell the format of {path.name}: give format= nquads, trig, turtle or ntriples")
    return fmt


def export(store: GraphStore, path: Path, fmt: str | None = None) -> Path:
    """Write the dataset to `path` (gzip-compressed, reproducibly, when it ends in .gz); returns the path."""
    data = export_bytes(store, fmt or export_format(path))
    if path.suffix == ".gz":  # e.g. the dataset a wheel carries: nckg export --output nckg.nq.gz
        data = gzip.compress(data, compresslevel=9, mtime=0)  # same bytes for the same graph
    path.write_bytes(data)
    return path
