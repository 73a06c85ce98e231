"""Deterministic synthetic Cu nanoclusters in nckg's RDF shape (docs/design.md), as streamed N-Quads, and a bulk
loader into an on-disk pyoxigraph store that reports triples/s and peak memory.

Everything generated is marked synthetic: resources live under `https://w3id.org/nckg/resource/synthetic/<kind>/...`
(same `<kind>/<id>` patterns as curated `nckr:` resources below that base), each synthetic paper has its own named
graph `https://w3id.org/nckg/graph/synthetic/doi/<doi>` (DOIs `10.5555/nckg-synthetic-NNNNNNN`, 10.5555 being
Crossref's test prefix), the ligand/chemical registry sits in `.../graph/synthetic/registry` and the inferred types in
`.../graph/synthetic/inferred`. Labels and quotes say "synthetic". Predicates, classes and vocabulary individuals are
the project's real ones, so the catalogue queries in queries/*.rq run unchanged on the data.

    python -m bench.generate --clusters 10000 --out /tmp/syn.nq          # N-Quads file ('-' = stdout, .gz ok)
    python -m bench.generate --clusters 100000 --load var/bench/store   # generate and bulk-load, print a report

The output is a pure function of (--clusters, --seed): same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from nckg.namespaces import (BIBO, DCTERMS, FABIO, GRAPH, NCKG, NCKR, PREFIXES, PROV, QUDT, RDF, RDFS, REVIEW_DOI, SKOS,
                             XSD)

SYN = NCKR + "synthetic/"
SYN_GRAPH = GRAPH + "synthetic/"
REVIEW = "https://doi.org/" + REVIEW_DOI
UNIT = PREFIXES["unit"]
DOI_PREFIX = "10.5555/nckg-synthetic-"

# QUDT unit IRIs per notation, as ontology/imports/qudt.ttl maps them.
UNITS = {
    "percent": UNIT + "PERCENT", "V": UNIT + "V", "eV": UNIT + "EV", "nm": UNIT + "NanoM", "h": UNIT + "HR",
    "min": UNIT + "MIN", "s": UNIT + "SEC", "1/h": UNIT + "PER-HR", "1/min": UNIT + "PER-MIN",
    "angstrom": UNIT + "ANGSTROM", "kJ/mol": UNIT + "KiloJ-PER-MOL", "count": UNIT + "NUM", "ratio": UNIT + "UNITLESS",
    "mA/cm2": NCKG + "MilliA-PER-CentiM2", "mol%": NCKG + "MOL-PERCENT", "m/z": NCKG + "M-PER-Z",
}

# Ligand families: (class, binding atom, electrons withdrawn, abbreviation stem, share of the registry)
FAMILIES = [
    ("ThiolateLigand", "S", 1, "SR", 30), ("PhosphineLigand", "P", 0, "PR3", 16), ("AlkynylLigand", "C", 1, "CCR", 12),
    ("HalideLigand", "Cl", 1, "X", 3), ("DiphosphineLigand", "P", 0, "dppR", 8), ("SelenolateLigand", "Se", 1, "SeR", 4),
    ("DithiophosphateLigand", "S", 1, "dtp", 4), ("DithiocarbamateLigand", "S", 1, "dtc", 3),
    ("CarboxylateLigand", "O", 1, "O2CR", 4), ("PyrazolateLigand", "N", 1, "pz", 3), ("AmineLigand", "N", 0, "NR3", 3),
    ("NHeterocyclicCarbeneLigand", "C", 0, "NHC", 3), ("XanthateLigand", "S", 1, "xan", 2),
    ("AmidinateLigand", "N", 1, "amd", 2), ("PhenanthrolineLigand", "N", 0, "phen", 1),
    ("CarboraneAlkynylLigand", "C", 1, "cbCC", 1), ("PseudohalideLigand", "N", 1, "NCS", 1),
]
N_LIGANDS = 400
N_CHEMICALS = 160
CHEMICAL_ROLES = ["copper-source", "reductant", "solvent", "base", "additive", "counter-ion", "product",
                  "ligand-precursor", "support", "substrate"]

# Reaction -> (weight, kind, [(metric, unit, low, high)], products)
REACTIONS = {
    "ElectrochemicalCO2Reduction": (30, "electro", [("FaradaicEfficiency", "percent", 20, 99),
                                                      ("PartialCurrentDensity", "mA/cm2", 1, 400),
                                                      ("TotalFaradaicEfficiency", "percent", 60, 100),
                                                      ("StabilityDuration", "h", 2, 100)], ["co", "hcooh", "ch4", "c2h4"]),
    "ElectrochemicalNitrateReduction": (10, "electro", [("FaradaicEfficiency", "percent", 40, 99),
                                                          ("YieldRate", "mA/cm2", 1, 50)], ["nh3"]),
    "HydrogenEvolution": (6, "electro", [("Overpotential", "V", 0.05, 0.6), ("CurrentDensity", "mA/cm2", 1, 100)], ["h2"]),
    "OxygenEvolution": (2, "electro", [("Overpotential", "V", 0.2, 0.7)], ["o2"]),
    "PhotocatalyticCO2Reduction": (5, "photo", [("YieldRate", "1/h", 1, 500), ("Selectivity", "percent", 50, 100)],
                                   ["co", "ch4"]),
    "PhotocatalyticSulfideOxidation": (2, "photo", [("Conversion", "percent", 30, 100)], ["sulfoxide"]),
    "UllmannCNCoupling": (3, "organic", [("ProductYield", "percent", 20, 99)], ["amine-product"]),
    "AzideAlkyneCycloaddition": (5, "organic", [("ProductYield", "percent", 30, 99), ("TurnoverFrequency", "1/h", 5, 5000)],
                                 ["triazole"]),
    "SonogashiraCoupling": (2, "organic", [("ProductYield", "percent", 20, 99)], ["diarylalkyne"]),
    "A3Coupling": (3, "organic", [("ProductYield", "percent", 20, 99), ("CatalystLoading", "mol%", 0.1, 5)], ["propargylamine"]),
    "IndolizineSynthesis": (1, "organic", [("ProductYield", "percent", 20, 99)], ["indolizine"]),
    "CyclohexanoneHydrogenation": (1, "organic", [("Conversion", "percent", 10, 100)], ["cyclohexanol"]),
    "NitrophenolReduction": (4, "organic", [("RateConstant", "1/min", 0.01, 2), ("Conversion", "percent", 50, 100)],
                             ["aminophenol"]),
    "CinnamaldehydeConjugateReduction": (1, "organic", [("Conversion", "percent", 20, 100)], ["hydrocinnamaldehyde"]),
}
PROPERTY_METRICS = [("BandGap", "eV", 1.2, 3.5, "UVVisSpectroscopy"), ("AbsorptionWavelength", "nm", 300, 700, "UVVisSpectroscopy"),
                    ("EmissionWavelength", "nm", 450, 900, "PhotoluminescenceSpectroscopy"),
                    ("MassToChargeRatio", "m/z", 800, 9000, "ESIMassSpectrometry"),
                    ("CuCuDistance", "angstrom", 2.4, 3.0, "SingleCrystalXRD")]
SYNTHESIS_METHODS = [("PrecursorReduction", 55), ("OnePotSynthesis", 15), ("GradientReductionStrategy", 5),
                     ("LigandExchangeInducedGrowth", 10), ("SizeTransformation", 8), ("LigandEtching", 7)]
CHARACTERISATION = ["SingleCrystalXRD", "PowderXRD", "ESIMassSpectrometry", "UVVisSpectroscopy", "XPS", "XANES", "EXAFS",
                    "PhotoluminescenceSpectroscopy", "DFTCalculation", "InSituFTIR"]
GEOMETRIES = ["Tetrahedral", "Cubic", "DiTetrahedral", "Octahedral", "Cuboctahedral", "AntiCuboctahedral", "TripleHelical",
              "BisquareAntiprismatic", "HexacappedRhombohedral", "PentagonalBipyramidal", "TrigonalPrismatic", "SquareArray"]
CORE_CONFIGURATIONS = ["CoreShell", "RodLike", "ArrayLike", "Multishell"]
DIFFERENCES = ["OneAtom", "OneHydride", "LigandSwap", "KernelShape", "Protonation", "SurfaceChloride", "Dimerization",
               "CoordinationSymmetry", "LigandArrangement"]
RELATIONS = ["polymorphOf", "isomerOf", "quasiIsomerOf", "isostructuralWith", "differsByOneAtomFrom",
             "differsByOneHydrideFrom", "differsByLigandFrom", "transformsInto", "analogueOf", "dimerOf"]
JOURNALS = ["J. Am. Chem. Soc.", "Angew. Chem. Int. Ed.", "Nat. Commun.", "Chem. Sci.", "Nano Lett.", "ACS Nano",
            "Inorg. Chem.", "Nanoscale", "Chem. Mater.", "Adv. Mater."]
COLOURS = ["colorless", "yellow", "orange", "red", "dark red", "brown", "green", "black"]
MAGIC = {2, 8, 18, 34, 52}
CATALYST_CLASS = {"electro": "Electrocatalyst", "photo": "Photocatalyst", "organic": "OrganicReactionCatalyst"}

TYPE = f"<{RDF}type>"


def _n(local: str) -> str:
    return f"<{NCKG}{local}>"


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def nni(value: int) -> str:
    return f'"{value}"^^<{XSD}nonNegativeInteger>'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def dec(value: float) -> str:
    text = f"{value:.3f}".rstrip("0")
    return f'"{text}0"^^<{XSD}decimal>' if text.endswith(".") else f'"{text}"^^<{XSD}decimal>'


def boolean(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD}boolean>'


def _hash(*parts) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()


def _syn(kind: str, ident: str) -> str:
    return f"<{SYN}{kind}/{ident}>"


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


class Generator:
    """Streams the quads of `clusters` synthetic clusters (plus their papers, registry and inferred types)."""

    def __init__(self, clusters: int, seed: int = 10):
        self.n_clusters = clusters
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {}
        self._graph = ""
        self._buf: list[str] = []
        self._inferred: list[str] = []
        self._recent: list[tuple[str, str]] = []  # (iri, slug) of the last clusters, for cross-paper links
        self.ligands: list[dict] = []
        self.chemicals: dict[str, list[str]] = {}

    # -- output ------------------------------------------------------------------------------------------------
    def t(self, s: str, p: str, o: str) -> None:
        self._buf.append(f"{s} {p} {o} {self._graph} .\n")

    def _flush(self) -> str:
        text = "".join(self._buf)
        self._buf.clear()
        return text

    def _count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    # -- registry ----------------------------------------------------------------------------------------------
    def registry(self) -> None:
        rng = self.rng
        self._graph = f"<{SYN_GRAPH}registry>"
        weights = [f[4] for f in FAMILIES]
        for i in range(N_LIGANDS):
            family, atom, ew, stem, _ = FAMILIES[0] if i == 0 else rng.choices(FAMILIES, weights)[0]
            ident = f"{stem.lower()}-{i:03d}"
            abbreviation = f"{stem}{i}" if family != "HalideLigand" else ["Cl", "Br", "I"][i % 3] + f"{i}"
            node = _syn("ligand", ident)
            self.ligands.append({"id": ident, "abbr": abbreviation, "family": family, "ew": ew, "iri": node})
            self.t(node, TYPE, _n(family))
            self.t(node, f"<{RDFS}label>", lit(f"synthetic {family[:-6].lower()} ligand {i}"))
            self.t(node, _n("abbreviation"), lit(abbreviation))
            self.t(node, _n("bindingAtom"), lit(atom))
            self.t(node, _n("electronsWithdrawn"), nni(ew))
            self.t(node, _n("precursorMolecule"), _syn("chemical", f"{ident}-h"))
            self.t(node, _n("hasEvidence"), self._evidence("registry", i % 7, "2.1"))
            chem = _syn("chemical", f"{ident}-h")
            self.t(chem, TYPE, _n("ChemicalEntity"))
            self.t(chem, f"<{RDFS}label>", lit(f"synthetic {abbreviation}-H (precursor)"))
            self.t(chem, _n("role"), lit("ligand-precursor"))
        self._count("ligands", N_LIGANDS)
        for i in range(N_CHEMICALS):
            role = CHEMICAL_ROLES[i % len(CHEMICAL_ROLES)]
            ident = f"{role}-{i:03d}"
            self.chemicals.setdefault(role, []).append(ident)
            node = _syn("chemical", ident)
            self.t(node, TYPE, _n("ChemicalEntity"))
            self.t(node, f"<{RDFS}label>", lit(f"synthetic {role} {i}"))
            self.t(node, _n("molecularFormula"), lit(f"C{1 + i % 12}H{2 + i % 20}O{i % 3}"))
            self.t(node, _n("role"), lit(role))
            self.t(node, _n("hasEvidence"), self._evidence("registry", i % 7, "2.2"))
        for product in sorted({p for *_, products in REACTIONS.values() for p in products}):
            node = _syn("chemical", product)
            self.t(node, TYPE, _n("ChemicalEntity"))
            self.t(node, f"<{RDFS}label>", lit(f"synthetic product {product}"))
            self.t(node, _n("role"), lit("product"))
        for k in range(7):
            self._evidence_node("registry", k, "2.1", None)
        self._count("chemicals", N_CHEMICALS)
        self._lig_weights = _zipf_weights(N_LIGANDS)
        self._xtype = [lig for lig in self.ligands if lig["ew"] == 1]
        self._ltype = [lig for lig in self.ligands if lig["ew"] == 0]
        self._x_weights = _zipf_weights(len(self._xtype))
        self._l_weights = _zipf_weights(len(self._ltype))
        self._reactions = list(REACTIONS)
        self._reaction_weights = [REACTIONS[r][0] for r in self._reactions]

    def _evidence(self, doi: str, k: int, section: str) -> str:
        return _syn("evidence", _hash(doi, k, section)[:12])

    def _evidence_node(self, doi: str, k: int, section: str, primary: str | None) -> str:
        node = self._evidence(doi, k, section)
        self.t(node, TYPE, _n("Evidence"))
        self.t(node, _n("quote"), lit(f"Synthetic benchmark statement {k} about {doi} (not a quote from the review)."))
        self.t(node, _n("reviewSection"), lit(section))
        self.t(node, f"<{PROV}wasQuotedFrom>", f"<{REVIEW}>")
        if primary:
            self.t(node, _n("primarySource"), primary)
        return node

    # -- one paper -----------------------------------------------------------------------------------------------
    def paper(self, index: int, n_clusters: int) -> None:
        rng = self.rng
        doi = f"{DOI_PREFIX}{index:07d}"
        pub = f"<https://doi.org/{doi}>"
        self._graph = f"<{SYN_GRAPH}doi/{doi}>"
        year = 2000 + rng.randrange(26)
        self.t(pub, TYPE, _n("Publication"))
        self.t(pub, f"<{BIBO}doi>", lit(doi))
        self.t(pub, _n("referenceNumber"), integer(1000 + index))
        self.t(pub, f"<{DCTERMS}title>", lit(f"Synthetic benchmark paper {index} on copper nanoclusters"))
        self.t(pub, _n("authors"), lit(f"A. Synthetic{index % 997}, B. Benchmark et al."))
        self.t(pub, _n("journal"), lit(rng.choice(JOURNALS)))
        self.t(pub, f"<{BIBO}volume>", lit(str(year - 1900)))
        self.t(pub, f"<{BIBO}pages>", lit(str(rng.randrange(1, 20000))))
        self.t(pub, f"<{FABIO}hasPublicationYear>", f'"{year}"^^<{XSD}gYear>')
        self._count("papers")
        n_quotes = 1 + (n_clusters + 1) // 2
        quotes = [self._evidence_node(doi, k, rng.choice(("2.1", "2.2", "3.1", "3.2", "3.3")), pub)
                  for k in range(n_quotes)]
        self.t(pub, _n("hasEvidence"), quotes[0])
        clusters = [self.cluster(pub, doi, quotes) for _ in range(n_clusters)]
        if rng.random() < 0.9:
            self.synthesis(doi, clusters, quotes)
        for iri, slug, _ in clusters:
            if rng.random() < 0.15:
                other = rng.choice(clusters) if len(clusters) > 1 and rng.random() < 0.6 else (
                    rng.choice(self._recent) + (None,) if self._recent else None)
                if other and other[0] != iri:
                    self.comparison((iri, slug), other[:2], quotes)
            if rng.random() < 0.05:
                other = rng.choice(clusters) if len(clusters) > 1 else (rng.choice(self._recent) + (None,)
                                                                         if self._recent else None)
                if other and other[0] != iri:
                    self.relation(iri, rng.choice(RELATIONS), other[0], quotes)
        for iri, slug, _ in clusters:
            self._recent.append((iri, slug))
        del self._recent[:-50]

    def cluster(self, pub: str, doi: str, quotes: list[str]) -> tuple[str, str, int]:
        rng = self.rng
        index = self.counts.get("clusters", 0)
        self._count("clusters")
        r = rng.random()
        cu = rng.randrange(3, 16) if r < 0.45 else rng.randrange(16, 41) if r < 0.85 else rng.randrange(41, 101)
        free = rng.choice((0, 0, 0, 0, 0, 1, 2, 2, 4, 8)) if cu > 8 else 0
        r = rng.random()
        hydride = None if r < 0.5 else 0 if r < 0.7 else rng.randrange(1, max(2, min(cu // 2, 20)))
        charge = rng.choice((0, 0, 0, 1, -1, 1, 2, -2, 3, -3)) if rng.random() < 0.8 else None
        x_total = cu - (hydride or 0) - (charge or 0) - free
        if x_total < 1:
            free, x_total = 0, max(1, cu - (hydride or 0) - (charge or 0))
        xs = list({id(lig): lig for lig in rng.choices(self._xtype, self._x_weights, k=rng.choice((1, 1, 2)))}.values())
        parts = []
        remaining = x_total
        for i, lig in enumerate(xs):
            n = remaining if i == len(xs) - 1 else max(1, remaining // 2)
            if n > 0:
                parts.append((lig, n))
            remaining -= n
        if rng.random() < 0.35:
            parts.append((rng.choices(self._ltype, self._l_weights)[0], rng.randrange(1, 9)))
        parts.sort(key=lambda item: item[0]["id"])
        merged: dict[str, tuple[dict, int]] = {}
        for lig, n in parts:
            merged[lig["id"]] = (lig, merged.get(lig["id"], (lig, 0))[1] + n)
        parts = list(merged.values())
        complete = rng.random() < 0.85
        slug = f"cu{cu}" + (f"h{hydride}" if hydride else "") + "".join(f"-{lig['id']}_{n}" for lig, n in parts)
        if charge:
            slug += f"-{abs(charge)}{'plus' if charge > 0 else 'minus'}"
        variant = rng.choice("ab") if rng.random() < 0.05 else None
        slug += f"-{variant}" if variant else ""
        slug += f"-s{index}"  # unique per synthetic cluster
        node = _syn("cluster", slug)
        charge_text = "" if not charge else f"{abs(charge)}{'+' if charge > 0 else '-'}"
        ligand_text = "".join(f"({lig['abbr']}){n}" for lig, n in parts)
        formula = f"[Cu{cu}{ligand_text}" + (f"H{hydride}" if hydride else "") + f"]{charge_text}"
        canonical = f"[Cu{cu}" + (f"H{hydride}" if hydride else "") + ligand_text + f"]{charge_text}"
        label = f"syn-Cu{cu}-{index}"
        t = self.t
        t(node, TYPE, _n("CopperNanocluster"))
        t(node, f"<{RDFS}label>", lit(label))
        t(node, f"<{SKOS}altLabel>", lit(label))
        t(node, _n("formulaAsWritten"), lit(formula))
        t(node, _n("canonicalFormula"), lit(canonical))
        t(node, _n("formulaComplete"), boolean(complete))
        t(node, _n("copperAtomCount"), nni(cu))
        if hydride is not None:
            t(node, _n("hydrideCount"), nni(hydride))
        if charge is not None:
            t(node, _n("charge"), integer(charge))
        if variant:
            t(node, _n("variant"), lit(variant))
        components = [(f"<https://w3id.org/nckg/resource/element/Cu>", "Cu", cu, None)]
        if hydride:
            components.append(("<https://w3id.org/nckg/resource/element/H>", "H", hydride, None))
        components += [(lig["iri"], lig["id"], n, lig) for lig, n in parts]
        for target, ident, n, lig in components:
            part = f"<{node[1:-1]}/component/{ident}>"
            t(node, _n("hasComponent"), part)
            t(part, TYPE, _n("ComponentCount"))
            t(part, _n("component"), target)
            t(part, _n("count"), nni(n))
            if lig:
                t(node, _n("hasLigand"), target)
        if charge and rng.random() < 0.3:
            ion = rng.choice(self.chemicals["counter-ion"])
            part = f"<{node[1:-1]}/counter-ions/{ion}>"
            t(node, _n("hasCounterIon"), part)
            t(part, TYPE, _n("ComponentCount"))
            t(part, _n("component"), _syn("chemical", ion))
            t(part, _n("count"), nni(abs(charge)))
        if rng.random() < 0.3:
            kernel = f"<{node[1:-1]}/kernel>"
            k = min(cu, rng.choice((4, 6, 8, 13)))
            t(node, _n("hasKernel"), kernel)
            t(kernel, TYPE, _n("Kernel"))
            t(kernel, _n("kernelFormula"), lit(f"Cu{k}"))
            t(kernel, _n("nuclearity"), nni(k))
            t(kernel, _n("hasGeometry"), _n(rng.choice(GEOMETRIES)))
            if rng.random() < 0.4:
                shell = f"<{node[1:-1]}/shell>"
                t(node, _n("hasShell"), shell)
                t(shell, TYPE, _n("Shell"))
                t(shell, _n("formulaAsWritten"), lit(f"Cu{cu - k}"))
                t(shell, _n("nuclearity"), nni(cu - k))
            t(node, _n("coreConfiguration"), _n(rng.choice(CORE_CONFIGURATIONS)))
        if rng.random() < 0.25:
            t(node, _n("hasGeometry"), _n(rng.choice(GEOMETRIES)))
        if rng.random() < 0.04:
            t(node, _n("hasActiveSiteMotif"), _n(rng.choice(("CuS3", "CuS2N1"))))
        if complete and charge is not None:
            withdrawn = sum(n * lig["ew"] for lig, n in parts)
            derived = cu - withdrawn - (hydride or 0) - charge
            t(node, _n("derivedFreeElectronCount"), integer(derived))
            t(node, _n("derivation"), lit(f"{cu} (Cu) - {withdrawn} (ligands) - {hydride or 0} (H) - ({charge}) (charge) = {derived}"))
            self._infer(node, "SuperatomicCluster" if derived > 0 else "CuIComplexCluster" if derived == 0 else None)
            self._infer(node, "MagicNumberCluster" if derived in MAGIC else None)
        if free and rng.random() < 0.1:
            t(node, _n("statedFreeElectronCount"), nni(free))
        if rng.random() < 0.3:
            t(node, _n("oxidationState"), lit("Cu(I)"))
            if free:
                t(node, _n("oxidationState"), lit("Cu(0)"))
        t(node, f"<{DCTERMS}source>", pub)
        t(node, _n("hasEvidence"), rng.choice(quotes))
        for family in sorted({lig["family"] for lig, _ in parts}):
            self._infer(node, {"ThiolateLigand": "ThiolateProtectedCluster", "SelenolateLigand": "SelenolateProtectedCluster",
                               "PhosphineLigand": "PhosphineProtectedCluster", "AlkynylLigand": "AlkynylProtectedCluster",
                               "PyrazolateLigand": "NitrogenLigandProtectedCluster", "AmineLigand": "NitrogenLigandProtectedCluster"
                               }.get(family))
        if len(parts) > 1:
            self._infer(node, "MixedLigandCluster")
        if hydride:
            self._infer(node, "HydrideContainingCluster")
        # characterisations
        for method in rng.sample(CHARACTERISATION, rng.choice((0, 0, 0, 1, 1))):
            ch = _syn("characterisation", f"{slug}-{method.lower()}-{_hash(slug, method)[:8]}")
            t(node, _n("characterisedBy"), ch)
            t(ch, TYPE, _n("Characterisation"))
            t(ch, _n("characterisationMethod"), _n(method))
            t(ch, _n("observation"), lit(f"synthetic observation by {method} of {label}"))
            t(ch, _n("hasEvidence"), rng.choice(quotes))
            self._count("characterisations")
        # measurements
        n_meas = rng.choice((0, 0, 0, 0, 1, 1, 1, 2, 2, 3))
        reaction = rng.choices(self._reactions, self._reaction_weights)[0] if n_meas else None
        for k in range(n_meas):
            if rng.random() < 0.8:
                self.measurement(node, slug, k, reaction, quotes)
            else:
                self.measurement(node, slug, k, None, quotes)
        if rng.random() < 0.08:
            app_reaction = rng.choices(self._reactions, self._reaction_weights)[0]
            self._reified(node, _n("catalyses"), _n(app_reaction), quotes)
            self._count("applications")
        return node, slug, index

    def measurement(self, cluster: str, slug: str, k: int, reaction: str | None, quotes: list[str]) -> None:
        rng = self.rng
        t = self.t
        if reaction:
            _, kind, metrics, products = REACTIONS[reaction]
            metric, unit, low, high = rng.choice(metrics)
            method = None
        else:
            metric, unit, low, high, method = rng.choice(PROPERTY_METRICS)
            kind = None
        node = _syn("measurement", f"{slug}-{metric.lower()}-{_hash(slug, k, metric)[:8]}")
        t(node, TYPE, _n("Measurement"))
        t(node, _n("catalyst" if reaction else "measuredOn"), cluster)
        if reaction:
            t(node, _n("reaction"), _n(reaction))
            self._infer(cluster, "Catalyst")
            self._infer(cluster, CATALYST_CLASS[kind])
            if metric in ("FaradaicEfficiency", "PartialCurrentDensity", "YieldRate", "Selectivity", "ProductYield"):
                t(node, _n("measuredProduct"), _syn("chemical", rng.choice(products)))
        t(node, _n("metric"), _n(metric))
        value = low + (high - low) * rng.random()
        if rng.random() < 0.1:
            t(node, _n("valueMin"), dec(value))
            t(node, _n("valueMax"), dec(min(high, value * 1.2)))
        else:
            t(node, _n("value"), dec(value))
        t(node, f"<{QUDT}unit>", f"<{UNITS[unit]}>")
        t(node, _n("unitAsWritten"), lit(unit))
        if rng.random() < 0.15:
            t(node, _n("qualifier"), lit(rng.choice(("over", "approximately", "up-to", "nearly"))))
        if method:
            t(node, _n("method"), _n(method))
        if kind == "electro":
            t(node, _n("potentialVsRHE"), dec(-0.2 - 1.2 * rng.random()))
            if rng.random() < 0.7:
                t(node, _n("electrolyte"), lit(rng.choice(("0.5 M KHCO3", "0.1 M KHCO3", "1 M KOH", "0.1 M KNO3"))))
        elif kind == "photo":
            t(node, _n("light"), lit("visible light"))
        elif kind == "organic" and rng.random() < 0.5:
            t(node, _n("loadingValue"), dec(0.1 + 5 * rng.random()))
            t(node, _n("loadingUnit"), f"<{UNITS['mol%']}>")
            if rng.random() < 0.5:
                t(node, _n("durationValue"), dec(1 + 23 * rng.random()))
                t(node, _n("durationUnit"), f"<{UNITS['h']}>")
            t(node, _n("temperatureText"), lit("room temperature" if rng.random() < 0.5 else "80 °C"))
        t(node, _n("hasEvidence"), rng.choice(quotes))
        self._count("measurements")

    def synthesis(self, doi: str, clusters: list[tuple[str, str, int]], quotes: list[str]) -> None:
        rng = self.rng
        t = self.t
        methods, weights = zip(*SYNTHESIS_METHODS)
        method = rng.choices(methods, weights)[0]
        node = _syn("synthesis", f"{doi.rsplit('-', 1)[1]}-{method.lower()}")
        t(node, TYPE, _n("SynthesisProcedure"))
        t(node, _n("synthesisMethod"), _n(method))
        for iri, _, _ in clusters:
            t(node, _n("sideProduct" if len(clusters) > 1 and rng.random() < 0.1 else "product"), iri)
        if method in ("SizeTransformation", "LigandExchangeInducedGrowth", "LigandEtching") and self._recent:
            t(node, _n("startingCluster"), rng.choice(self._recent)[0])
        t(node, _n("copperSource"), _syn("chemical", rng.choice(self.chemicals["copper-source"])))
        t(node, _n("ligandReagent"), _syn("chemical", f"{rng.choices(self.ligands, self._lig_weights)[0]['id']}-h"))
        if rng.random() < 0.7:
            t(node, _n("reductant"), _syn("chemical", rng.choice(self.chemicals["reductant"])))
        for solvent in rng.sample(self.chemicals["solvent"], rng.choice((1, 1, 2))):
            t(node, _n("solvent"), _syn("chemical", solvent))
        if rng.random() < 0.2:
            t(node, _n("base"), _syn("chemical", rng.choice(self.chemicals["base"])))
        if rng.random() < 0.2:
            t(node, _n("precursorText"), lit(f"Cu(SR)x intermediate {rng.randrange(100)}"))
        colour = rng.choice(COLOURS)
        for order in range(1, rng.choice((1, 1, 2, 3)) + 1):
            step = f"<{node[1:-1]}/step/{order}>"
            t(node, _n("hasStep"), step)
            t(step, TYPE, _n("SynthesisStep"))
            t(step, _n("stepOrder"), nni(order))
            t(step, _n("stepText"), lit(f"synthetic step {order}: stir, add reductant, wait"))
            if rng.random() < 0.4:
                new = rng.choice(COLOURS)
                t(step, _n("colourFrom"), lit(colour))
                t(step, _n("colourTo"), lit(new))
                colour = new
        for iri, slug, _ in clusters:
            if rng.random() < 0.5:
                y = f"<{node[1:-1]}/yield/{slug}>"
                t(node, _n("hasYield"), y)
                t(y, TYPE, _n("Yield"))
                t(y, _n("yieldOf"), iri)
                t(y, _n("yieldPercent"), dec(5 + 90 * rng.random()))
        t(node, _n("conditionText"), lit(f"time: {rng.randrange(1, 48)} h"))
        t(node, _n("hasEvidence"), rng.choice(quotes))
        self._count("syntheses")

    def comparison(self, better: tuple[str, str], worse: tuple[str, str], quotes: list[str]) -> None:
        rng = self.rng
        t = self.t
        reaction = rng.choices(self._reactions, self._reaction_weights)[0]
        metric = rng.choice(("CatalyticActivity", "FaradaicEfficiency", "ProductYield", "Selectivity"))
        node = _syn("comparison", f"{better[1]}-vs-{worse[1]}-{_hash(better[1], worse[1], metric)[:8]}")
        ratio = round(1.2 + 30 * rng.random(), 1)
        t(node, TYPE, _n("Comparison"))
        t(node, _n("better"), better[0])
        t(node, _n("worse"), worse[0])
        t(node, _n("comparedMetric"), _n(metric))
        t(node, _n("reaction"), _n(reaction))
        t(node, _n("ratio"), dec(ratio))
        t(node, _n("ratioText"), lit(f"{ratio} times higher"))
        if rng.random() < 0.6:
            t(node, _n("structuralDifference"), _n(rng.choice(DIFFERENCES)))
        if rng.random() < 0.5:
            t(node, _n("explanation"), lit("synthetic explanation: easier ligand dissociation"))
        t(node, _n("hasEvidence"), rng.choice(quotes))
        self._count("comparisons")

    def relation(self, subject: str, predicate: str, obj: str, quotes: list[str]) -> None:
        self._reified(subject, _n(predicate), obj, quotes)
        self._count("relations")

    def _reified(self, s: str, p: str, o: str, quotes: list[str]) -> None:
        t = self.t
        t(s, p, o)
        statement = _syn("statement", _hash(s, p, o)[:8])
        t(statement, TYPE, f"<{RDF}Statement>")
        t(statement, f"<{RDF}subject>", s)
        t(statement, f"<{RDF}predicate>", p)
        t(statement, f"<{RDF}object>", o)
        t(statement, _n("hasEvidence"), self.rng.choice(quotes))

    def _infer(self, node: str, cls: str | None) -> None:
        if cls:
            self._inferred.append(f"{node} {TYPE} {_n(cls)} <{SYN_GRAPH}inferred> .\n")

    # -- the stream ------------------------------------------------------------------------------------------
    def chunks(self, time_limit: float | None = None, progress=None) -> Iterator[str]:
        """N-Quads text in chunks of about one paper each; stops after the paper during which `time_limit` seconds
        ran out (counts then say how far it got); `progress(done, seconds)` is called every 100,000 clusters."""
        started = time.monotonic()
        self.registry()
        yield self._flush()
        paper = done = 0
        next_mark = 100_000
        while done < self.n_clusters:
            if paper % 1000 == 0 and time_limit is not None and time.monotonic() - started > time_limit:
                self.counts["stopped_at_time_limit"] = True
                break
            if progress and done >= next_mark:
                progress(done, time.monotonic() - started)
                next_mark += 100_000
            n = min(self.n_clusters - done, self.rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4, 6)))
            self.paper(paper, n)
            done += n
            paper += 1
            if self._inferred:
                self._buf.extend(dict.fromkeys(self._inferred))  # each inferred type once per cluster
                self._inferred.clear()
            if len(self._buf) > 20000:
                yield self._flush()
        yield self._flush()


def write(clusters: int, out, seed: int = 10, time_limit: float | None = None, progress_file=None) -> dict:
    """Write the N-Quads of `clusters` synthetic clusters to the text stream `out`; returns counts."""
    gen = Generator(clusters, seed)
    quads = 0

    def progress(done: int, seconds: float) -> None:
        if progress_file:
            print(json.dumps({"clusters": done, "quads": quads, "seconds": round(seconds, 1)}), file=progress_file,
                  flush=True)

    for chunk in gen.chunks(time_limit, progress):
        quads += chunk.count("\n")
        out.write(chunk)
    out.flush()
    return {"requested_clusters": clusters, "seed": seed, "quads": quads, **gen.counts}


def _open_out(path: str):
    if path == "-":
        return sys.stdout
    if path.endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=1)
    return open(path, "w", encoding="utf-8", buffering=1 << 20)


def peak_rss_mib() -> dict[str, float]:
    """Peak resident set size of this process and of its waited-for children (MiB)."""
    return {"self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


class RssSampler:
    """Samples VmRSS of this process (and optionally others) every `interval` s; `.peak_mib` is the maximum seen."""

    def __init__(self, pids: list[int] | None = None, interval: float = 0.5):
        self.pids, self.interval = pids or [os.getpid()], interval
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, sum(rss_mib(pid) for pid in self.pids))
            self._stop.wait(self.interval)


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(c) for c in children.read().split()]
        except OSError:
            pass
    return out


def tree_rss_mib(pid: int, field: str = "VmRSS") -> float:
    """Sum of `field` (VmRSS now, VmHWM peak) over a process and its descendants (e.g. nckg's query workers)."""
    return sum(rss_mib(p, field) for p in descendants(pid))


def _stream_synthetic(store, clusters: int, seed: int, time_limit: float | None, progress: Path | None):
    """Run the generator in a child process writing into a FIFO that the store's bulk loader reads.
    Returns (generator exit code, its counts, its sampled peak RSS in MiB)."""
    from pyoxigraph import RdfFormat  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="nckg-gen-") as tmp:
        fifo = Path(tmp) / "synthetic.nq"
        counts_file = Path(tmp) / "counts.json"
        os.mkfifo(fifo)
        cmd = [sys.executable, "-m", "bench.generate", "--clusters", str(clusters), "--seed", str(seed),
               "--out", str(fifo), "--counts", str(counts_file)]
        if time_limit:
            cmd += ["--time-limit", str(time_limit)]
        if progress:
            cmd += ["--progress", str(progress)]
        child = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent)
        with RssSampler([child.pid]) as generator_rss:
            try:
                store.bulk_load(path=str(fifo), format=RdfFormat.N_QUADS)
            finally:
                returncode = child.wait()
        counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    return returncode, counts, generator_rss.peak_mib


