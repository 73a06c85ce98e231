"""Human-readable ontology documentation (pyLODE) and RDF serialisations of ontology/nckg.ttl for /ontology."""

from __future__ import annotations

import html
import logging
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from nckg import config
from nckg.namespaces import OBO
from nckg.sources.ontology import NCKG, VOCABULARY_CLASSES, ontology_dir, ontology_graph

# format name -> (media type, rdflib serializer); "turtle" is served as the commented source file.
FORMATS = {
    "html": ("text/html", None),
    "turtle": ("text/turtle", "turtle"),
    "xml": ("application/rdf+xml", "xml"),
    "json-ld": ("application/ld+json", "json-ld"),
    "ntriples": ("application/n-triples", "nt"),
}
_ALIASES = {"ttl": "turtle", "rdf": "xml", "owl": "xml", "rdfxml": "xml", "jsonld": "json-ld", "nt": "ntriples"}


def normalise_format(fmt: str) -> str:
    """Canonical format name for a name or file extension (e.g. 'ttl' -> 'turtle'); ValueError if unknown."""
    name = _ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise ValueError(f"unknown ontology format {fmt!r}; use one of {', '.join(FORMATS)}")
    return name


def format_for_accept(accept: str | None, default: str = "html") -> str:
    """Pick the format for an HTTP Accept header (q-values honoured; */* and unknown types give `default`)."""
    by_type = {media: name for name, (media, _) in FORMATS.items()}
    by_type.update({"application/xml": "xml", "text/n3": "turtle", "application/json": "json-ld"})
    best, best_q = default, 0.0
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        name = by_type.get(fields[0].lower())
        if name and q > best_q:
            best, best_q = name, q
    return best


def serialise(fmt: str) -> bytes:
    """The ontology in the given format: 'turtle' (source file), 'xml', 'json-ld', 'ntriples' or 'html'."""
    name = normalise_format(fmt)
    if name == "html":
        return render_html().encode("utf-8")
    if name == "turtle":
        return (ontology_dir() / "nckg.ttl").read_bytes()
    return ontology_graph().serialize(format=FORMATS[name][1], encoding="utf-8")


# --------------------------------------------------------------------------- Manchester syntax for definitions


def _name(graph: Graph, node: Node) -> str:
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, URIRef) and str(node).startswith(str(NCKG)):
        return str(node)[len(NCKG):]
    return graph.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else "?"


_FACETS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_CARDINALITY = {OWL.minCardinality: "min", OWL.maxCardinality: "max", OWL.cardinality: "exactly",
                OWL.minQualifiedCardinality: "min", OWL.maxQualifiedCardinality: "max",
                OWL.qualifiedCardinality: "exactly"}


def manchester(graph: Graph, node: Node, nested: bool = False) -> str:
    """Render an OWL class or data-range expression in Manchester syntax."""
    if not isinstance(node, BNode):
        return _name(graph, node)
    wrap = (lambda text: f"({text})") if nested else (lambda text: text)
    for key, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        members = graph.value(node, key)
        if members is not None:
            return wrap(word.join(manchester(graph, m, True) for m in graph.items(members)))
    if (complement := graph.value(node, OWL.complementOf)) is not None:
        return f"not {manchester(graph, complement, True)}"
    if (one_of := graph.value(node, OWL.oneOf)) is not None:
        return "{" + ", ".join(_name(graph, m) for m in graph.items(one_of)) + "}"
    if (datatype := graph.value(node, OWL.onDatatype)) is not None:
        facets = [f"{_FACETS.get(str(p).split('#')[-1], str(p))} {v}"
                  for item in graph.items(graph.value(node, OWL.withRestrictions)) for p, v in graph.predicate_objects(item)]
        return f"{_name(graph, datatype)}[{', '.join(facets)}]"
    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        prop_text = _name(graph, prop)
        for key, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
            if (filler := graph.value(node, key)) is not None:
                return wrap(f"{prop_text} {word} {manchester(graph, filler, True)}")
        for key, word in _CARDINALITY.items():
            if (n := graph.value(node, key)) is not None:
                qualifier = graph.value(node, OWL.onClass) or graph.value(node, OWL.onDataRange)
                suffix = f" {manchester(graph, qualifier, True)}" if qualifier is not None else ""
                return wrap(f"{prop_text} {word} {n}{suffix}")
    return "(anonymous expression)"


def _bnode_closure(graph: Graph, node: Node, found: set) -> set:
    for triple in graph.triples((node, None, None)):
        if triple not in found:
            found.add(triple)
            if isinstance(triple[2], BNode):
                _bnode_closure(graph, triple[2], found)
    return found


