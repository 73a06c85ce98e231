"""nckg: the Nanocluster Knowledge Graph of atomically precise copper nanoclusters, as a Python library.

Curated from the open-access review Nano-Micro Lett. (2025) 17:83 (doi:10.1007/s40820-024-01555-6, CC BY 4.0):
clusters, ligands, syntheses, catalytic measurements and the verbatim quotes behind each fact.

Quick start::

    import nckg
    kg = nckg.open()                        # the built store, else the dataset packaged in the wheel
    kg.clusters()                           # DataFrame: one row per cluster (Table 1 view + composition)
    cu32 = kg.cluster("[Cu32(PET)24H8Cl2]2-")  # by id, IRI, label or formula as typed (Cu₃₂, any order/charge form)
    cu32.formula, cu32.charge, cu32.composition, cu32.ligands, cu32.core
    cu32.measurements                       # DataFrame: value, unit, product, conditions, source DOI, quote
    kg.measurements(reaction="CO2RR", metric="Faradaic efficiency", product="formate")   # label, id or synonym
    kg.ligands(), kg.cluster_ligands(), kg.syntheses(), kg.publications()
    [q.id for q in kg.questions]            # the competency-question catalogue
    kg.ask("co2rr-product-above-fe", min_fe=90).to_dataframe()
    kg.query("SELECT ?c WHERE { ?c a nckg:CopperNanocluster }")   # any SPARQL; keyword arguments bind variables

`nckg.open(location)` also takes a store path, an N-Quads dataset file or a SPARQL endpoint URL. DataFrames need
the analysis extra: pip install 'nckg[analysis]'. See docs/python-api.md.
"""

from nckg.api import IRI, KnowledgeGraph, Result, open
from nckg.model.cluster import Cluster
from nckg.model.names import AmbiguousCluster, ClusterNotFound
from nckg.model.vocabulary import AmbiguousName, UnknownName

__version__ = "0.1.0"
__all__ = ["open", "KnowledgeGraph", "Result", "Cluster", "IRI", "AmbiguousCluster", "ClusterNotFound", "AmbiguousName",
           "UnknownName"]
