"""Chemistry checks that flag and never fix (nckg.sources.sanity): the rules on their own, the findings of the real
data, their place in the graph, on the record pages and in `nckg validate`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from nckg.build.pipeline import load_sources
from nckg.cli.main import main
from nckg.sources import sanity
from nckg.sources.sanity import bracket_problem, equation_findings


@pytest.mark.parametrize("equation", ["CO2 + 2H+ + 2e- → CO(g) + H2O", "2CO2 + 12H+ + 12e- → C2H5OH(aq) + 3H2O",
                                      "2H2O → O2 + 4H+ + 4e-", "CO2 + 8H+ + 8e- → CH4(g) + 2H2O"])
def test_balanced_equations_pass(equation):
    assert equation_findings(equation) == []


def test_an_unbalanced_equation_names_each_element():
    [(kind, message)] = equation_findings("2CO2 + 16H+ + 16e- → C2H5CHO(aq) + 5H2O")
    assert kind == "unbalanced-equation"
    assert message == "as printed in the review: unbalanced — 2 C on the left, 3 on the right; 4 O on the left, 6 on the right"


def test_charge_balance_and_gas_phase():
    [(kind, message)] = equation_findings("CO2 + 2H+ + e- → CO(g) + H2O")
    assert kind == "unbalanced-equation" and "charge +1 on the left, 0 on the right" in message
    [(kind, message)] = equation_findings("2CO2 + 12H+ + 12e- → C2H4(aq) + 4H2O")
    assert kind == "gas-phase" and "ethylene (C2H4) is given as (aq)" in message
    assert equation_findings("CO2 + 6H+ + 6e- → CH3OH(aq) + H2O") == []  # methanol is a liquid: (aq) is fine


@pytest.mark.parametrize("formula, problem", [
    ("[Cu32(PET)24H8Cl2](PPh4)2", None), ("([Cu8(RS)6(PPh3)4(MeCN)4H]+", "'(' is never closed"),
    ("[Cu13)", "')' without its opening '('"), ("Cu20]", "']' without its opening '['")])
def test_bracket_balance(formula, problem):
    assert bracket_problem(formula) == problem


@pytest.fixture(scope="module")
def findings():
    return sanity.findings(load_sources())


def test_the_real_data_findings(findings):
    by_record = {(f.record_id, f.kind) for f in findings}
    assert {("co2-to-propionaldehyde", "unbalanced-equation"), ("co2-to-ethylene", "gas-phase"),
            ("co2-to-ethane", "gas-phase"), ("cu3-nhc_3-3plus", "counter-ion-charge"),
            ("cu8h1-mecn_4-pph3_4-rs_6-1plus", "unbalanced-brackets")} <= by_record
    assert all(f.kind in sanity.KINDS and f.line > 1 and f.path.is_file() for f in findings)
    # every other half-reaction of Table 2 balances; methane and CO are printed (g)
    assert not any(f.record_id in ("co2-to-methane", "co2-to-carbon-monoxide", "co2-to-ethanol") for f in findings)


def test_the_cu3nc_charge_is_interpreted_from_its_counter_ions():
    _, record = load_sources().clusters["cu3-nhc_3-3plus"]
    assert record.charge == 3 and "charge" in record.interpreted and "PF6" in record.note


def test_validate_lists_the_findings_without_failing():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "finding(s) about the review's text" in result.output
    assert "co2-to-propionaldehyde: unbalanced-equation: as printed in the review: unbalanced — 2 C" in result.output


def test_findings_are_data_and_shown_on_the_record_pages(client, store):
    rows = list(store.run("source-issues"))
    kinds = {row["kind"].value for row in rows}
    assert set(sanity.KINDS) <= kinds
    page = client.get("/resource/half-reaction/co2-to-propionaldehyde").get_data(as_text=True)
    assert 'class="source-issues"' in page and "unbalanced — 2 C on the left, 3 on the right" in page
    cluster = client.get("/resource/cluster/cu3-nhc_3-3plus").get_data(as_text=True)
    assert "inside the brackets without a charge" in cluster
    plain = client.get("/resource/half-reaction/co2-to-methane").get_data(as_text=True)
    assert 'class="source-issues"' not in plain