def documentation_graph() -> Graph:
    """The ontology prepared for pyLODE: anonymous class definitions become a readable 'Equivalent to' note in
    Manchester syntax (pyLODE 3.3 cannot render nested set classes), other anonymous axioms are dropped."""
    graph = ontology_graph()
    for cls, definition in list(graph.subject_objects(OWL.equivalentClass)):
        if isinstance(cls, URIRef) and isinstance(definition, BNode):
            graph.add((cls, SKOS.note, Literal(f"Equivalent to: {manchester(graph, definition)}", lang="en")))
    for datatype, definition in list(graph.subject_objects(OWL.equivalentClass)):
        if (datatype, RDF.type, RDFS.Datatype) in graph:
            graph.add((datatype, SKOS.note, Literal(f"Equivalent to: {manchester(graph, definition)}", lang="en")))
    anonymous = [s for s in set(graph.subjects()) if isinstance(s, BNode) and not any(graph.subjects(None, s))]
    removed = set()
    for top in anonymous:
        _bnode_closure(graph, top, removed)
    for s, p, o in list(graph):
        if isinstance(o, BNode) and p in (OWL.equivalentClass, RDFS.subClassOf, RDFS.range, RDFS.domain):
            removed |= _bnode_closure(graph, o, {(s, p, o)})
    for triple in removed:
        graph.remove(triple)
    return graph


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    return "; ".join(sorted(html.escape(str(v)) for v in graph.objects(node, prop)))


def vocabulary_section(graph: Graph) -> str:
    """HTML section listing the controlled-vocabulary individuals (pyLODE's OntPub profile omits individuals)."""
    parts = ['<div id="vocabularies" class="section">', "<h2>Controlled vocabularies</h2>",
             "<p>Individuals that YAML sources refer to by local name (the <em>term</em> column).</p>"]
    for cls_name in VOCABULARY_CLASSES:
        cls = NCKG[cls_name]
        members = sorted(graph.subjects(RDF.type, cls), key=str)
        parts.append(f'<h3 id="vocab-{cls_name.lower()}">{html.escape(cls_name)}</h3>')
        parts.append(f"<p>{_text(graph, cls, SKOS.definition)}</p>")
        parts.append("<table><tr><th>term</th><th>label</th><th>definition</th><th>also</th>"
                     "<th>external term (RXNO, MOP, CHMO …)</th></tr>")
        for member in members:
            local = _name(graph, member)
            extra = [_text(graph, member, SKOS.altLabel), _text(graph, member, SKOS.notation),
                     ", ".join(_name(graph, c) for c in graph.objects(member, NCKG.reactionCategory))]
            parts.append(
                f'<tr id="vocab-{html.escape(local)}"><td><code>{html.escape(local)}</code></td>'
                f"<td>{_text(graph, member, RDFS.label)}</td><td>{_text(graph, member, SKOS.definition)}</td>"
                f"<td>{html.escape(' | '.join(x for x in extra if x))}</td><td>{_matches(str(member))}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</div>")
    return "\n".join(parts)


_MATCH_NAMES = {"exactMatch": "same as", "closeMatch": "close to", "broadMatch": "broader", "narrowMatch": "narrower",
                "relatedMatch": "related"}


@lru_cache(maxsize=1)
def _mappings() -> dict[str, list[tuple[str, str]]]:
    """Ontology term IRI -> (SKOS mapping predicate local name, external IRI), from ontology/mappings/*.sssom.tsv."""
    from nckg.sources.mappings import mapping_triples  # noqa: PLC0415

    found: dict[str, list[tuple[str, str]]] = {}
    for s, p, o in mapping_triples(include_chemicals=False):
        found.setdefault(s.value, []).append((p.value.rsplit("#", 1)[-1], o.value))
    return found


def _matches(iri: str) -> str:
    """The term's external matches as links to the terms' pages: "broader: MOP:0000569"."""
    links = []
    for predicate, target in sorted(_mappings().get(iri, [])):
        curie = target.removeprefix(OBO).replace("_", ":", 1) if target.startswith(OBO) else target
        links.append(f'{_MATCH_NAMES.get(predicate, predicate)}: <a href="{html.escape(target)}" class="external">'
                     f"{html.escape(curie)}</a>")
    return "; ".join(links)


def term_anchor(iri: str) -> str | None:
    """The fragment of the documentation entry of an ontology term (class, property or vocabulary individual) on
    the rendered page; None for IRIs it does not document. (pyLODE picks fragment ids from labels or IRIs,
    case and collisions included, so they are read from the page, rendered once per ontology directory.)"""
    return _anchors(ontology_dir()).get(iri)


