"""Schemathesis: requests generated from server/openapi.yaml (valid and invalid) against the WSGI app: no 5xx,
only documented status codes and content types. The description itself is served at /openapi.yaml and must
list every route the app has. bench/fuzz.sh runs the same with more examples and keeps the counts."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, status_code_conformance

from server import create_app

EXAMPLES = int(os.environ.get("NCKG_SCHEMATHESIS_EXAMPLES", "10"))
STATUS: Counter = Counter()

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from conftest import build_test_store

    return create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False,
                       "STORE_PATH": str(build_test_store(tmp_path_factory.mktemp("openapi-store")))})


@pytest.fixture(scope="module")
def api_schema(app):
    yield schemathesis.openapi.from_wsgi("/openapi.yaml", app)
    report = os.environ.get("NCKG_SCHEMATHESIS_REPORT")
    if report:
        operations: dict = {}
        for (label, mode, status), count in sorted(STATUS.items()):
            entry = operations.setdefault(f"{label} [{mode}]", {})
            entry[str(status)] = count
        total = sum(STATUS.values())
        server_errors = sum(c for (_, _, status), c in STATUS.items() if status >= 500)
        Path(report).write_text(json.dumps({"schemathesis": schemathesis.__version__, "examples": EXAMPLES,
                                            "requests": total, "5xx": server_errors, "operations": operations},
                                           indent=2) + "\n")


SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "server" / "openapi.yaml").read_text())
OPERATIONS = [f"{method.upper()} {path}" for path, item in SPEC["paths"].items()
              for method in item if method in ("get", "post")]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("label", OPERATIONS)
def test_generated_requests_never_5xx_and_conform(api_schema, label, mode):
    operation = api_schema.find_operation_by_label(label)
    checks = [not_a_server_error] if mode is GenerationMode.NEGATIVE else \
        [not_a_server_error, status_code_conformance, content_type_conformance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call()
        STATUS[(label, mode.value, response.status_code)] += 1
        case.validate_response(response, checks=checks)

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
        assert mode is GenerationMode.NEGATIVE


def test_the_description_lists_every_route(app):
    described = yaml.safe_load(app.test_client().get("/openapi.yaml").data)["paths"]
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        if path == "/resource/{ident}":
            path = "/resource/{kind}/{id}"
        if path.endswith("/") and path != "/":
            path = path.rstrip("/")
        assert path in described, f"{rule.rule} is not in server/openapi.yaml"
