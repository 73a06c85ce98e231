"""RDF documents for people and programs: readable Turtle (prefixes, grouped by subject, resource IRIs as short
names) and compacted JSON-LD with an `@context`, for /resource/..., the VoID, DCAT and service descriptions."""

from __future__ import annotations

import json
import re

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, serialize

from nckg.namespaces import NCKR, OBO, PREFIXES, PUBCHEM, RDF, WD
from nckg.store.graph import GRAPH_FORMATS

EXTRA_PREFIXES = {"dcat": "http://www.w3.org/ns/dcat#", "void": "http://rdfs.org/ns/void#",
                  "foaf": "http://xmlns.com/foaf/0.1/", "sd": "http://www.w3.org/ns/sparql-service-description#",
                  "sh": "http://www.w3.org/ns/shacl#"}
TURTLE_PREFIXES = {**PREFIXES, **EXTRA_PREFIXES}
_KIND = re.compile(r"[a-z][a-z0-9]*")
_PREFIXED = (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.N3, RdfFormat.RDF_XML)


def resource_prefixes(triples: list[Triple]) -> dict[str, str]:
    """The serialisation prefixes for `triples`: the project's, plus one per kind of resource they name
    (`cluster:` for https://w3id.org/nckg/resource/cluster/ ...), so Turtle writes `cluster:cu26-4plus` rather
    than an escaped `nckr:cluster\\/cu26-4plus`."""
    kinds = {}
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, NamedNode) and term.value.startswith(NCKR):
                kind = term.value[len(NCKR):].split("/", 1)[0]
                if _KIND.fullmatch(kind) and kind not in TURTLE_PREFIXES and "/" in term.value[len(NCKR):]:
                    kinds[kind] = f"{NCKR}{kind}/"
    return {**TURTLE_PREFIXES, **dict(sorted(kinds.items()))}


def _order(triples: list[Triple]) -> list[Triple]:
    """Triples grouped by subject (resources first, blank nodes last), rdf:type first within a subject."""
    def key(triple: Triple):
        subject = triple.subject
        return (isinstance(subject, BlankNode), str(subject), triple.predicate.value != RDF + "type",
                triple.predicate.value, str(triple.object))
    return sorted(triples, key=key)


def jsonld_context(prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """The `@context` of the JSON-LD documents: the project prefixes."""
    return dict(TURTLE_PREFIXES if prefixes is None else prefixes)


def compact_jsonld(triples: list[Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """The triples as JSON-LD compacted with `@context` (rdflib's JSON-LD serializer)."""
    from rdflib import Graph  # noqa: PLC0415 - only JSON-LD answers need rdflib

    graph = Graph()
    graph.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8") if triples else "", format="nt")
    context = jsonld_context(prefixes)
    text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=1)
    document = json.loads(text)
    if isinstance(document, dict) and "@context" not in document:  # an empty graph: still say the context
        document = {"@context": context, **document}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def serialize_triples(triples: list[Triple], media_type: str) -> bytes:
    """Triples in one of store.GRAPH_FORMATS: Turtle, TriG, N3 and RDF/XML with prefixes and grouped by subject,
    JSON-LD compacted with an @context, the others as pyoxigraph writes them."""
    fmt = GRAPH_FORMATS[media_type]
    triples = list(triples)
    if fmt == RdfFormat.JSON_LD:
        return compact_jsonld(triples, resource_prefixes(triples))
    if fmt in _PREFIXED:
        return serialize(_order(triples), format=fmt, prefixes=resource_prefixes(triples)) or b""
    return serialize(triples, format=fmt) or b""


__all__ = ["TURTLE_PREFIXES", "compact_jsonld", "jsonld_context", "resource_prefixes", "serialize_triples"]


_HUMAN_PAGES = (  # (IRI pattern, the page a person reads): the graph keeps the IRIs, pages link the people's pages
    (re.compile(re.escape(PUBCHEM) + r"(\d+)$"), "https://pubchem.ncbi.nlm.nih.gov/compound/{0}"),
    (re.compile(re.escape(OBO) + r"CHEBI_(\d+)$"), "https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:{0}"),
    (re.compile(re.escape(WD) + r"(Q\d+)$"), "https://www.wikidata.org/wiki/{0}"),
)


def human_page(iri: str) -> str:
    """The page a person reads for an external identifier IRI: a PubChem compound's page (not its RDF), a ChEBI
    entry; other IRIs (OBO terms such as RXNO, CHMO and MOP resolve to their pages already) unchanged."""
    for pattern, page in _HUMAN_PAGES:
        match = pattern.match(iri)
        if match:
            return page.format(match.group(1))
    return iri
