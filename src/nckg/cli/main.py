"""The `nckg` command line: build, validate, stats, query, export, serve, queries, draft."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nckg import config
from nckg.cli.draft import draft
from nckg.cli.queries import queries
from nckg.cli.stores import open_store, packaged_store
from nckg.sources.mappings import link_counts


def _store_option(f):
    return click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
                        help="Store location (default: $NCKG_STORE or var/store).")(f)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def one_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message (its type name when it has none), at most `limit` characters."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "") or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CommandGroup(click.Group):
    """Runs a command; an unexpected failure is one line on stderr and exit 1, the traceback only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            _fail(f"error: {one_line(exc)} (run with --debug for the traceback)")


@click.group(cls=CommandGroup)
@click.option("--debug", is_flag=True, envvar="NCKG_DEBUG", help="Show the traceback of a failure ($NCKG_DEBUG=1).")
@click.version_option(package_name="nckg")
def main(debug: bool) -> None:
    """nckg: the Nanocluster Knowledge Graph of atomically precise Cu nanoclusters."""


@main.command()
@_store_option
@click.option("--target", default=None, metavar="URL",
              help="After the local build, upload the graphs to this remote store: a Graph Store Protocol URL "
                   "(e.g. http://host:7878/store), or a SPARQL UPDATE URL with --target-protocol update.")
