"""IRIs of the graph: vocabularies, resources and named graphs."""

from __future__ import annotations

from pyoxigraph import NamedNode

NCKG = "https://w3id.org/nckg/ontology#"
NCKR = "https://w3id.org/nckg/resource/"
GRAPH = "https://w3id.org/nckg/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
BIBO = "http://purl.org/ontology/bibo/"
FABIO = "http://purl.org/spar/fabio/"
QUDT = "http://qudt.org/schema/qudt/"
OBO = "http://purl.obolibrary.org/obo/"
WD = "http://www.wikidata.org/entity/"
PUBCHEM = "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID"

ONTOLOGY_GRAPH = NamedNode(GRAPH + "ontology")
IMPORTS_GRAPH = NamedNode(GRAPH + "imports")
INFERRED_GRAPH = NamedNode(GRAPH + "inferred")
REVIEW_DOI = "10.1007/s40820-024-01555-6"

PREFIXES = {
    "nckg": NCKG, "nckr": NCKR, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS, "prov": PROV,
    "dcterms": DCTERMS, "bibo": BIBO, "fabio": FABIO, "qudt": QUDT, "unit": "http://qudt.org/vocab/unit/",
    "obo": OBO, "wd": WD,
}


def source_graph(doi: str) -> NamedNode:
    """The named graph of one source document, derived from its DOI."""
    return NamedNode(f"{GRAPH}doi/{doi.lower()}")


def doi_iri(doi: str) -> NamedNode:
    return NamedNode(f"https://doi.org/{doi.lower()}")


def resource(kind: str, ident: str) -> NamedNode:
    return NamedNode(f"{NCKR}{kind}/{ident}")


def term(local: str) -> NamedNode:
    return NamedNode(NCKG + local)
