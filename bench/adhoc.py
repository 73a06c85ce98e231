"""Ad-hoc queries of the benchmark (not part of the catalogue): a few heavy analytical ones, and light templated ones
that become a different query text on every request (a cluster IRI or a copper count rotates, plus wrk's nonce)."""

from __future__ import annotations

import random

PREFIXES = """PREFIX nckg: <https://w3id.org/nckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# name -> query (heavy: joins / aggregations over every cluster or measurement)
HEAVY = {
    "adhoc-best-fe": """SELECT ?reaction ?product (MAX(?value) AS ?best) (COUNT(*) AS ?measurements) WHERE {
  ?m a nckg:Measurement ; nckg:metric nckg:FaradaicEfficiency ; nckg:reaction ?reaction ; nckg:value ?value ;
     nckg:catalyst ?cluster .
  OPTIONAL { ?m nckg:measuredProduct ?product }
} GROUP BY ?reaction ?product ORDER BY DESC(?best)""",
    "adhoc-ligand-families": """SELECT ?family (COUNT(DISTINCT ?cluster) AS ?clusters) (AVG(?copper) AS ?meanCopper) WHERE {
  ?cluster nckg:hasLigand ?ligand ; nckg:copperAtomCount ?copper .
  ?ligand a ?family .
  ?family rdfs:subClassOf nckg:Ligand .
} GROUP BY ?family ORDER BY DESC(?clusters)""",
    "adhoc-superatom-co2rr": """SELECT ?cluster ?formula ?electrons ?fe ?potential WHERE {
  ?cluster nckg:derivedFreeElectronCount ?electrons ; nckg:formulaAsWritten ?formula .
  FILTER (?electrons > 0)
  ?m nckg:catalyst ?cluster ; nckg:reaction nckg:ElectrochemicalCO2Reduction ;
     nckg:metric nckg:FaradaicEfficiency ; nckg:value ?fe .
  OPTIONAL { ?m nckg:potentialVsRHE ?potential }
  FILTER (?fe >= 80)
} ORDER BY DESC(?fe) LIMIT 100""",
}

# name -> template; {cluster} is a cluster IRI, {copper} a copper-atom count
LIGHT = {
    "adhoc-cluster-card": "SELECT ?p ?o WHERE {{ <{cluster}> ?p ?o }}",
    "adhoc-cluster-measurements": """SELECT ?m ?metric ?value ?unit WHERE {{
  ?m nckg:catalyst|nckg:measuredOn <{cluster}> ; nckg:metric ?metric ; nckg:unitAsWritten ?unit .
  OPTIONAL {{ ?m nckg:value ?value }}
}}""",
    "adhoc-by-copper-count": """SELECT ?cluster ?formula WHERE {{
  ?cluster nckg:copperAtomCount "{copper}"^^xsd:nonNegativeInteger ; nckg:formulaAsWritten ?formula .
}} LIMIT 20""",
}


def heavy_queries() -> dict[str, str]:
    return {name: PREFIXES + text for name, text in HEAVY.items()}


def light_variants(clusters: list[str], n: int = 500, seed: int = 10) -> dict[str, list[str]]:
    """For each light template, `n` query texts over a deterministic sample of `clusters`."""
    rng = random.Random(seed)
    sample = rng.sample(clusters, min(n, len(clusters))) if clusters else []
    out = {}
    for name, template in LIGHT.items():
        if "{cluster}" in template:
            out[name] = [PREFIXES + template.format(cluster=c) for c in sample]
        else:
            out[name] = [PREFIXES + template.format(copper=k) for k in range(3, 101)]
    return {name: texts for name, texts in out.items() if texts}
