"""The curator's view: one standalone HTML page with the text, every proposed record highlighted in its sentence,
and a card per record with its fields and confidence (no script, no external resource)."""

from __future__ import annotations

from html import escape

from nckg.draft.records import Draft
from nckg.draft.writer import quotable, to_data

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex}
main{flex:3;padding:1em 2em;max-width:60em}aside{flex:2;padding:1em;background:#f6f6f4;height:100vh;overflow:auto;
position:sticky;top:0}
p.s{margin:.2em 0}p.s:target{background:#fff6c8}h2{font-size:1.1em;margin-top:1.4em}
mark.cluster{background:#cde7ff}mark.measurement{background:#ffe1a8}mark.comparison{background:#e3d2ff}
mark.none{background:#eee}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em;margin:.5em 0}
.card h3{font-size:.95em;margin:0}.conf{float:right;font-weight:bold}.low{color:#b00}.mid{color:#a60}.high{color:#070}
dl{display:grid;grid-template-columns:max-content auto;gap:0 .8em;margin:.3em 0;font-size:.9em}dt{color:#555}
"""


def _level(confidence: float) -> str:
    return "high" if confidence >= 0.75 else "mid" if confidence >= 0.5 else "low"


def _fields(record: dict) -> str:
    rows = []
    for key, value in record.items():
        if key in ("evidence", "status", "confidence"):
            continue
        shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else value
        rows.append(f"<dt>{escape(key)}</dt><dd>{escape(str(shown))}</dd>")
    return "<dl>" + "".join(rows) + "</dl>"


def _card(kind: str, number: int, record: dict, sentence_index: int) -> str:
    confidence = record.get("confidence", 0)
    title = record.get("id") or f"{record.get('metric', '')} {record.get('value', '')}"
    return (f'<div class="card" id="{kind}-{number}"><span class="conf {_level(confidence)}">{confidence:.2f}</span>'
            f'<h3><a href="#s{sentence_index}">{escape(kind)}: {escape(str(title))}</a></h3>{_fields(record)}</div>')


def _marked(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """The sentence with the spans (start, end, css class, tooltip) wrapped in <mark>; overlapping spans skipped."""
    out, at = [], 0
    for start, end, css, tip in sorted(spans):
        if start < at:
            continue
        out.append(escape(text[at:start]))
        out.append(f'<mark class="{css}" title="{escape(tip)}">{escape(text[start:end])}</mark>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def render(draft: Draft, title: str = "nckg draft") -> str:
    data = to_data(draft)
    spans: dict[int, list] = {}
    for index, named in draft.mentions.items():
        for mention, key in named:
            spans.setdefault(index, []).append((mention.start, mention.end, "cluster",
                                                f"cluster {draft.clusters[key].id}"))
    cards = []
    measurements = [m for m in draft.measurements if quotable([m.sentence])]  # the records to_data wrote
    comparisons = [c for c in draft.comparisons if quotable([c.sentence])]
    clusters = [cl for cl in draft.clusters.values() if quotable(cl.evidence)]
    for i, (m, record) in enumerate(zip(measurements, data.get("measurements", []))):
        v = m.value
        spans.setdefault(m.sentence.index, []).append((v.start, v.end, "measurement",
                                                       f"{v.metric} → {record['cluster']} ({m.confidence:.2f})"))
        cards.append(_card("measurement", i, record, m.sentence.index))
    for i, (c, record) in enumerate(zip(comparisons, data.get("comparisons", []))):
        spans.setdefault(c.sentence.index, []).append((*c.cue, "comparison", f"{c.better.id} > {c.worse.id}"))
        cards.append(_card("comparison", i, record, c.sentence.index))
    for d in draft.unattributed:
        spans.setdefault(d.sentence.index, []).append((d.value.start, d.value.end, "none",
                                                       f"{d.metric}: no cluster to attribute it to"))
    cluster_cards = [_card("cluster", i, record, cl.sentence.index)
                     for i, (cl, record) in enumerate(zip(clusters, data.get("clusters", [])))]
    body, section = [], None
    for s in draft.sentences:
        if s.section != section:
            section = s.section
            body.append(f"<h2>{escape(section)}</h2>")
        body.append(f'<p class="s" id="s{s.index}">{_marked(s.text, spans.get(s.index, []))}</p>')
    reactions = "".join(f"<li>{escape(name)} ({len(sentences)} sentences): "
                        f"{escape('; '.join(draft.reaction_mappings.get(name, [])) or 'no external mapping')}</li>"
                        for name, sentences in sorted(draft.reactions.items()))
    cited = sorted({n for numbers in draft.cited.values() for n in numbers})
    refs = "".join(f"<li>[{n}] {escape(draft.references.get(n, 'no DOI in the text'))}</li>" for n in cited)
    legend = ('<p><mark class="cluster">cluster formula</mark> <mark class="measurement">measurement</mark> '
              '<mark class="comparison">comparison</mark> <mark class="none">value without a cluster</mark></p>')
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><main><h1>{escape(title)}</h1>{legend}{''.join(body)}</main>"
            f"<aside><h2>{len(measurements)} measurements, {len(comparisons)} comparisons</h2>"
            f"{''.join(cards)}<h2>{len(clusters)} clusters</h2>{''.join(cluster_cards)}"
            f"<h2>reaction types</h2><ul>{reactions}</ul><h2>references cited</h2><ul>{refs}</ul></aside></body></html>")