def load(store_path: Path, clusters: int, seed: int = 10, extra_nquads: list[Path] = (), *,
         time_limit: float | None = None, progress: Path | None = None) -> dict:
    """Generate `clusters` synthetic clusters in a child process and stream them through a FIFO into pyoxigraph's
    bulk loader writing a new on-disk store at `store_path` (plus `extra_nquads` files, e.g. the curated graph).
    Returns build figures: quads, seconds, quads/s, peak RSS of the loader and of the generator."""
    from pyoxigraph import RdfFormat, Store  # noqa: PLC0415

    store_path = Path(store_path)
    if store_path.exists() and any(store_path.iterdir()):
        raise FileExistsError(f"refusing to load into non-empty {store_path}")
    store_path.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    store = Store(str(store_path))
    extra_quads = 0
    for path in extra_nquads:
        store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
        extra_quads += sum(1 for _ in open(path, encoding="utf-8"))
    returncode, counts = 0, {"clusters": 0, "quads": 0}
    with RssSampler([os.getpid()]) as loader_rss:
        generator_peak = 0.0
        if clusters > 0:  # (0: the curated graph alone, no synthetic registry either)
            returncode, counts, generator_peak = _stream_synthetic(store, clusters, seed, time_limit, progress)
        loaded = time.perf_counter()
        store.flush()
        store.optimize()
    del store
    finished = time.perf_counter()
    quads = counts.get("quads", 0) + extra_quads
    seconds = finished - started
    return {
        "store": str(store_path), "clusters": counts.get("clusters", 0), "requested_clusters": clusters, "seed": seed,
        "complete": returncode == 0 and counts.get("clusters", 0) == max(clusters, 0),
        "generator_returncode": returncode, "quads": quads, "synthetic_quads": counts.get("quads"),
        "extra_quads": extra_quads, "counts": counts,
        "seconds_load": round(loaded - started, 2), "seconds_total": round(seconds, 2),
        "quads_per_second": round(quads / seconds) if seconds else None,
        "peak_rss_mib": {"loader_sampled": round(loader_rss.peak_mib, 1), "generator_sampled": round(generator_peak, 1),
                         **peak_rss_mib()},
        "store_bytes": sum(f.stat().st_size for f in store_path.rglob("*") if f.is_file()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--out", help="N-Quads output path ('-' for stdout, '.gz' to compress)")
    parser.add_argument("--counts", help="write the counts (JSON) here")
    parser.add_argument("--load", type=Path, help="bulk-load into a new on-disk store at this path instead")
    parser.add_argument("--time-limit", type=float, help="stop generating (cleanly, after a paper) after this many s")
    parser.add_argument("--progress", type=Path, help="append a JSON line every 100,000 clusters to this file")
    parser.add_argument("--report", type=Path, help="with --load: also write the build figures (JSON) here")
    args = parser.parse_args(argv)
    if args.load:
        figures = load(args.load, args.clusters, args.seed, time_limit=args.time_limit, progress=args.progress)
        print(json.dumps(figures, indent=2))
        if args.report:
            args.report.parent.mkdir(parents=True, exist_ok=True)
            args.report.write_text(json.dumps(figures, indent=2) + "\n")
        return
    out = _open_out(args.out or "-")
    progress_file = open(args.progress, "a", encoding="utf-8") if args.progress else None
    try:
        counts = write(args.clusters, out, args.seed, args.time_limit, progress_file)
    except BrokenPipeError:
        sys.exit(1)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.counts:
        Path(args.counts).write_text(json.dumps(counts))
    else:
        print(json.dumps(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
