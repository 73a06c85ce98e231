"""Where the pages link a graph IRI to: this server's own pages on a local or private deployment.

The w3id IRIs stay the identifiers (shown, and in every RDF answer); only the link targets change:
resources under https://w3id.org/nckg/resource/ go to /resource/<id>, ontology terms to their entry on /ontology.
With PUBLIC_BASE set (NCKG_PUBLIC_BASE, e.g. https://w3id.org/nckg/ where the public resolver answers), the links
go there instead. Other IRIs (DOIs, ChEBI, QUDT ...) are linked as they are.
"""

from __future__ import annotations

from flask import current_app, url_for

from nckg.namespaces import NCKG, NCKR
from nckg.model.ontology_docs import term_anchor

W3ID_BASE = "https://w3id.org/nckg/"


def link_for(iri: str) -> str:
    """The URL a page links the IRI `iri` to."""
    public = current_app.config.get("PUBLIC_BASE")
    if public and iri.startswith(W3ID_BASE):
        return public.rstrip("/") + "/" + iri[len(W3ID_BASE):]
    blueprints = current_app.blueprints
    if iri.startswith(NCKR) and "resources" in blueprints:
        return url_for("resources.resource", ident=iri[len(NCKR):])
    if iri.startswith(NCKG) and "ontology" in blueprints:
        anchor = term_anchor(iri)
        if anchor:
            return url_for("ontology.ontology") + "#" + anchor
    return iri
