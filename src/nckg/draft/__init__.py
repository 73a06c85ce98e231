"""Curation tooling: `nckg draft` proposes records (clusters, measurements, comparisons) with their verbatim
quotes from a plain text, for a curator to review (docs/curation.md).

Stages: `segment` (sections, sentences with offsets) → `formulas` (cluster formulas, parsed over the ligand registry
and the project's cluster ids) and `values` (numbers with units, vocabulary metrics, products) → `attribution` and
`comparisons` (which cluster, reactions) → `records` → `writer` (YAML in the data/ format, report) and `html` (the
curator's view); `references` resolves cited numbers to DOIs; `evaluate` measures the drafter on the review."""
