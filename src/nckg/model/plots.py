"""Plots: the query behind each, what its axes show, which rows it draws and which it leaves out (and why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from nckg.store.graph import GraphStore
from nckg.model.terms import REVIEW_IRI, fallback_label, plain_value

# --- Plots -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plot:
    """A plot page: the query that feeds it, what the axes show, and which columns a row needs to be drawn
    (`needs`: (column, why a row without it is left out)); the page counts what it shows and leaves out."""

    name: str
    query: str
    title: str
    description: str
    x_label: str
    y_label: str
    needs: tuple[tuple[str, str], ...] = ()
    unit: str = "measurement"  # what one row is, for "shows 5 measurements"


PLOTS: dict[str, Plot] = {p.name: p for p in (
    Plot("fe-potential", "plot-fe-potential", "Faradaic efficiency versus applied potential",
         "Faradaic efficiency of each product against the applied potential, one series per catalyst cluster, "
         "product and reference electrode as the review states it: potentials vs RHE (circles) and potentials "
         "for which the review names no reference electrode (triangles) are separate series, never converted.",
         "Applied potential (V; vs RHE, or reference not stated)", "Faradaic efficiency (%)",
         needs=(("potential", "the review states no potential for it"),
                ("value", "the review gives a range or bound, not one value"))),
    Plot("comparisons", "plot-comparisons", "Comparison ratios",
         "How many times better one cluster performs than a structurally related one (where the review states a "
         "ratio), with the structural difference that explains it.", "Ratio (better / worse)", "Comparison",
         needs=(("ratio", "the review states no numeric ratio for it"),), unit="comparison"),
    Plot("band-edges", "plot-band-edges", "Band edges of cluster photocatalysts",
         "Conduction band minimum (CBM) and valence band maximum (VBM) of each cluster, as stated in the review.",
         "Cluster", "Potential (V, as stated)", unit="cluster"),
    Plot("half-reactions", "plot-half-reactions", "Standard potentials of CO₂ reduction half-reactions (Table 2)",
         "Thermodynamic equilibrium potentials E⁰ (V vs RHE) in aqueous electrolyte at pH 7, 1 atm and 25 °C, "
         "for each product of CO₂ reduction and for hydrogen and oxygen evolution (Table 2 of the review).",
         "E⁰ (V vs RHE)", "Half-reaction", needs=(("e0", "the review gives no potential for it"),),
         unit="half-reaction"),
)}

# how the plots name the reference electrode of a potential (plot-fe-potential.rq's ?reference)
REFERENCE_NAMES = {"vs RHE": "vs RHE", "not stated": "reference electrode not stated"}


def plot_table(store: GraphStore, name: str, **substitutions) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows (plain values: IRIs as strings, numbers as numbers) of a plot's query."""
    result = store.run(PLOTS[name].query, **substitutions)
    columns = [v.value for v in result.variables]
    rows = [{c: plain_value(solution[c]) for c in columns} for solution in result]
    return columns, rows



def split_plottable(plot: Plot, rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(rows the plot draws, rows it leaves out each with its `reason`): a row needs a number in each column of
    `plot.needs`."""
    shown, left_out = [], []
    for row in rows:
        reason = next((why for column, why in plot.needs if not _is_number(row.get(column))), None)
        if reason is None:
            shown.append(row)
        else:
            left_out.append({**row, "reason": reason})
    return shown, left_out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plot_csv(store: GraphStore, name: str) -> bytes:
    """The plot's data as SPARQL CSV (one row per record, those the plot leaves out included, a header line)."""
    return GraphStore.serialize(store.run(PLOTS[name].query), "text/csv")


def plot_json(store: GraphStore, name: str) -> dict[str, Any]:
    """The plot's data as a JSON-ready document: title, axes, columns, the rows it draws (`rows`, counted in
    `shown`) and those it leaves out with the reason (`left_out`)."""
    plot = PLOTS[name]
    columns, rows = plot_table(store, name)
    shown, left_out = split_plottable(plot, rows)
    data = {"plot": plot.name, "title": plot.title, "description": plot.description, "x": plot.x_label,
            "y": plot.y_label, "source": REVIEW_IRI, "columns": columns, "rows": shown, "shown": len(shown),
            "left_out": left_out, "unit": plot.unit}
    if name == "fe-potential":
        data["series"] = _fe_group(shown)
    return data


def fe_series(store: GraphStore, cluster: str | None = None) -> list[dict[str, Any]]:
    """FE-versus-potential points grouped into series (cluster, product, metric, reference electrode), for one
    cluster or all; measurements without a potential or a single value are not drawn."""
    _, rows = plot_table(store, "fe-potential", **({"cluster": NamedNode(cluster)} if cluster else {}))
    return _fe_group(split_plottable(PLOTS["fe-potential"], rows)[0])


def _fe_group(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plottable FE rows grouped into named series, points sorted by potential."""
    series: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        product = row["productLabel"] or (fallback_label(row["product"]) if row["product"] else "")
        metric = row["metricLabel"] or fallback_label(row["metric"])
        reference = REFERENCE_NAMES.get(row["reference"], row["reference"] or "")
        name = f"{row['clusterLabel']}: {metric}" + (f" ({product})" if product else "") + f", {reference}"
        entry = series.setdefault((row["cluster"], row["product"], row["metric"], row["reference"]),
                                  {"name": name, "cluster": row["cluster"], "clusterLabel": row["clusterLabel"],
                                   "product": row["product"], "productLabel": product, "metric": metric,
                                   "reference": row["reference"], "points": []})
        entry["points"].append({"x": row["potential"], "y": row["value"], "qualifier": row["qualifier"]})
    for entry in series.values():
        entry["points"].sort(key=lambda p: p["x"])
    return list(series.values())
