#!/usr/bin/env python3
"""Regenerate the small external-term modules in ontology/imports/ from full ontology files.

The build never touches the network: it loads the modules this script wrote. Run it again when a mapping table
(ontology/mappings/*.sssom.tsv) or a chemical/ligand identifier (data/*.yaml `chebi:`, `pubchem_cid:`) changes.

    .venv/bin/python scripts/extract_imports.py \
        --rxno rxno.obo --mop mop.obo --chmo chmo.obo \
        --chebi chebi.obo [more ChEBI files ...] \
        --npo npo-asserted.owl \
        --quantitykinds VOCAB_QUDT-QUANTITY-KINDS-ALL.ttl \
        --pubchem-tsv "chemical identifiers pubchem large.tsv" [more tables ...] \
        [--version chebi="ChEBI 249 via ..."] [--out ontology/imports]

Only the modules whose source is given are rewritten. Where the files come from is documented in
ontology/imports/README.md. Every module records, per term: IRI, rdfs:label, direct parents (rdfs:subClassOf,
only to terms also in the module), rdfs:isDefinedBy and owl:versionInfo (the source release).
ChEBI terms also keep their InChIKey (chebi/inchikey) so tests can re-verify chemical identifiers offline.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OBO = "http://purl.obolibrary.org/obo/"
NPO = "http://purl.bioontology.org/ontology/npo#"
QK = "http://qudt.org/vocab/quantitykind/"
PREFIXES = {"RXNO": OBO + "RXNO_", "MOP": OBO + "MOP_", "CHMO": OBO + "CHMO_", "CHEBI": OBO + "CHEBI_",
            "npo": NPO, "quantitykind": QK, "unit": "http://qudt.org/vocab/unit/"}
MODULES = {  # module file -> (CURIE prefixes it holds, ontology IRI, title, licence)
    "rxno": (("RXNO",), OBO + "rxno.owl", "RXNO (name reaction ontology)", "https://creativecommons.org/licenses/by/4.0/"),
    "mop": (("MOP",), OBO + "mop.owl", "MOP (molecular process ontology)", "https://creativecommons.org/licenses/by/4.0/"),
    "chmo": (("CHMO",), OBO + "chmo.owl", "CHMO (chemical methods ontology)", "https://creativecommons.org/licenses/by/4.0/"),
    "chebi": (("CHEBI",), OBO + "chebi.owl", "ChEBI (chemical entities of biological interest)",
              "https://creativecommons.org/licenses/by/4.0/"),
    "npo": (("npo",), "http://purl.bioontology.org/ontology/npo", "NPO (NanoParticle Ontology)",
            "https://opensource.org/licenses/BSD-3-Clause"),
    "qudt-quantitykinds": (("quantitykind",), "http://qudt.org/vocab/quantitykind/", "QUDT quantity kinds",
                           "https://creativecommons.org/licenses/by/4.0/"),
}


@dataclass
class Term:
    curie: str
    label: str | None = None
    parents: list[str] = field(default_factory=list)
    inchikey: str | None = None
    obsolete: bool = False
    source: str = ""


def curie_to_iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


def iri_to_curie(iri: str) -> str | None:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return None


# ------------------------------------------------------------------ parsers (OBO, RDF/XML, OWL functional, Turtle)
def parse_obo(path: Path) -> tuple[dict[str, Term], str]:
    text = path.read_text(encoding="utf-8")
    version = (re.search(r"^data-version: (.+)$", text, re.M) or [None, path.name])[1]
    terms = {}
    for block in re.split(r"\n\[(?:Term|Typedef|Instance)\]\n", text)[1:]:
        m = re.search(r"^id: (\S+)", block, re.M)
        if not m:
            continue
        name = re.search(r"^name: (.+)$", block, re.M)
        key = re.search(r'inchikey "?([A-Z]{14}-[A-Z]{10}-[A-Z])', block)
        terms[m.group(1)] = Term(m.group(1), name.group(1).strip() if name else None,
                                 re.findall(r"^is_a: (\S+)", block, re.M), key.group(1) if key else None,
                                 "is_obsolete: true" in block, f"{path.name} ({version})")
    return terms, version


def parse_rdfxml(path: Path) -> tuple[dict[str, Term], str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    base = (re.search(r'xml:base="([^"]+)"', text) or [None, ""])[1]
    version = (re.search(r'owl:versionIRI rdf:resource="([^"]+)"', text)
               or re.search(r"<owl:versionInfo[^>]*>\s*([^<]+?)\s*<", text) or [None, path.name])[1]
    terms = {}
    for m in re.finditer(r'<owl:Class rdf:about="([^"]+)">(.*?)</owl:Class>', text, re.S):
        about, body = m.group(1), m.group(2)
        iri = base + about if about.startswith("#") else about
        curie = iri_to_curie(iri)
        if not curie:
            continue
        label = re.search(r"<rdfs:label[^>]*>\s*([^<]+?)\s*</rdfs:label>", body)
        parents = [iri_to_curie(base + p if p.startswith("#") else p)
                   for p in re.findall(r'<rdfs:subClassOf rdf:resource="([^"]+)"', body)]
        key = re.search(r"inchikey[^>]*>([A-Z]{14}-[A-Z]{10}-[A-Z])<", body)
        terms[curie] = Term(curie, label.group(1) if label else None, [p for p in parents if p],
                            key.group(1) if key else None, "<owl:deprecated" in body and ">true<" in body,
                            f"{path.name} ({version})")
    return terms, version


def parse_functional(path: Path) -> tuple[dict[str, Term], str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    version = (re.search(r'owl:versionInfo "([^"]+)"', text) or [None, path.name])[1]
    terms: dict[str, Term] = {}

    def term(iri: str) -> Term | None:
        curie = iri_to_curie(iri)
        if not curie:
            return None
        return terms.setdefault(curie, Term(curie, source=f"{path.name} ({version})"))

    for iri, label in re.findall(r'AnnotationAssertion\(rdfs:label <([^>]+)> "([^"]*)"', text):
        if (t := term(iri)):
            t.label = label
    for iri, key in re.findall(r'AnnotationAssertion\(<http://purl.obolibrary.org/obo/chebi/inchikey> <([^>]+)> "([A-Z-]+)"', text):
        if (t := term(iri)):
            t.inchikey = key
    for child, parent in re.findall(r"SubClassOf\(<([^>]+)> <([^>]+)>\)", text):
        if (t := term(child)) and (p := iri_to_curie(parent)):
            t.parents.append(p)
    return terms, version


def parse_turtle_quantitykinds(path: Path) -> tuple[dict[str, Term], str]:
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDFS, SKOS

    graph = Graph().parse(path, format="turtle")
    version = next((str(v) for v in graph.objects(None, OWL.versionInfo)), path.name)
    terms = {}
    for s in set(graph.subjects()):
        curie = iri_to_curie(str(s)) if isinstance(s, URIRef) else None
        if not curie or not curie.startswith("quantitykind:"):
            continue
        labels = [lbl for lbl in graph.objects(s, RDFS.label) if getattr(lbl, "language", None) in ("en", None)]
        parents = [iri_to_curie(str(p)) for p in graph.objects(s, SKOS.broader)]
        terms[curie] = Term(curie, str(labels[0]) if labels else None, [p for p in parents if p],
                            source=f"{path.name} ({version})")
    return terms, version


def parse_any(path: Path) -> tuple[dict[str, Term], str]:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    if path.suffix == ".obo" or head.startswith("format-version"):
        return parse_obo(path)
    if path.suffix == ".ttl":
        return parse_turtle_quantitykinds(path)
    if head.lstrip().startswith("<"):
        return parse_rdfxml(path)
    return parse_functional(path)


# ------------------------------------------------------------------ which terms the project uses
def read_sssom(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def used_terms(root: Path = ROOT) -> dict[str, set[str]]:
    """CURIEs per module: SSSOM objects + chebi ids of data/chemicals.yaml and data/ligands.yaml."""
    wanted: dict[str, set[str]] = {name: set() for name in MODULES}
    prefix_module = {p: name for name, (prefixes, *_rest) in MODULES.items() for p in prefixes}
    curies = set()
    for path in sorted((root / "ontology" / "mappings").glob("*.sssom.tsv")):
        curies.update(row["object_id"] for row in read_sssom(path))
    for name, key in (("chemicals.yaml", "chemicals"), ("ligands.yaml", "ligands")):
        for record in (yaml.safe_load((root / "data" / name).read_text(encoding="utf-8")) or {}).get(key) or []:
            if record.get("chebi"):
                curies.add(record["chebi"])
    for curie in curies:
        module = prefix_module.get(curie.split(":", 1)[0])
        if module:
            wanted[module].add(curie)
    return wanted


def used_pubchem(root: Path = ROOT) -> dict[int, tuple[str, str]]:
    out = {}
    for name, key in (("chemicals.yaml", "chemicals"), ("ligands.yaml", "ligands")):
        for record in (yaml.safe_load((root / "data" / name).read_text(encoding="utf-8")) or {}).get(key) or []:
            if record.get("pubchem_cid"):
                out[int(record["pubchem_cid"])] = (record.get("inchikey") or "", record["id"])
    return out


# ------------------------------------------------------------------ writers
def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_module(name: str, wanted: set[str], sources: list[Path], out_dir: Path, version_note: str | None) -> list[str]:
    prefixes, ontology_iri, title, licence = MODULES[name]
    found: dict[str, Term] = {}
    versions = []
    for path in sources:
        terms, version = parse_any(path)
        versions.append(f"{path.name} ({version})")
        for curie, term in terms.items():
            first = found.setdefault(curie, term)
            if first is not term:  # earlier sources win; later ones only fill what is missing
                first.label = first.label or term.label
                first.parents = first.parents or term.parents
                if not first.inchikey and term.inchikey:
                    first.inchikey, first.source = term.inchikey, f"{first.source}; InChIKey from {term.source}"
    missing = sorted(c for c in wanted if c not in found or not found[c].label)
    obsolete = sorted(c for c in wanted if c in found and found[c].obsolete)
    include = set(c for c in wanted if c in found)
    parents = {p for c in include for p in found[c].parents if p in found and p.split(":")[0] in prefixes}
    include |= parents
    lines = [
        f"# Extracted {title} terms used by nckg. GENERATED by scripts/extract_imports.py - do not edit by hand.",
        f"# Source: {version_note or '; '.join(versions)}. Licence: {licence}.",
        "@prefix owl:  <http://www.w3.org/2002/07/owl#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        f"<https://w3id.org/nckg/ontology/imports/{name}> a owl:Ontology ;",
        f"    rdfs:label {_lit('nckg import module: ' + title)}@en ;",
        f"    dcterms:source <{ontology_iri}> ;",
        f"    dcterms:license <{licence}> ;",
        f"    owl:versionInfo {_lit(version_note or '; '.join(versions))} .",
        "",
    ]
    if name == "chebi":
        lines += ["<http://purl.obolibrary.org/obo/chebi/inchikey> a owl:AnnotationProperty ;",
                  '    rdfs:label "InChIKey (ChEBI)"@en .', ""]
    if name == "qudt-quantitykinds":
        lines += ["<http://qudt.org/schema/qudt/QuantityKind> a owl:Class ;", '    rdfs:label "Quantity Kind"@en .', ""]
    for curie in sorted(include):
        term = found[curie]
        kind = "<http://qudt.org/schema/qudt/QuantityKind> , owl:NamedIndividual" if name == "qudt-quantitykinds" \
            else "owl:Class"
        body = [f"<{curie_to_iri(curie)}> a {kind}", f"    rdfs:label {_lit(term.label or curie)}@en"]
        if name != "qudt-quantitykinds":
            body += [f"    rdfs:subClassOf <{curie_to_iri(p)}>" for p in term.parents if p in include]
        body += [f"    rdfs:isDefinedBy <{ontology_iri}>", f"    owl:versionInfo {_lit(term.source)}"]
        if term.inchikey and name == "chebi":
            body.append(f"    <http://purl.obolibrary.org/obo/chebi/inchikey> {_lit(term.inchikey)}")
        lines.append(" ;\n".join(body) + " .")
    (out_dir / f"{name}.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [f"{name}: term not found in the sources: {c}" for c in missing]
    problems += [f"{name}: obsolete term used: {c}" for c in obsolete]
    return problems


def write_pubchem(tables: list[Path], out_dir: Path) -> list[str]:
    wanted = used_pubchem()
    found: dict[int, tuple[str, str, str]] = {}
    for table in tables:
        with table.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if len(row) > 7 and row[0].isdigit() and int(row[0]) in wanted:
                    found.setdefault(int(row[0]), (row[6], row[7], table.name))
    problems = []
    rows = ["pubchem_cid\tinchikey\tname\tsource"]
    for cid in sorted(wanted):
        if cid not in found:
            problems.append(f"pubchem: CID {cid} ({wanted[cid][1]}) not in the given tables")
            continue
        key, label, source = found[cid]
        if key != wanted[cid][0]:
            problems.append(f"pubchem: CID {cid} has InChIKey {key}, the record {wanted[cid][1]} has {wanted[cid][0]}")
        rows.append(f"{cid}\t{key}\t{label}\t{source}")
    (out_dir / "pubchem.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("rxno", "mop", "chmo", "npo", "quantitykinds"):
        parser.add_argument(f"--{name}", type=Path, nargs="+")
    parser.add_argument("--chebi", type=Path, nargs="+", help="chebi.obo and/or ChEBI import modules (first wins)")
    parser.add_argument("--pubchem-tsv", type=Path, nargs="+", help="cid<TAB>...<TAB>inchikey (column 7) tables")
    parser.add_argument("--version", action="append", default=[], help="module=text recorded as source version")
    parser.add_argument("--out", type=Path, default=ROOT / "ontology" / "imports")
    args = parser.parse_args(argv)
    notes = dict(item.split("=", 1) for item in args.version)
    wanted = used_terms()
    problems: list[str] = []
    for module, option in (("rxno", "rxno"), ("mop", "mop"), ("chmo", "chmo"), ("chebi", "chebi"), ("npo", "npo"),
                           ("qudt-quantitykinds", "quantitykinds")):
        sources = getattr(args, option)
        if sources:
            problems += write_module(module, wanted[module], sources, args.out, notes.get(module))
            print(f"wrote {module}.ttl ({len(wanted[module])} used terms)")
    if args.pubchem_tsv:
        problems += write_pubchem(args.pubchem_tsv, args.out)
        print("wrote pubchem.tsv")
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
