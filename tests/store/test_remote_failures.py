"""A remote SPARQL store that fails: the server answers 502 (an error answer), 503 (unreachable) or 504 (too slow)
with one line naming the failure and the request id, never 500; the CLI prints one line. The failing stores are
small HTTP servers started here on 127.0.0.1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from nckg.cli.main import main
from server import create_app

from engines import free_port
from fakestore import erroring_store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def failing_store(behaviour: str):
    """A SPARQL endpoint that answers HTTP 500 with a multi-line body ("error"), or only after 3 s ("slow")."""
    body = b"Virtuoso 42000 Error SR483: Stack Overflow\n\nSPARQL query:\nSELECT ..."
    return erroring_store(500, body, delay=3 if behaviour == "slow" else 0)


def _client(url: str):
    return create_app({"TESTING": True, "SPARQL_URL": url, "CACHE_SIZE": 0, "QUERY_TIMEOUT": 1,
                       "REMOTE_VERSION_TTL": 0}).test_client()


@pytest.mark.parametrize(("behaviour", "status"), [("error", 502), ("unreachable", 503), ("slow", 504)])
@pytest.mark.parametrize("path", ["/sparql?query=" + COUNT.replace(" ", "%20"), "/queries/table1/results?format=json",
                                  "/resource/cluster/cu26-4plus"])
def test_failing_remote_store_answers_gateway_status(behaviour, status, path):
    if behaviour == "unreachable":
        response = _client(f"http://127.0.0.1:{free_port()}/sparql").get(path)
    else:
        with failing_store(behaviour) as url:
            response = _client(url + "/sparql").get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert "request id" in text and "Traceback" not in text
    assert text.strip().count("\n") == 0  # one line
    if behaviour == "error":
        assert "HTTP 500" in text and "SR483" in text


@pytest.mark.parametrize("behaviour", ["error", "unreachable"])
@pytest.mark.parametrize("args", [["query", COUNT], ["queries", "run", "table1"], ["queries", "check", "table1"]])
def test_cli_prints_one_line_for_a_failing_remote_store(behaviour, args, monkeypatch):
    def run(url):
        monkeypatch.setenv("NCKG_SPARQL_URL", url)
        monkeypatch.delenv("NCKG_DEBUG", raising=False)
        return CliRunner().invoke(main, args)

    if behaviour == "unreachable":
        result = run(f"http://127.0.0.1:{free_port()}/sparql")
    else:
        with failing_store(behaviour) as url:
            result = run(url + "/sparql")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert ("HTTP 500" if behaviour == "error" else "unreachable") in result.output
