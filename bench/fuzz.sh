#!/usr/bin/env bash
# Long fuzz runs of the HTTP API, results kept in bench/results/:
#   hypothesis (tests/test_fuzz.py) with NCKG_FUZZ_EXAMPLES examples per property (default 3000)
#     -> bench/results/fuzz-hypothesis.json (requests and status counts per property, 5xx count)
#   schemathesis (tests/test_openapi_fuzz.py, server/openapi.yaml) with NCKG_SCHEMATHESIS_EXAMPLES examples per
#     operation and mode (valid / invalid requests; default 200) -> bench/results/fuzz-schemathesis.json
#     (requests and status counts per operation); the pytest output goes to bench/results/fuzz.log
# Everything runs in-process against the WSGI app (no network).  Usage: bench/fuzz.sh [examples] [schemathesis-examples]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
mkdir -p bench/results
export NCKG_FUZZ_EXAMPLES=${1:-3000} NCKG_SCHEMATHESIS_EXAMPLES=${2:-200}
export NCKG_FUZZ_REPORT=bench/results/fuzz-hypothesis.json NCKG_SCHEMATHESIS_REPORT=bench/results/fuzz-schemathesis.json
start=$(date +%s)
$PY -m pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_openapi_fuzz.py 2>&1 | grep -v '^query worker' \
  | tee bench/results/fuzz.log | tail -5
echo "fuzz: $(( $(date +%s) - start )) s; hypothesis examples/property: $NCKG_FUZZ_EXAMPLES," \
     "schemathesis examples/operation/mode: $NCKG_SCHEMATHESIS_EXAMPLES" | tee -a bench/results/fuzz.log
