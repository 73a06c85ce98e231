"""Cluster identity from composition: slug, canonical formula and the derived free-electron count."""

from __future__ import annotations

from collections import Counter

from nckg.sources import quotes
from nckg.sources.schema import Cluster, Ligand


def _charge_text(charge: int) -> str:
    return f"{abs(charge)}{'+' if charge > 0 else '-'}" if charge else ""


def slug(cluster: Cluster) -> str:
    """`cu{Cu}h{H}-{ligand}_{count}…-{n}plus|minus-{variant}` with ligands sorted by id.

    A ligand whose count the review does not report stays out of the slug (the variant tells such clusters apart)."""
    comp = cluster.composition
    parts = [f"cu{comp.Cu}" + (f"h{comp.hydride}" if comp.hydride else "")]
    parts += [f"{item.ligand}_{item.count}" for item in sorted(comp.ligands, key=lambda i: i.ligand)
              if item.count is not None]
    if cluster.charge:
        parts.append(f"{abs(cluster.charge)}{'plus' if cluster.charge > 0 else 'minus'}")
    if cluster.variant:
        parts.append(cluster.variant)
    return "-".join(parts)


def canonical_formula(cluster: Cluster, ligands: dict[str, Ligand]) -> str:
    """`[Cu32H8(Cl)2(PET)24]2-`: Cu, hydride, then ligands (by id) with their abbreviations, then charge.

    A count the review does not report is written `n`: `[Cu13(CZ-PrA)n] (partial)`."""
    comp = cluster.composition
    body = f"Cu{comp.Cu}" + (f"H{comp.hydride}" if comp.hydride else "")
    for item in sorted(comp.ligands, key=lambda i: i.ligand):
        ligand = ligands.get(item.ligand)
        label = (ligand.abbreviation if ligand and ligand.abbreviation else item.ligand)
        body += f"({label}){'n' if item.count is None else item.count}"
    text = f"[{body}]" + _charge_text(cluster.charge or 0)
    return text if cluster.formula_complete else text + " (partial)"


def free_electrons(cluster: Cluster, ligands: dict[str, Ligand]) -> tuple[int, str] | None:
    """n = Cu − Σ(count × electrons withdrawn) − hydride − charge, with the derivation spelled out.

    None when the composition is partial, the charge unknown, or a ligand's electron count unknown.
    """
    comp = cluster.composition
    if not cluster.formula_complete or cluster.charge is None or any(i.count is None for i in comp.ligands):
        return None
    terms, withdrawn = [], 0
    for item in sorted(comp.ligands, key=lambda i: i.ligand):
        ligand = ligands.get(item.ligand)
        if ligand is None or ligand.electrons_withdrawn is None:
            return None
        if ligand.electrons_withdrawn:
            withdrawn += item.count * ligand.electrons_withdrawn
            terms.append(f"{item.count}×{ligand.electrons_withdrawn} ({ligand.abbreviation or ligand.id})")
    hydride = comp.hydride or 0
    n = comp.Cu - withdrawn - hydride - cluster.charge
    text = (f"n = {comp.Cu} Cu − [{' + '.join(terms) or '0'}] withdrawn by X-type ligands − {hydride} hydride"
            f" − ({cluster.charge}) charge = {n}")
    return n, text


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _bare(text: str) -> str:
    """A label or formula reduced for comparison: markup, brackets, spaces and sub/superscripts folded away."""
    return "".join(ch for ch in quotes.plain(text).translate(_SUBSCRIPTS).lower() if ch.isalnum())


def nuclearity_name(cluster: Cluster) -> str:
    """`Cu25`: the bare name by copper count that the literature gives many clusters."""
    return f"Cu{cluster.composition.Cu}"


def display_labels(clusters: list[tuple[Cluster, int | None]]) -> dict[str, str]:
    """Cluster id -> a unique display label, from (cluster, reference number of its paper) pairs.

    The literature label (first of `labels`, else the formula as written) where no other cluster goes by it (as its
    label, one of its literature labels or its nuclearity "Cu<n>", so that a display label always names one
    cluster); else the label plus
    what tells the clusters apart: the formula as written when it says more than the label, otherwise the paper's
    reference number ("Cu25 (ref. 58)"), and the id as a last resort."""
    base = {cl.id: cl.labels[0] if cl.labels else quotes.plain(cl.formula_as_written) for cl, _ in clusters}
    taken = Counter(name for cl, _ in clusters for name in {base[cl.id], *cl.labels, nuclearity_name(cl)})
    labels = {}
    for cl, ref in clusters:
        label = base[cl.id]
        if taken[label] > 1:
            written = quotes.plain(cl.formula_as_written)
            extra = written if _bare(written) != _bare(label) else f"ref. {ref}" if ref else cl.id
            label = f"{label} ({extra})"
        labels[cl.id] = label
    repeated = {label for label, n in Counter(labels.values()).items() if n > 1}
    return {ident: f"{label} ({ident})" if label in repeated else label for ident, label in labels.items()}
