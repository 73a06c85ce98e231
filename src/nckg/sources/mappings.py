"""SSSOM mapping tables (ontology/mappings/*.sssom.tsv) -> SKOS mapping triples.

Every link from nckg terms to external vocabularies (RXNO, MOP, CHMO, ChEBI, NPO, QUDT, PubChem) is published as an
SSSOM table with its justification; the build turns the tables into triples with `mapping_triples()`.
Only SKOS mapping predicates are accepted (exact/close/broad/narrow/relatedMatch): owl:sameAs would merge an nckg
concept with an external OWL class and import all of its axioms, which the mappings do not claim
(see ontology/mappings/README.md).

`chemical_rows()` derives the chemicals/ligands table from data/chemicals.yaml and data/ligands.yaml;
`python -m nckg.sources.mappings --write-chemicals` rewrites ontology/mappings/chemicals.sssom.tsv from it.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

import yaml
from pyoxigraph import NamedNode

from nckg import config

SKOS = "http://www.w3.org/2004/02/skos/core#"
MAPPING_PREDICATES = {f"skos:{name}" for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                                                   "relatedMatch")}
DEFAULT_CURIES = {
    "nckg": "https://w3id.org/nckg/ontology#",
    "nckr": "https://w3id.org/nckg/resource/",
    "skos": SKOS,
    "semapv": "https://w3id.org/semapv/vocab/",
    "RXNO": "http://purl.obolibrary.org/obo/RXNO_",
    "MOP": "http://purl.obolibrary.org/obo/MOP_",
    "CHMO": "http://purl.obolibrary.org/obo/CHMO_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "npo": "http://purl.bioontology.org/ontology/npo#",
    "unit": "http://qudt.org/vocab/unit/",
    "quantitykind": "http://qudt.org/vocab/quantitykind/",
    "pubchem.compound": "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID",
    "wikidata": "http://www.wikidata.org/entity/",
}
COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "confidence", "comment"]


class MappingError(ValueError):
    """A mapping table that breaks the rules (unknown prefix, forbidden predicate, missing column)."""


@dataclass(frozen=True)
class MappingSet:
    path: Path
    metadata: dict
    rows: list[dict[str, str]]

    @property
    def curie_map(self) -> dict[str, str]:
        return {**DEFAULT_CURIES, **(self.metadata.get("curie_map") or {})}

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        if curie.startswith(("http://", "https://")):
            return curie
        if prefix not in self.curie_map:
            raise MappingError(f"{self.path.name}: unknown CURIE prefix in {curie!r}")
        return self.curie_map[prefix] + local


def mappings_dir() -> Path:
    return config.ontology_dir() / "mappings"


def read_sssom(path: Path) -> MappingSet:
    """An SSSOM/TSV file: `#`-prefixed YAML metadata block, then a TSV table."""
    meta_lines, table_lines = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            meta_lines.append(line[1:])
        elif line.strip():
            table_lines.append(line)
    metadata = yaml.safe_load("\n".join(meta_lines)) or {}
    rows = list(csv.DictReader(table_lines, delimiter="\t"))
    if rows and not set(COLUMNS[:6]) <= set(rows[0]):
        raise MappingError(f"{path.name}: missing SSSOM columns {sorted(set(COLUMNS[:6]) - set(rows[0]))}")
    return MappingSet(path, metadata, rows)


def mapping_sets(directory: Path | None = None) -> list[MappingSet]:
    return [read_sssom(path) for path in sorted((directory or mappings_dir()).glob("*.sssom.tsv"))]


def mapping_triples(directory: Path | None = None, include_chemicals: bool = True) -> list[tuple]:
    """(subject, predicate, object) pyoxigraph NamedNode triples of all SSSOM tables.

    Rows without subject_id (literal mappings, e.g. role slugs) give no triple. `include_chemicals=False` skips
    chemicals.sssom.tsv (the compiler already emits chemical identifiers from the YAML)."""
    triples = []
    for mset in mapping_sets(directory):
        if not include_chemicals and mset.path.name == "chemicals.sssom.tsv":
            continue
        for row in mset.rows:
            predicate = row["predicate_id"]
            if predicate not in MAPPING_PREDICATES:
                raise MappingError(f"{mset.path.name}: predicate {predicate!r} is not a SKOS mapping predicate")
            if not row.get("subject_id"):
                continue
            triples.append((NamedNode(mset.expand(row["subject_id"])), NamedNode(mset.expand(predicate)),
                            NamedNode(mset.expand(row["object_id"]))))
    return list(dict.fromkeys(triples))


# ------------------------------------------------------------------ chemicals / ligands table (derived from YAML)
def _records(name: str, key: str) -> list[dict]:
    path = config.data_dir() / name
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key) or []


def chemical_rows() -> list[dict[str, str]]:
    """One exactMatch row per ChEBI / PubChem / Wikidata identifier of a chemical or (bound) ligand."""
    rows = []
    for name, key, kind in (("chemicals.yaml", "chemicals", "chemical"), ("ligands.yaml", "ligands", "ligand")):
        for record in _records(name, key):
            targets = []
            if record.get("chebi"):
                targets.append((record["chebi"], "ChEBI entry whose InChIKey (ontology/imports/chebi.ttl) equals "
                                                 "the RDKit InChIKey of the record's SMILES"))
            if record.get("pubchem_cid"):
                targets.append((f"pubchem.compound:{record['pubchem_cid']}",
                                "PubChem CID whose InChIKey (ontology/imports/pubchem.tsv) equals the RDKit "
                                "InChIKey of the record's SMILES"))
            if record.get("wikidata"):
                targets.append((f"wikidata:{record['wikidata']}", "Wikidata item with the same InChIKey (P235)"))
            for target, why in targets:
                rows.append({"subject_id": f"nckr:{kind}/{record['id']}", "subject_label": record["name"],
                             "predicate_id": "skos:exactMatch", "object_id": target, "object_label": "",
                             "mapping_justification": "semapv:ManualMappingCuration", "confidence": "1.0",
                             "comment": f"{why} ({record.get('inchikey')})."})
    return rows


SOURCE_NAMES = {"CHEBI": "ChEBI", "pubchem.compound": "PubChem", "wikidata": "Wikidata", "RXNO": "RXNO",
                "MOP": "MOP", "CHMO": "CHMO", "unit": "QUDT units", "quantitykind": "QUDT quantity kinds",
                "npo": "NPO"}


def link_counts(directory: Path | None = None) -> dict[str, int]:
    """Number of distinct nckg entities (subjects) linked to each external source, e.g. {'ChEBI': 38, ...}.

    Literal mappings (role slugs) count by their label. Used by the README and the build report."""
    subjects: dict[str, set[str]] = {name: set() for name in SOURCE_NAMES.values()}
    for mset in mapping_sets(directory):
        for row in mset.rows:
            source = SOURCE_NAMES.get(row["object_id"].split(":", 1)[0])
            if source:
                subjects[source].add(row.get("subject_id") or "literal:" + row.get("subject_label", ""))
    return {name: len(ids) for name, ids in subjects.items()}


CHEMICALS_HEADER = """# curie_map:
#   nckr: https://w3id.org/nckg/resource/
#   skos: http://www.w3.org/2004/02/skos/core#
#   semapv: https://w3id.org/semapv/vocab/
#   CHEBI: http://purl.obolibrary.org/obo/CHEBI_
#   pubchem.compound: http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID
#   wikidata: http://www.wikidata.org/entity/
# mapping_set_id: https://w3id.org/nckg/mappings/chemicals.sssom.tsv
# mapping_set_title: nckg chemicals and ligands to ChEBI, PubChem and Wikidata
# license: https://creativecommons.org/licenses/by/4.0/
# creator_label: The nckg project contributors
# subject_source: https://w3id.org/nckg/resource/
# comment: GENERATED from data/chemicals.yaml and data/ligands.yaml by `python -m nckg.sources.mappings --write-chemicals`;
#   identity of structure is the criterion, so the predicate is skos:exactMatch (not owl:sameAs, which would merge
#   the nckg resource with the external record and all its statements).
"""


def render_chemicals_table(rows: list[dict[str, str]] | None = None) -> str:
    rows = chemical_rows() if rows is None else rows
    lines = [CHEMICALS_HEADER.rstrip("\n"), "\t".join(COLUMNS)]
    lines += ["\t".join(row[column] for column in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SSSOM mapping tables of nckg")
    parser.add_argument("--write-chemicals", action="store_true", help="rewrite ontology/mappings/chemicals.sssom.tsv")
    args = parser.parse_args(argv)
    if args.write_chemicals:
        target = mappings_dir() / "chemicals.sssom.tsv"
        target.write_text(render_chemicals_table(), encoding="utf-8")
        print(f"wrote {target} ({len(chemical_rows())} rows)")
    print("linked nckg entities per external source:")
    for source, count in link_counts().items():
        print(f"  {source:20s} {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
