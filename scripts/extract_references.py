#!/usr/bin/env python3
"""Generate data/references.yaml from the reference list of the seed review.

Deterministic: the output depends only on the seed text. Run from the repository root:

    .venv/bin/python scripts/extract_references.py            # writes data/references.yaml
    .venv/bin/python scripts/extract_references.py --check    # exits 1 when the file is stale

How an entry is read (see docs/design.md, "Topic files"):

* The reference list is the part of the seed between the line "References" and "Publisher's Note".
  An entry starts with "- <n>. "; lines that follow it (after a page break) without such a prefix
  are joined to it with one space (refs 6, 44, 56, 118, 131, 158, 172, 185).
* `doi`: the target of the `(https://doi.org/...)` / `<https://doi.org/...>` link(s) of the entry,
  lower-cased. The printed text often splits a DOI over several markdown links; all link targets of
  one entry must agree (asserted), so the target is taken, never the printed fragments.
* `authors`: the printed author list (including "et al.") up to the title, stray doubled commas (ref 150)
  dropped; three entries have no comma
  between the last author and the title (refs 104, 128, 156) and are split at the name in AUTHOR_OVERRIDES.
* `journal`: one of JOURNALS (as printed), the match preceded by ". " or "? " and followed by the volume
  or a comma; `title`: the text between authors and journal, without the final full stop, as printed
  (LaTeX/markdown markup kept).
* `volume`, `issue`, `pages` (strings, en-dash spacing tidied), `year` (int) from the tail
  "<journal> **<vol>**(<issue>), <pages> (<year>)."; bold markup is optional in the seed.
* `evidence`: the whole entry text from "<n>. " on (verbatim; page-break joins are whitespace only).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "sources" / "cu-nanoclusters-review.txt"  # the review's text, shipped with the data
OUT = ROOT / "data" / "references.yaml"

REVIEW = {
    "doi": "10.1007/s40820-024-01555-6",
    "title": "Atomically Precise Cu Nanoclusters: Recent Advances, Challenges, and Perspectives in Synthesis "
             "and Catalytic Applications",
    "authors": "Mengyao Chen, Chengyu Guo, Lubing Qin, Lei Wang, Liang Qiao, Kebin Chi, Zhenghua Tang",
    "journal": "Nano-Micro Letters",
    "volume": "17",
    "pages": "83",
    "year": 2025,
    "evidence": [
        ("Title", "Nano-Micro Letters"),
        ("Title", "https://doi.org/10.1007/s40820-024-01555-6"),
        ("Title", "Cite as Nano-Micro Lett. (2025) 17:83"),
        ("Title", "Atomically Precise Cu Nanoclusters: Recent Advances, Challenges, and Perspectives in "
                  "Synthesis and Catalytic Applications"),
        ("Title", "Mengyao Chen¹, Chengyu Guo¹, Lubing Qin¹, Lei Wang¹, Liang Qiao², Kebin Chi², "
                  "Zhenghua Tang^{1,3}"),
    ],
}

# journal names as printed in the reference list (longest match wins)
JOURNALS = [
    "ACS Catal.", "ACS Energy Lett.", "ACS Mater. Lett.", "ACS Nano", "Acc. Chem. Res.", "Adv. Funct. Mater.",
    "Adv. Mater.", "Aggregate", "Angew. Chem. Int. Ed.", "Catal. Sci. Technol.", "CCS Chem.", "Chem Catal.",
    "Chem. Asian J.", "Chem. Commun.", "Chem. Eng. J.", "Chem. Mater.", "Chem. Rev.", "Chem. Sci.",
    "Chem. Soc. Rev.", "Chemistry", "Chin. J. Struct. Chem.", "Coord. Chem. Rev.", "Dalton Trans.",
    "Energy Fuels", "Eur. J. Inorg. Chem.", "Inorg. Chem.", "J. Am. Chem. Soc.", "J. Chem. Educ.",
    "J. Chem. Soc., Chem. Commun.", "J. Energy Chem.", "J. Mater. Chem.", "J. Mater. Chem. A",
    "J. Phys. Chem. C", "J. Phys. Chem. Lett.", "Joule", "Mater. Chem. Front.", "Matter", "Nano Res.",
    "Nano Today", "Nano-Micro Lett.", "Nanoscale", "Nat. Chem.", "Nat. Commun.", "Nat. Nanotechnol.",
    "Natl. Sci. Rev.", "Nature", "Next Mater.", "Plos one", "Polyoxometalates", "Proc. Natl. Acad. Sci. U.S.A.",
    "Sci. Adv.", "Sci. China Chem.", "Science", "Small", "Small Sci.", "Surf. Interfaces",
]

# entries printed without a comma between the last author and the title
AUTHOR_OVERRIDES = {104: "D-e. Jiang", 128: "Y.B. Huang", 156: "O. Reiser"}

AUTHOR = re.compile(r"^(?:[A-Z][a-z]?\.|D-e\.)")  # a printed name starts with an initial
DOI_LINK = re.compile(r"(?:\]\(|<)https://doi\.org/([^)>\s]+)[)>]")
TAIL = re.compile(
    r"^\s*(?:\*\*(?P<vol>\d+)\*\*|(?P<vol2>\d+))?(?:\((?P<issue>\d+)\))?\s*,\}?\s*"
    r"(?P<pages>[^()]*?)\s*\((?P<year>\d{4})\)\.?\s*$"
)


def entries(text: str) -> list[tuple[int, str]]:
    """(number, verbatim entry text from "<n>. " on) for every reference entry."""
    lines = text.splitlines()
    start = lines.index("References") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Publisher's Note"))
    found: list[list] = []
    for line in lines[start:end]:
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^- (\d+)\. (.*)$", line)
        if m:
            found.append([int(m.group(1)), f"{m.group(1)}. {m.group(2)}"])
        else:
            if not found:
                raise ValueError(f"continuation line before the first entry: {line!r}")
            found[-1][1] += " " + line
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError("reference numbers are not 1..n in order")
    return [(n, t) for n, t in found]


def parse(number: int, entry: str) -> dict:
    body = entry.split(". ", 1)[1]
    dois = {d.lower() for d in DOI_LINK.findall(body)}
    if len(dois) != 1:
        raise ValueError(f"ref {number}: expected one DOI link target, found {sorted(dois)}")
    doi = dois.pop()
    # bibliographic part: everything before the first link
    cut = min(i for i in (body.find("[https://"), body.find("<https://")) if i >= 0)
    biblio = body[:cut].strip()

    # authors
    pos, authors, title_start = 0, [], None
    override = AUTHOR_OVERRIDES.get(number)
    while title_start is None:
        if override and biblio.startswith(override + " ", pos):
            authors.append(override)
            title_start = pos + len(override) + 1
            break
        comma = biblio.find(", ", pos)
        token = biblio[pos:comma].rstrip(",")
        if comma < 0 or not AUTHOR.match(token):
            title_start = pos
            break
        authors.append(token)
        pos = comma + 2
        if token.endswith("et al."):
            title_start = pos
    if not authors:
        raise ValueError(f"ref {number}: no authors found")

    # journal: the last ". <journal>" / "? <journal>" followed by volume or comma
    best = None
    for journal in JOURNALS:
        for m in re.finditer(r"(?<=[.?] )" + re.escape(journal) + r"(?=\s*(?:\*\*|\d|,))", biblio):
            if m.start() >= title_start and (best is None or (m.end(), len(journal)) > (best[0] + len(best[1]), len(best[1]))):
                best = (m.start(), journal)
    if best is None:
        raise ValueError(f"ref {number}: no known journal in {biblio!r}")
    j_start, journal = best
    title = biblio[title_start:j_start].strip()
    if title.endswith("."):
        title = title[:-1]
    tail = TAIL.match(biblio[j_start + len(journal):])
    if not tail:
        raise ValueError(f"ref {number}: cannot read volume/pages/year from {biblio[j_start:]!r}")
    record = {
        "ref": number,
        "doi": doi,
        "title": title,
        "authors": ", ".join(authors),
        "journal": journal,
    }
    volume = tail.group("vol") or tail.group("vol2")
    if volume:
        record["volume"] = volume
    if tail.group("issue"):
        record["issue"] = tail.group("issue")
    pages = re.sub(r"\s*–\s*", "–", tail.group("pages").strip())
    if pages:
        record["pages"] = pages
    record["year"] = int(tail.group("year"))
    record["evidence"] = [("References", entry)]
    return record


def _scalar(value) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def dump(records: list[dict]) -> str:
    out = [
        "# GENERATED by scripts/extract_references.py from the seed review's reference list; do not edit by hand.",
        "# The review itself (no ref number) comes first, then refs 1-196 in order.",
        "publications:",
    ]
    for rec in records:
        first = True
        for key, value in rec.items():
            prefix = "  - " if first else "    "
            first = False
            if key == "evidence":
                out.append(f"{prefix}evidence:")
                for section, quote in value:
                    out.append(f"      - section: {_scalar(section)}")
                    out.append(f"        quote: {_scalar(quote)}")
            else:
                out.append(f"{prefix}{key}: {_scalar(value)}")
    return "\n".join(out) + "\n"


def build(seed: Path = SEED) -> str:
    text = seed.read_text(encoding="utf-8")
    records = [dict(REVIEW)] + [parse(n, e) for n, e in entries(text)]
    return dump(records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when data/references.yaml is stale")
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args()
    text = build(args.seed)
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale; rerun scripts/extract_references.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10) + '  - ')} publications)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
