"""Chemical-structure checks with RDKit: InChI/InChIKey/formula from SMILES and record consistency.

Used by the tests (tests/sources/test_chemistry.py) and usable from the build: `check_chemical(record)` returns the
problems of one chemical or ligand record (empty list = consistent). Records may be pydantic models or dicts.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Mapping

from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")  # "metal disconnected" / "proton added" InChI warnings are expected

CHEBI_PATTERN = re.compile(r"^CHEBI:[1-9]\d*$")
WIKIDATA_PATTERN = re.compile(r"^Q[1-9]\d*$")
INCHIKEY_PATTERN = re.compile(r"^[A-Z]{14}-[A-Z]{8}[SN]A-[A-Z]$")
_FORMULA_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)")
_FORMULA = re.compile(r"^((?:[A-Z][a-z]?\d*)+)([+-]\d*)?$")


class ChemistryError(ValueError):
    """A SMILES that RDKit cannot parse."""


def mol_from_smiles(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
        raise ChemistryError(f"RDKit cannot parse SMILES {smiles!r}")
    return mol


def inchi_from_smiles(smiles: str) -> str:
    """Standard InChI of the SMILES, as RDKit computes it."""
    return Chem.MolToInchi(mol_from_smiles(smiles))


def inchikey_from_smiles(smiles: str) -> str:
    """Standard InChIKey of the SMILES, as RDKit computes it."""
    return Chem.MolToInchiKey(mol_from_smiles(smiles))


def composition_from_smiles(smiles: str) -> tuple[Counter, int]:
    """Element counts (implicit H included, isotopes folded into their element) and net formal charge."""
    mol = Chem.AddHs(mol_from_smiles(smiles))
    counts = Counter(atom.GetSymbol() for atom in mol.GetAtoms())
    return counts, sum(atom.GetFormalCharge() for atom in mol.GetAtoms())


def hill_formula(counts: Mapping[str, int], charge: int = 0) -> str:
    """Hill notation (C, H, then alphabetical; all alphabetical without carbon) + charge suffix `-`, `+`, `-3`."""
    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else []) + sorted(e for e in counts if e not in ("C", "H"))
    else:
        order = sorted(counts)
    text = "".join(f"{e}{counts[e] if counts[e] != 1 else ''}" for e in order if counts[e])
    if charge:
        text += ("+" if charge > 0 else "-") + (str(abs(charge)) if abs(charge) != 1 else "")
    return text


def formula_from_smiles(smiles: str) -> str:
    """Hill formula with charge suffix, e.g. `BH4Na`, `F6P-`, `C6FeN6-3`."""
    return hill_formula(*composition_from_smiles(smiles))


def parse_formula(formula: str) -> tuple[Counter, int]:
    """(`element counts`, `charge`) of a formula in any element order, e.g. `H4BNa` == `BH4Na`."""
    match = _FORMULA.match(formula.strip())
    if not match:
        raise ChemistryError(f"not a formula: {formula!r}")
    counts: Counter = Counter()
    for element, number in _FORMULA_TOKEN.findall(match.group(1)):
        counts[element] += int(number) if number else 1
    sign = match.group(2)
    charge = 0
    if sign:
        charge = (1 if sign[0] == "+" else -1) * (int(sign[1:]) if len(sign) > 1 else 1)
    return counts, charge


def _get(record: Any, key: str):
    return record.get(key) if isinstance(record, Mapping) else getattr(record, key, None)


def check_chemical(record: Any) -> list[str]:
    """Problems of a chemical (or ligand) record: SMILES parses, stored InChI/InChIKey equal RDKit's,
    stated formula equals the SMILES formula, identifier patterns are valid, and no identifier without a reason."""
    problems: list[str] = []
    rid = _get(record, "id") or "?"
    smiles, inchi, key = _get(record, "smiles"), _get(record, "inchi"), _get(record, "inchikey")
    formula = _get(record, "formula")
    if smiles:
        try:
            mol = mol_from_smiles(smiles)
        except ChemistryError as exc:
            return [f"{rid}: {exc}"]
        computed_key = Chem.MolToInchiKey(mol)
        if not key:
            problems.append(f"{rid}: has smiles but no inchikey (expected {computed_key})")
        elif key != computed_key:
            problems.append(f"{rid}: inchikey {key} != RDKit {computed_key} from smiles")
        computed_inchi = Chem.MolToInchi(mol)
        if inchi and inchi != computed_inchi:
            problems.append(f"{rid}: inchi differs from RDKit's {computed_inchi}")
        if formula:
            try:
                if parse_formula(formula) != composition_from_smiles(smiles):
                    problems.append(f"{rid}: formula {formula} != {formula_from_smiles(smiles)} from smiles")
            except ChemistryError as exc:
                problems.append(f"{rid}: {exc}")
    else:
        if inchi or key:
            problems.append(f"{rid}: inchi/inchikey without smiles")
        if formula:
            try:
                parse_formula(formula)
            except ChemistryError as exc:
                problems.append(f"{rid}: {exc}")
    if key and not INCHIKEY_PATTERN.match(key):
        problems.append(f"{rid}: malformed inchikey {key}")
    if inchi and not inchi.startswith("InChI=1S/"):
        problems.append(f"{rid}: not a standard InChI: {inchi}")
    chebi, cid, qid = _get(record, "chebi"), _get(record, "pubchem_cid"), _get(record, "wikidata")
    if chebi is not None and not CHEBI_PATTERN.match(str(chebi)):
        problems.append(f"{rid}: malformed ChEBI id {chebi}")
    if cid is not None and (isinstance(cid, bool) or not isinstance(cid, int) or cid < 1):
        problems.append(f"{rid}: malformed PubChem CID {cid}")
    if qid is not None and not WIKIDATA_PATTERN.match(str(qid)):
        problems.append(f"{rid}: malformed Wikidata QID {qid}")
    if (chebi or cid or qid) and not key:
        problems.append(f"{rid}: external identifier without a structure to verify it against")
    return problems


def duplicate_inchikeys(records: Iterable[Any]) -> dict[str, list[str]]:
    """InChIKeys that more than one record claims: {inchikey: [ids]}."""
    seen: dict[str, list[str]] = {}
    for record in records:
        key = _get(record, "inchikey")
        if key:
            seen.setdefault(key, []).append(_get(record, "id"))
    return {key: ids for key, ids in seen.items() if len(ids) > 1}
