"""The one rule by which a typed name finds a cluster, for every face (Python API, catalogue parameters, pages).

A cluster is found by its IRI or id; else by a name it goes by (display label, the review's labels, formula as
written or canonical; compared without spaces, case-folded, Unicode sub- and superscripts as digits) or, for a bare
"Cu<n>", by its copper count; else by its formula's composition and charge, whatever the order, brackets or
charge notation ("[Cu32(PET)24H8Cl2]2-", "[Cu₃₂H₈Cl₂(PET)₂₄]²⁻", "Cu32(PET)24H8Cl2"); else by a part of a name.
Several clusters at the first level that finds any are ambiguous: AmbiguousCluster lists them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from nckg.model.terms import per_version
from nckg.namespaces import NCKR
from nckg.store.graph import GraphStore

CLUSTER_PREFIX = NCKR + "cluster/"
_NUCLEARITY = re.compile(r"^cu(\d+)$")
_TOKEN = re.compile(r"\(([^()]+)\)(\d*)|([A-Z][a-z]?)(\d*)")
_CHARGE = re.compile(r"^(?:(\d*)([+-])|([+-])(\d*))$")


class ClusterNotFound(LookupError):
    """No cluster has this name, formula, id or IRI."""


class AmbiguousCluster(LookupError):
    """Several clusters go by this name; `candidates` lists them as {iri, id, label}."""

    def __init__(self, name: str, candidates: list[dict[str, str]]):
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{c['label']} ({c['id']})" for c in candidates)
        super().__init__(f"{len(candidates)} clusters match {name!r}: {listed}. Give the id or the full formula.")


def normalise(name: str) -> str:
    """A name as compared in look-ups: Unicode subscripts and superscripts as plain digits and signs (NFKC), a
    typographic minus as '-', no spaces, case-folded."""
    text = unicodedata.normalize("NFKC", str(name)).replace("\u2212", "-")
    return "".join(text.split()).casefold()


def formula_key(text: str) -> tuple[frozenset, str | None] | None:
    """(the multiset of the formula's parts, its charge as "2-"/"1+" or None) of a bracketed or plain cluster
    formula; None when the text is no formula. Counter-ions after the bracket are not part of the key."""
    flat = unicodedata.normalize("NFKC", str(text)).replace("\u2212", "-")
    flat = re.sub(r"\\text|[${}_^\s]", "", flat)
    if "[" in flat and "]" in flat:
        inner, rest = flat[flat.index("[") + 1:flat.rindex("]")], flat[flat.rindex("]") + 1:]
        charge = _charge(rest) if _CHARGE.match(rest) else None
    else:
        match = re.search(r"(\d*[+-]|[+-]\d*)$", flat)
        inner, charge = (flat[:match.start()], _charge(match.group(1))) if match else (flat, None)
    parts: Counter = Counter()
    position = 0
    for token in _TOKEN.finditer(inner):
        if token.start() != position:
            return None
        name = (token.group(1) or token.group(3)).casefold()
        parts[name] += int(token.group(2) or token.group(4) or 1)
        position = token.end()
    if position != len(inner) or not parts.get("cu"):
        return None
    return frozenset(parts.items()), charge


def _charge(text: str) -> str | None:
    match = _CHARGE.match(text)
    if not match:
        return None
    number, sign = (match.group(1), match.group(2)) if match.group(2) else (match.group(4), match.group(3))
    return f"{int(number or 1)}{sign}"


@dataclass
class ClusterNames:
    """What a cluster goes by: display label, copper count, charge and names (labels and formulas)."""

    iri: str
    label: str
    copper: int
    charge: str | None
    names: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.iri[len(CLUSTER_PREFIX):]

    def candidate(self) -> dict[str, str]:
        return {"iri": self.iri, "id": self.id, "label": self.label}


@per_version
def cluster_names(store: GraphStore) -> dict[str, ClusterNames]:
    """Cluster IRI -> ClusterNames (api-cluster-names.rq), once per store version."""
    found: dict[str, ClusterNames] = {}
    for row in store.run("api-cluster-names"):
        charge = int(row["charge"].value) if row["charge"] is not None else None
        entry = found.setdefault(row["cluster"].value, ClusterNames(
            row["cluster"].value, row["label"].value, int(row["copper"].value),
            None if charge is None else f"{abs(charge)}{'-' if charge < 0 else '+'}" if charge else "0"))
        entry.names.append(row["name"].value)
    return found


def resolve_cluster(store: GraphStore, name: str) -> str:
    """The IRI of the cluster called `name` (see the module's rule). ClusterNotFound or AmbiguousCluster."""
    if not isinstance(name, str) or not name.strip():
        raise ClusterNotFound("give a cluster name, formula, id or IRI")
    clusters = cluster_names(store)
    text = name.strip()
    ident = text[len(NCKR):] if text.startswith(NCKR) else text
    iri = CLUSTER_PREFIX + ident.removeprefix("cluster/")
    if iri in clusters:
        return iri
    wanted = normalise(text)
    nuclearity = _NUCLEARITY.match(wanted)
    key = formula_key(text)
    levels = (
        [c for c in clusters.values() if any(normalise(n) == wanted for n in c.names)
         or (nuclearity and c.copper == int(nuclearity.group(1)))],
        [c for c in clusters.values() if key and _formula_matches(c, key)],
        [c for c in clusters.values() if any(wanted in normalise(n) for n in c.names)],
    )
    for matches in levels:
        if len(matches) == 1:
            return matches[0].iri
        if matches:
            raise AmbiguousCluster(name, [c.candidate() for c in matches])
    raise ClusterNotFound(f"no cluster is called {name!r} (by label, formula, id or IRI); "
                          "the cluster table lists them all")


def _formula_matches(cluster: ClusterNames, key: tuple[frozenset, str | None]) -> bool:
    parts, charge = key
    for name in cluster.names:
        found = formula_key(name)
        if found and found[0] == parts:
            stated = found[1] or cluster.charge
            if charge is None or stated is None or stated == charge:
                return True
    return False


__all__ = ["AmbiguousCluster", "ClusterNames", "ClusterNotFound", "cluster_names", "formula_key", "normalise",
           "resolve_cluster"]
