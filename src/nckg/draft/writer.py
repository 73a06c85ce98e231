"""A draft as a YAML file in the data/ format (data/README.md), every record marked `status: draft` with its
`confidence`, and the short plain-text report of what was found and what could not be attributed."""

from __future__ import annotations

import yaml

from nckg.draft.records import Draft, DraftCluster, DraftComparison, DraftMeasurement
from nckg.draft.segment import MIN_QUOTE, Sentence
from nckg.namespaces import REVIEW_DOI

_SECTION_OK = ("Abstract", "Title", "References", "Fig. ", "Table ", "Scheme ")


def quotable(sentences: list[Sentence]) -> list[Sentence]:
    """The sentences long enough to be a quote (a paragraph of a few characters is not)."""
    return [s for s in sentences if len(s.text) >= MIN_QUOTE]


def _evidence(sentences: list[Sentence], doi: str | None) -> list[dict]:
    items = []
    for s in quotable(sentences):
        section = s.section if s.section[0].isdigit() or s.section.startswith(_SECTION_OK) else "Abstract"
        item = {"section": section, "quote": s.text}
        if doi and doi.lower() != REVIEW_DOI:
            item["quoted_from"] = doi
        items.append(item)
    return items


def _cited_note(draft: Draft, sentences: list[Sentence]) -> str | None:
    cited = sorted({n for s in sentences for n in draft.cited.get(s.index, [])})
    if not cited:
        return None
    return "cites " + ", ".join(f"[{n}]" + (f" doi:{draft.references[n]}" if n in draft.references else "")
                                for n in cited)


def _cluster(draft: Draft, cl: DraftCluster) -> dict:
    m = cl.mention
    record: dict = {"id": cl.id, "variant": m.variant, "labels": cl.labels, "formula_as_written": m.written,
                    "formula_complete": m.full and all(p.count is not None for p in m.ligands),
                    "composition": {"Cu": m.copper, **({"hydride": m.hydride} if m.hydride else {}),
                                    "ligands": [{"ligand": p.ligand, "count": p.count} for p in m.ligands]},
                    "charge": m.charge}
    notes = []
    if unknown := [p.written for p in m.ligands if not p.known]:
        notes.append("ligands not in data/ligands.yaml (register them): " + ", ".join(unknown))
    if m.counter_ion:
        notes.append(f"written with counter-ion {m.counter_ion}"
                     + (" (the charge is read from it)" if m.charge_from_counter_ion else ""))
    if cited := _cited_note(draft, cl.evidence):
        notes.append(cited)
    record = {k: v for k, v in record.items() if v is not None}
    if notes:
        record["note"] = "; ".join(notes)
    return {**record, "evidence": _evidence(cl.evidence, draft.doi), "status": "draft",
            "confidence": round(cl.confidence, 2)}


def _measurement(draft: Draft, d: DraftMeasurement) -> dict:
    v = d.value
    record: dict = {"cluster": d.cluster.id if d.cluster else None, "reaction": d.reaction, "product": v.product,
                    "metric": v.metric}
    if v.value is not None:
        record["value"] = v.value
    else:
        record["value_min"], record["value_max"] = v.low, v.high
    record.update({"unit": v.unit, "qualifier": v.qualifier, "conditions": d.conditions or None})
    notes = ["; ".join(d.why)]
    if cited := _cited_note(draft, [d.sentence]):
        notes.append(cited)
    record = {k: val for k, val in record.items() if val is not None}
    return {**record, "note": "; ".join(notes), "evidence": _evidence([d.sentence], draft.doi), "status": "draft",
            "confidence": round(max(0.0, min(1.0, d.confidence)), 2)}


def _comparison(draft: Draft, c: DraftComparison) -> dict:
    record = {"better": c.better.id, "worse": c.worse.id, "metric": c.metric, "reaction": c.reaction,
              "ratio": c.ratio, "ratio_text": c.ratio_text}
    return {**{k: v for k, v in record.items() if v is not None}, "evidence": _evidence([c.sentence], draft.doi),
            "status": "draft", "confidence": c.confidence}


def to_data(draft: Draft) -> dict:
    """The draft as a data-file mapping (clusters, measurements, comparisons)."""
    data: dict = {}
    refs = sorted({n for ns in draft.cited.values() for n in ns})
    if draft.doi:
        data["source"] = {"doi": draft.doi}
    elif len(refs) == 1 and refs[0] in draft.references:
        data["source"] = {"ref": refs[0], "doi": draft.references[refs[0]]}
    data["clusters"] = [_cluster(draft, cl) for cl in draft.clusters.values() if quotable(cl.evidence)]
    data["measurements"] = [_measurement(draft, d) for d in draft.measurements if quotable([d.sentence])]
    data["comparisons"] = [_comparison(draft, c) for c in draft.comparisons if quotable([c.sentence])]
    return {k: v for k, v in data.items() if v}


def to_yaml(draft: Draft, command: str = "nckg draft") -> str:
    header = [f"# Drafted by `{command}`: every record is a proposal (status: draft) with a confidence in 0-1.",
              "# Check each against its quote, correct it, move it to the right data/papers/ file and remove",
              "# `status` and `confidence`; `nckg validate` refuses any record still marked draft."]
    if new := draft.new_ligands():
        header.append("# New ligands to register in data/ligands.yaml: "
                      + ", ".join(f"{written} (proposed id {key})" for key, written in new.items()))
    for d in draft.unattributed:
        header.append(f"# Not attributed to a cluster: {d.metric} {_shown(d)} in section {d.sentence.section}: "
                      f"{d.sentence.text[:120]}")
    body = yaml.safe_dump(to_data(draft), sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(_comment(line) for line in header) + "\n" + body


def _comment(line: str) -> str:
    """A header line as a YAML comment: characters YAML does not allow (controls, line breaks) become spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in line)


def _shown(d: DraftMeasurement) -> str:
    v = d.value
    number = f"{v.value:g}" if v.value is not None else f"{v.low:g}–{v.high:g}"
    return f"{number} {v.unit}"


def report(draft: Draft) -> str:
    """What was found and what could not be attributed, in a few lines."""
    lines = [f"{len(draft.sentences)} sentences: {len(draft.clusters)} clusters, {len(draft.measurements)} "
             f"measurements, {len(draft.comparisons)} comparisons, {len(draft.reactions)} reaction types",
             "clusters: " + ", ".join(f"{cl.labels[0] if cl.labels else cl.id} ({cl.id})"
                                      for cl in draft.clusters.values())]
    for name, sentences in sorted(draft.reactions.items()):
        mapped = "; ".join(draft.reaction_mappings.get(name, [])) or "no external mapping"
        lines.append(f"reaction {name} ({len(sentences)} sentences): {mapped}")
    if new := draft.new_ligands():
        lines.append("new ligands to register: " + ", ".join(f"{w} ({k})" for k, w in new.items()))
    cited = sorted({n for ns in draft.cited.values() for n in ns})
    if cited:
        resolved = [n for n in cited if n in draft.references]
        lines.append(f"references cited: {len(cited)}, resolved to DOIs: {len(resolved)}"
                     + (f" (no DOI for {', '.join(map(str, sorted(set(cited) - set(resolved))))})"
                        if len(resolved) < len(cited) else ""))
    for d in draft.unattributed:
        lines.append(f"not attributed: {d.metric} {_shown(d)} (section {d.sentence.section}): no cluster named")
    for sentence, value in draft.unassigned:
        number = f"{value.value:g}" if value.value is not None else f"{value.low:g}–{value.high:g}"
        lines.append(f"no metric: {number} {value.unit} (section {sentence.section})")
    return "\n".join(lines)