@click.option("--target-protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="gsp: PUT each named graph as N-Triples; update: DROP GRAPH + INSERT DATA batches.")
@click.option("--target-query", default=None, metavar="URL",
              help="The remote query endpoint (default: $NCKG_SPARQL_URL); graphs no longer built are dropped.")
def build(store_path: Path | None, target: str | None = None, target_protocol: str = "gsp",
          target_query: str | None = None) -> None:
    """Compile ontology/ + data/ into a fresh Oxigraph store, swapped in only on success."""
    from nckg.build.pipeline import BuildError, build as run_build
    from nckg.model import ontology_page
    from nckg.sources.loading import DataError

    if not config.in_checkout():
        _fail(f"nothing to build here: no data/ beside this installation ({config.project_root()}); nckg answers "
              "from the graph packaged in the wheel; clone the repository to build")
    try:
        report = run_build(store_path, beside=ontology_page.write_cache)  # /ontology is served from that file
    except DataError as exc:
        _fail(f"build failed: {len(exc.errors)} problem(s) in data/; the previous store is unchanged\n{exc}")
    except BuildError as exc:
        _fail(f"build failed; the previous store is unchanged\n{exc}")
    click.echo(f"built {report.store} in {report.seconds:.2f} s ({report.total} triples in "
               f"{len(report.graph_counts)} named graphs, none stated twice)")
    for graph, n in report.graph_counts.items():
        click.echo(f"  {n:>7}  {graph}")
    click.echo("records: " + ", ".join(f"{k} {v}" for k, v in report.coverage.items()))
    click.echo(f"quotes: {report.quotes} distinct, each verified against its source text")
    if report.findings:
        click.echo("source issues (nckg validate lists the chemistry findings): "
                   + ", ".join(f"{k} {v}" for k, v in report.findings.items()))
    click.echo("external links: " + ", ".join(f"{k} {v}" for k, v in link_counts().items()))
    click.echo("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
    if target:
        _upload(report.store, target, target_protocol, target_query)


def _upload(store_path: Path, target: str, protocol: str, query_url: str | None) -> None:
    """Copy the freshly built store to a remote SPARQL store (nckg.store.upload.upload); credentials for the
    write endpoint come from NCKG_UPLOAD_USER / NCKG_UPLOAD_PASSWORD, never from the command line."""
    import os

    from nckg.store.graph import GraphStore
    from nckg.store.remote_http import Credentials, RemoteStoreError
    from nckg.store.upload import upload

    store = GraphStore.open(store_path)
    try:
        written = upload(store, gsp_url=target if protocol == "gsp" else None,  # GSP: the update URL checkpoints
                         update_url=target if protocol == "update" else os.environ.get("NCKG_SPARQL_UPDATE_URL"),
                         query_url=query_url or os.environ.get("NCKG_SPARQL_URL"),
                         credentials=Credentials.from_environment())
    except (RemoteStoreError, ValueError) as exc:
        _fail(f"built locally, but the upload to {target} failed: {exc}")
    if written.unchanged:
        click.echo(f"{target} already serves this build (version {written.version}, {sum(written.values())} "
                   "triples): nothing uploaded")
    else:
        click.echo(f"uploaded {sum(written.values())} triples in {len(written)} graphs to {target} "
                   f"(version {written.version})")


def _checked_sources():
    """The checked data sources, or exit listing every problem with file and line."""
    from nckg.build.pipeline import load_sources
    from nckg.sources.loading import DataError

    try:
        return load_sources()
    except DataError as exc:
        _fail(f"{len(exc.errors)} problem(s):\n{exc}")


@main.command()
def validate() -> None:
    """Check the data sources (schema, references, vocabulary, quotes, SHACL) without building; list the chemistry
    findings about the review's text (nckg.sources.sanity: flagged, not errors)."""
    from nckg.build.pipeline import BuildError, check_shapes, rdflib_graph
    from nckg.build.compile import compile_all
    from nckg.sources import sanity
    from nckg.sources.vocabulary import load_vocabulary

    registry = _checked_sources()
    try:
        check_shapes(rdflib_graph(compile_all(registry, load_vocabulary())))
    except BuildError as exc:
        _fail(str(exc))
    click.echo(f"ok: {len(registry.files)} data files valid; SHACL conforms")
    findings = sanity.findings(registry)
    if findings:
        click.echo(f"{len(findings)} finding(s) about the review's text (recorded as nckg:SourceIssue, not errors):")
        for finding in findings:
            click.echo(f"  {finding}")


@main.command()
def stats() -> None:
    """Coverage of the curated data: records per kind and per review section, quotes verified."""
    from nckg.build.pipeline import coverage, quote_count
    from nckg.build.stats import by_section

    registry = _checked_sources()
    click.echo("records: " + ", ".join(f"{k} {v}" for k, v in coverage(registry).items()))
    click.echo(f"quotes: {quote_count(registry)} distinct, each verified against its source text")
    for section, kinds in by_section(registry).items():
        click.echo(f"  {section:<10} " + ", ".join(f"{k} {v}" for k, v in kinds.items()))


QUERY_FORMATS = ["json", "xml", "csv", "tsv", "turtle", "ntriples", "nquads"]


def render_table(csv_bytes: bytes) -> str:
    """A CSV result as an aligned text table."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"))))
    if not rows:
        return ""
    widths = [max(len(row[i]) if i < len(row) else 0 for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + f"\n({len(rows) - 1} rows)"


def emit_result(result, fmt: str) -> None:
    """Write a query result to stdout in a CLI format name (table renders SELECT results as text)."""
    from pyoxigraph import QueryBoolean, QueryTriples

    from nckg.store.graph import GraphStore, format_media_types

    if fmt == "table":
        if isinstance(result, QueryBoolean):
            click.echo(str(bool(result)).lower())
            return
        if isinstance(result, QueryTriples):
            fmt = "turtle"
        else:
            click.echo(render_table(GraphStore.serialize(result, "text/csv")))
            return
    media_types = format_media_types(fmt, result)
    if not media_types:
        _fail(f"a {type(result).__name__} result cannot be written as {fmt}")
    sys.stdout.buffer.write(GraphStore.serialize(result, media_types[0]))
    sys.stdout.flush()


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", *QUERY_FORMATS]), help="Output format.")
@_store_option
def query(sparql: str | None, query_file, fmt: str, store_path: Path | None) -> None:
    """Run a SPARQL query (argument or --file) against the built graph."""
    from nckg.store.graph import QueryError

    if bool(sparql) == bool(query_file):
        _fail("give the query either as an argument or with --file")
    text = sparql or query_file.read()
    try:
        result = open_store(store_path).query(text)
    except QueryError as exc:
        _fail(f"query rejected: {exc.message}")
    emit_result(result, fmt)


EXPORT_FORMATS = ["nquads", "trig", "turtle", "ntriples"]


@main.command()
@click.option("--format", "fmt", default="nquads", show_default=True, type=click.Choice(EXPORT_FORMATS))
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: stdout); gzip-compressed when its name ends in .gz.")
@_store_option
def export(fmt: str, output: Path | None, store_path: Path | None) -> None:
    """Dump the whole dataset. N-Quads and TriG keep the named graphs; Turtle and N-Triples hold their union."""
    from nckg.model import dataset  # noqa: PLC0415

    store = open_store(store_path)
    if output:
        dataset.export(store, output, fmt)
        click.echo(f"wrote {output.stat().st_size} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(dataset.export_bytes(store, fmt))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="request threads (per HTTP process)")
@click.option("--server", "http_server", type=click.Choice(["granian", "waitress"]), default="granian",
              show_default=True, help="HTTP server: granian (Rust, --workers processes) or waitress (one process)")
@click.option("--workers", default=None, type=int, help="HTTP processes (granian only; default 2)")
@_store_option
def serve(host: str, port: int, threads: int, http_server: str, workers: int | None,
          store_path: Path | None) -> None:
    """Serve the graph over HTTP with a production WSGI server; builds first if there is no store."""
    import os

    target = store_path or config.store_path()
    if not target.exists():
        target = packaged_store(target) or target
    if not target.exists():
        click.echo(f"no store at {target}: building it first", err=True)
        build.callback(store_path=target)
    os.environ["NCKG_STORE"] = str(target)
    # The HTTP layer lives in the `server` package; run it as its own module so nckg never imports Flask.
    os.execv(sys.executable, [sys.executable, "-m", "server", "--host", host, "--port", str(port),
                              "--threads", str(threads), "--store", str(target), "--server", http_server,
                              *(["--workers", str(workers)] if workers is not None else [])])


main.add_command(queries)
main.add_command(draft)

