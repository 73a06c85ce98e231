"""Coverage statistics of the curated data per review section."""

from __future__ import annotations

from collections import Counter, defaultdict

from nckg.build.compile import EMITTERS
from nckg.sources.loading import Registry


def _section_key(section: str) -> tuple:
    head = section.split()[0]
    return tuple(int(p) for p in head.split(".")) if head.replace(".", "").isdigit() else (999, section)


def by_section(registry: Registry) -> dict[str, dict[str, int]]:
    """Records per kind, keyed by the review section of their first quote, sections in reading order."""
    table: dict[str, Counter] = defaultdict(Counter)
    for source in registry.files:
        for kind in EMITTERS:
            for record in getattr(source.data, kind):
                table[record.evidence[0].section][kind] += 1
    return {s: dict(table[s]) for s in sorted(table, key=_section_key)}
