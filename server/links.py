"""Where the pages link a graph IRI to: this server's own pages on a local or private deployment.

The w3id IRIs stay the identifiers (shown, and in every RDF answer); only the link targets change:
resources under https://w3id.org/nckg/resource/ go to /resource/<id>, ontology terms to their entry on /ontology.
With PUBLIC_BASE set (NCKG_PUBLIC_BASE, e.g. https://w3id.org/nckg/ where the public resolver answers), the links
go there instead. External identifiers link to the page a person reads (a PubChem compound's page rather than its
RDF, a ChEBI entry: nckg.model.linked_data.human_page); other IRIs (DOIs, OBO terms, QUDT ...) as they are.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, url_for

from nckg import config

from nckg.namespaces import NCKG, NCKR
from nckg.model.linked_data import human_page
from nckg.model.ontology_page import term_anchor

W3ID_BASE = "https://w3id.org/nckg/"


def cache_dir() -> Path:
    """The folder of the store versions, where the build leaves the rendered ontology page."""
    return Path(current_app.config.get("STORE_PATH") or config.store_path()).parent


def link_for(iri: str) -> str:
    """The URL a page links the IRI `iri` to."""
    public = current_app.config.get("PUBLIC_BASE")
    if public and iri.startswith(W3ID_BASE):
        return public.rstrip("/") + "/" + iri[len(W3ID_BASE):]
    blueprints = current_app.blueprints
    if iri.startswith(NCKR) and "resources" in blueprints:
        return url_for("resources.resource", ident=iri[len(NCKR):])
    if iri.startswith(NCKG) and "ontology" in blueprints:
        anchor = term_anchor(iri, cache_dir())
        if anchor:
            return url_for("ontology.ontology") + "#" + anchor
    return human_page(iri)
