"""Measurements as records: one row per measurement (the columns of tables.TABLES["measurements"]), filtered by
reaction, metric and product named as the vocabulary allows (label, id or synonym)."""

from __future__ import annotations

from typing import Any

from nckg.model.cluster_page import measurement_records as measurement_terms
from nckg.model.resources import Quote
from nckg.model.tables import bare_doi
from nckg.model.terms import text_of, value_of
from nckg.model.vocabulary import local_id, vocabulary
from nckg.store.graph import GraphStore

# filter name -> (the measurement row's column, the vocabulary kind its values are)
FILTERS = {"reaction": ("reaction", "reaction"), "metric": ("metric", "metric"), "product": ("product", "chemical")}


def source_doi(quotes: list[Quote]) -> str | None:
    """The DOI of the paper the quotes attribute the record to (the first that names one)."""
    return next((bare_doi(q.primary_source.value) for q in quotes if q.primary_source is not None), None)


def measurement_row(record: dict[str, Any]) -> dict[str, Any]:
    """One measurement (cluster_page.measurement_records' Terms) as a row of plain values."""
    quotes = record["quotes"]
    return {
        "cluster_id": local_id(record["cluster"].value), "cluster": text_of(record["cluster"]),
        "measurement": record["measurement"].value, "role": record["role"].value,
        "reaction": text_of(record["reaction"]), "metric": text_of(record["metric"]), "product": text_of(record["product"]),
        "value": value_of(record["value"]), "value_min": value_of(record["valueMin"]), "value_max": value_of(record["valueMax"]),
        "value_text": record["value_text"] or None, "unit": text_of(record["unit"]),
        "qualifier": text_of(record["qualifier"]), "method": text_of(record["method"]),
        "potential": value_of(record["potential"]), "reference_electrode": text_of(record["referenceElectrode"]),
        "electrolyte": text_of(record["electrolyte"]), "light": text_of(record["light"]),
        "support": text_of(record["support"]), "temperature": text_of(record["temperature"]),
        "conditions": text_of(record["conditionText"]), "source_doi": source_doi(quotes),
        "quote": " … ".join(q.quote for q in quotes) or None,  # reading text; the verbatim one beside it
        "quote_verbatim": " … ".join(q.verbatim for q in quotes) or None,
    }


def measurement_rows(store: GraphStore, cluster: str | None = None, *, reaction: str | None = None,
                     metric: str | None = None, product: str | None = None) -> list[dict[str, Any]]:
    """Measurement rows of one cluster (IRI) or all, only those of the reaction, metric and product given (each
    resolved by the vocabulary: label, id, synonym or IRI; vocabulary.UnknownName lists the known ones)."""
    records = measurement_terms(store, cluster)
    asked = {key: value for key, value in (("reaction", reaction), ("metric", metric), ("product", product))
             if value is not None}
    wanted = {}
    if asked:
        vocab = vocabulary(store)
        every = measurement_terms(store) if cluster else records
        for key, value in asked.items():  # among the terms measured: the error lists those
            column, kind = FILTERS[key]
            wanted[key] = vocab.resolve(value, kind, among={r[column].value for r in every if r[column] is not None}).iri
    return [measurement_row(r) for r in records
            if all(r[FILTERS[key][0]] is not None and r[FILTERS[key][0]].value == iri for key, iri in wanted.items())]
