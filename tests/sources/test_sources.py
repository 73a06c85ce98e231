"""The YAML loader: schema errors name file and line; cross-checks catch bad ids, quotes and numbers."""

from pathlib import Path

import pytest

from nckg.sources import checks
from nckg.sources import formula
from nckg.sources import quotes
from nckg.sources import loading as sources
from nckg.sources.documents import load_documents
from nckg.namespaces import REVIEW_DOI
from nckg.sources.schema import Cluster
from nckg.sources.vocabulary import load_vocabulary

QUOTE = ("In 2020, Li et al. reported a copper hydride cluster of $[Cu_{32}(PET)_{24}H_8Cl_2](PPh_4)_{22}$ "
         "$(PET = phenylethyl thiolate)$ [[39\\]](#page-29-13).")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", "clusters:\n  - id: a\n    labels: [unclosed\n")
    with pytest.raises(sources.DataError) as err:
        sources.load_file(path)
    (problem,) = err.value.errors
    assert problem.path == path and problem.line >= 3
    assert "YAML syntax error" in problem.message


def test_schema_error_points_at_the_offending_line(tmp_path):
    text = (
        "source: {ref: 39, doi: 10.1021/jacs.0c06577}\n"
        "clusters:\n"
        "  - id: cu32\n"
        "    formula_as_written: Cu32\n"
        "    composition: {Cu: 32}\n"
        "    charge: minus-two\n"
        "    evidence: {section: '2.1', quote: 'a copper hydride cluster'}\n"
    )
    path = write(tmp_path, "ref039.yaml", text)
    with pytest.raises(sources.DataError) as err:
        sources.load_file(path)
    messages = [str(e) for e in err.value.errors]
    assert any(m.startswith(f"{path}:6: clusters[0].charge") for m in messages), messages


def test_unknown_key_is_rejected(tmp_path):
    path = write(tmp_path, "x.yaml", "clusterz: []\n")
    with pytest.raises(sources.DataError) as err:
        sources.load_file(path)
    assert "clusterz" in str(err.value) and ":1:" in str(err.value)


def test_percentages_outside_0_100_are_rejected(tmp_path):
    text = (
        "measurements:\n"
        "  - {cluster: cu1, metric: FaradaicEfficiency, value: 142.5, unit: percent,\n"
        "     evidence: {section: '3.1', quote: 'The highest FE reached 142.5%'}}\n"
    )
    with pytest.raises(sources.DataError) as err:
        sources.load_file(write(tmp_path, "m.yaml", text))
    assert "[0, 100]" in str(err.value)


def test_slug_follows_composition_and_charge():
    cluster = Cluster.model_validate({
        "id": "x", "formula_as_written": "[Cu32(PET)24H8Cl2](PPh4)2", "charge": -2,
        "composition": {"Cu": 32, "hydride": 8, "ligands": [{"ligand": "pet", "count": 24},
                                                             {"ligand": "cl", "count": 2}]},
        "evidence": {"section": "2.1", "quote": QUOTE},
    })
    assert formula.slug(cluster) == "cu32h8-cl_2-pet_24-2minus"
    assert formula.canonical_formula(cluster, {}) == "[Cu32H8(cl)2(pet)24]2-"


def test_quote_normalisation_survives_markup_and_layout():
    review = load_documents()[REVIEW_DOI]
    assert review.contains(QUOTE)
    assert review.contains("a copper hydride cluster of [Cu32(PET)24H8Cl2](PPh4)22")
    assert not review.contains("a copper hydride cluster of [Cu33(PET)24H8Cl2]")
    assert {32.0, 24.0, 8.0, 2.0, 22.0, 39.0} <= quotes.numbers_in(QUOTE)
    assert quotes.number_in(-0.9, ["FE values of 90% and 92% at -0.9 and −1.0 V"])
    assert quotes.number_in(6, ["exhibited ~ sixfold increase of rate constant"])
    assert not quotes.number_in(7, ["exhibited ~ sixfold increase of rate constant"])


def test_cross_checks_report_wrong_id_missing_quote_and_stray_number(tmp_path):
    text = (
        "source: {ref: 39, doi: 10.1021/jacs.0c06577}\n"
        "clusters:\n"
        "  - id: cu32-wrong\n"
        "    formula_as_written: '[Cu32(PET)24H8Cl2](PPh4)2'\n"
        "    composition: {Cu: 32, hydride: 8}\n"
        "    free_electrons: 5\n"
        "    evidence:\n"
        f"      - {{section: '2.1', quote: '{QUOTE}'}}\n"
        "      - {section: '2.1', quote: 'this sentence is nowhere in the review'}\n"
    )
    path = write(tmp_path, "ref039.yaml", text)
    registry, errors = checks.build_registry([sources.load_file(path)])
    errors += checks.check(registry, load_vocabulary())
    messages = "\n".join(str(e) for e in errors)
    assert "expected 'cu32h8'" in messages
    assert ":9: quote not found in the text of cu-nanoclusters-review.txt" in messages
    assert "number 5 (free_electrons) does not occur" in messages
    assert "number 32" not in messages


def test_duplicate_ids_across_files(tmp_path):
    chem = "chemicals:\n  - {id: nabh4, name: sodium borohydride, evidence: {section: '2.1', quote: 'x' }}\n"
    a, b = write(tmp_path, "a.yaml", chem), write(tmp_path, "b.yaml", chem)
    with pytest.raises(sources.DataError):  # quote too short is a schema error
        sources.load_file(a)
    chem = chem.replace("'x' ", "'NaBH4 methanol solution'")
    a.write_text(chem), b.write_text(chem)
    _, errors = checks.build_registry([sources.load_file(a), sources.load_file(b)])
    assert len(errors) == 1 and "duplicate chemical id 'nabh4'" in str(errors[0])
    assert errors[0].path == b and errors[0].line == 2


def test_plain_formula_keeps_brackets_and_drops_markup():
    assert quotes.plain(r"$\left[\text{Cu}_{25}\text{H}_{22}(\text{PPh}_{3})_{12}\right]$ Cl") == "[Cu25H22(PPh3)12] Cl"
    assert quotes.plain("[Cu_{23}(^tBuC≡C)_{13}(CF_3COO)_6]") == "[Cu23(tBuC≡C)13(CF3COO)6]"
