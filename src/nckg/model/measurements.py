"""Measurements as records: one row per measurement (the columns of tables.TABLES["measurements"]), filtered by
reaction, metric and product named as the vocabulary allows (label, id or synonym)."""

from __future__ import annotations

from typing import Any

from nckg.model.cluster_page import measurement_records as measurement_terms
from nckg.model.resources import Quote
from nckg.model.tables import bare_doi
from nckg.model.terms import Term
from nckg.model.vocabulary import local_id, vocabulary
from nckg.store.graph import GraphStore

# filter name -> (the measurement row's column, the vocabulary kind its values are)
FILTERS = {"reaction": ("reaction", "reaction"), "metric": ("metric", "metric"), "product": ("product", "chemical")}


def _text(term: Term | None) -> str | None:
    return term.text if term is not None else None


def _py(term: Term | None) -> Any:
    return term.python if term is not None else None


def source_doi(quotes: list[Quote]) -> str | None:
    """The DOI of the paper the quotes attribute the record to (the first that names one)."""
    return next((bare_doi(q.primary_source.value) for q in quotes if q.primary_source is not None), None)


def measurement_row(record: dict[str, Any]) -> dict[str, Any]:
    """One measurement (cluster_page.measurement_records' Terms) as a row of plain values."""
    quotes = record["quotes"]
    return {
        "cluster_id": local_id(record["cluster"].value), "cluster": _text(record["cluster"]),
        "measurement": record["measurement"].value, "role": record["role"].value,
        "reaction": _text(record["reaction"]), "metric": _text(record["metric"]), "product": _text(record["product"]),
        "value": _py(record["value"]), "value_min": _py(record["valueMin"]), "value_max": _py(record["valueMax"]),
        "value_text": record["value_text"] or None, "unit": _text(record["unit"]),
        "qualifier": _text(record["qualifier"]), "method": _text(record["method"]),
        "potential": _py(record["potential"]), "reference_electrode": _text(record["referenceElectrode"]),
        "electrolyte": _text(record["electrolyte"]), "light": _text(record["light"]),
        "support": _text(record["support"]), "temperature": _text(record["temperature"]),
        "conditions": _text(record["conditionText"]), "source_doi": source_doi(quotes),
        "quote": " … ".join(q.quote for q in quotes) or None,  # reading text; the verbatim one beside it
        "quote_verbatim": " … ".join(q.verbatim for q in quotes) or None,
    }


def measurement_rows(store: GraphStore, cluster: str | None = None, *, reaction: str | None = None,
                     metric: str | None = None, product: str | None = None) -> list[dict[str, Any]]:
    """Measurement rows of one cluster (IRI) or all, only those of the reaction, metric and product given (each
    resolved by the vocabulary: label, id, synonym or IRI; vocabulary.UnknownName lists the known ones)."""
    vocab = vocabulary(store)
    records = measurement_terms(store, cluster)
    every = measurement_terms(store) if cluster else records
    wanted = {key: vocab.resolve(value, FILTERS[key][1],  # among the terms measured: the error lists those
                                 among={r[FILTERS[key][0]].value for r in every if r[FILTERS[key][0]] is not None}).iri
              for key, value in (("reaction", reaction), ("metric", metric), ("product", product)) if value is not None}
    return [measurement_row(r) for r in records
            if all(r[FILTERS[key][0]] is not None and r[FILTERS[key][0]].value == iri for key, iri in wanted.items())]
