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


def main() -> int:
    result = evaluate()
    result["command"] = COMMAND
    result["cores"] = os.cpu_count()
    result["totals"] = {"all": totals(result["sections"]), "tuning": totals(result["sections"], tuned=True),
                        "held_out": totals(result["sections"], tuned=False)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "draft-eval.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    text = markdown(result, COMMAND)
    (RESULTS / "draft-eval.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
