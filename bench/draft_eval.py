"""`python -m bench.draft_eval`: run `nckg draft` on the review's sections and compare with the curated
measurements (data/papers/*.yaml); writes bench/results/draft-eval.md and .json (nckg.draft.evaluate)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from nckg.draft.evaluate import evaluate, markdown, totals

RESULTS = Path(__file__).resolve().parent / "results"
COMMAND = "python -m bench.draft_eval"
# how the held-out figures came about: they are not fully blind (the table of misses names held-out records)
HISTORY = """
## History of the held-out figures

Up to the third version below, the rules were changed while looking at the sentences of sections 3.1 and 3.2 only,
but every run prints the missed records of all sections, so the held-out sections were not unseen. Held-out
recall / precision per version:

- first complete version: 43 % / 56 %;
- after adding the vocabulary's count metrics (catalytic cycles, substrate examples: unit `count`) and m/z, which the
  first version lacked although the ontology defines them: 52 % / 60 %;
- after the 3.1/3.2-driven changes (plural subjects, "vs." lists, broken paragraphs, metric of a broken sentence,
  cue words written together) and changes driven by made-up abstracts in the tests (more spellings of the reference
  electrode and of mA cm⁻², units that name their metric, the previous sentence's subject): 57 % / 52 % (all
  sections 75 % / 78 %). Until here the text of sections 3.3.x and 3.4 was never read to write a cue or attribution
  rule (the formula grammar was checked on the formulas of all of section 3). Re-run before the fourth version on
  the grown curated data: the same 60 measurements and the same figures.
- fourth version: twelve rules (`nckg.draft.rules`) written after reading the missed and wrong records of 3.1,
  3.3.1–3.3.5, 3.4 and the Fig. 9 caption, i.e. of the held-out sections too; each rule is tagged with the section
  that led to it. Two more rules came from made-up test texts and the issue's list (a potential written after its
  value; a comparison whose subject is the paragraph's cluster); they stay on everywhere and change no score here. With all rules the formerly held-out sections score 96 % / 96 % ("All rules"), a figure that is no
  longer held out. The fair figure is the leave-one-section-out table, where each section is drafted without its
  own rules: held-out sections 65 % / 60 % (from 57 % / 52 %), which is what the rules found on other sections
  bring to a section they were not written for.
"""


def main() -> int:
    result = evaluate()
    result["command"] = COMMAND
    result["cores"] = os.cpu_count()
    result["totals"] = {"all": totals(result["sections"]), "tuning": totals(result["sections"], tuned=True),
                        "held_out": totals(result["sections"], tuned=False)}
    loso = result["leave_one_section_out"]
    result["totals_leave_one_section_out"] = {"all": totals(loso), "tuning": totals(loso, tuned=True),
                                              "held_out": totals(loso, tuned=False)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "draft-eval.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    text = markdown(result, COMMAND) + HISTORY
    (RESULTS / "draft-eval.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