_ENTRY = re.compile(r'<(?:div|tr)[^>]* id="([^"]+)">\s*(?:<h3>.*?</h3>\s*<table>\s*<tr>\s*<th>IRI</th>\s*<td>\s*'
                    r"<code>([^<]+)</code>)?", re.DOTALL)


@lru_cache(maxsize=4)
def _anchors(root) -> dict[str, str]:
    return anchors_of(_render_html(root))


@lru_cache(maxsize=2)
def anchors_of(page: str) -> dict[str, str]:
    """Term IRI -> fragment id of its entry on a rendered documentation page."""
    anchors = {}
    for match in _ENTRY.finditer(page):
        if match.group(2):
            anchors.setdefault(html.unescape(match.group(2)), match.group(1))
    for cls_name in VOCABULARY_CLASSES:
        graph = ontology_graph()
        for member in graph.subjects(RDF.type, NCKG[cls_name]):
            anchors.setdefault(str(member), f"vocab-{_name(graph, member)}")
    return anchors


EXAMPLES_DIR = "ontology-examples"  # queries/ontology-examples/<Class>.rq: one example query per main class


def class_examples(directory: Path | None = None) -> dict[str, tuple[str, str]]:
    """Class local name -> (what the example asks: its first comment line, the query text), from
    queries/ontology-examples/<Class>.rq."""
    directory = directory or config.queries_dir() / EXAMPLES_DIR
    examples = {}
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        examples[path.stem] = (first.lstrip("# ").strip() if first.startswith("#") else "", text)
    return examples


def _example_block(local: str, summary: str, query: str) -> str:
    link = "/editor?" + urlencode({"query": query, "run": "1"})
    return (f'<details class="sparql-example" id="example-{html.escape(local.lower())}"><summary>Example SPARQL: '
            f"{html.escape(summary)}</summary><pre><code>{html.escape(query)}</code></pre>"
            f'<p><a href="{html.escape(link)}">Run it in the query editor</a></p></details>')


def add_examples(page: str, examples: dict[str, tuple[str, str]]) -> str:
    """Each class's example query inside its entry (after the entry's table), and a section listing them all."""
    for local, (summary, query) in examples.items():
        entry = re.search(rf'<div class="[^"]*entity[^"]*" id="[^"]+">\s*<h3>(?:(?!</table>).)*?'
                          rf"<code>{re.escape(str(NCKG) + local)}</code>", page, re.DOTALL)
        end = page.find("</table>", entry.end()) if entry else -1
        if end >= 0:
            end += len("</table>")
            page = page[:end] + _example_block(local, summary, query) + page[end:]
    items = "".join(f'<li><a href="#example-{html.escape(local.lower())}"><code>nckg:{html.escape(local)}</code></a>: '
                    f"{html.escape(summary)}</li>" for local, (summary, _) in examples.items())
    section = (f'<div id="examples" class="section"><h2>Example queries</h2><p>One example SPARQL query per main '
               f"class, shown in its entry (queries/{EXAMPLES_DIR}/).</p><ul>{items}</ul></div>")
    page, found = re.subn(r'(<div id="vocabularies")', lambda m: section + m.group(1), page, count=1)
    return page if found else page.replace("</body>", section + "</body>", 1)


_TOC_ENTRY = '<li><h4><a href="#vocabularies">Controlled vocabularies</a></h4></li>'


def render_html() -> str:
    """The ontology documentation page for the current ontology directory (cached per directory)."""
    return _render_html(ontology_dir())


@lru_cache(maxsize=4)
def _render_html(root) -> str:
    """The ontology documentation as one self-contained HTML page: pyLODE (OntPub profile) for classes and
    properties, plus a section for the controlled vocabularies and an example query per main class."""
    root_logger = logging.getLogger()
    level, handlers = root_logger.level, root_logger.handlers[:]
    from pylode import OntPub  # its import calls logging.basicConfig(level=DEBUG): undone below

    root_logger.setLevel(level)
    root_logger.handlers[:] = handlers
    page = OntPub(ontology=documentation_graph(), sort_subjects=True).make_html(include_css=True)
    section = vocabulary_section(ontology_graph())
    page, found = re.subn(r'(<div id="namespaces")', lambda m: section + m.group(1), page, count=1)
    if not found:
        page = page.replace("</body>", section + "</body>", 1)
    page = add_examples(page, class_examples())
    toc = re.search(r'<li>\s*<h4>\s*<a href="#namespaces">', page)
    if toc:
        page = page[:toc.start()] + _TOC_ENTRY + page[toc.start():]
    return page
