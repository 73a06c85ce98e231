"""The `nckg` command line: build, validate, stats, query, export, serve, queries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import config


def _store_option(f):
    return click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
                        help="Store location (default: $NCKG_STORE or var/store).")(f)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="nckg")
def main() -> None:
    """nckg: the Nanocluster Knowledge Graph of atomically precise Cu nanoclusters."""


@main.command()
@_store_option
def build(store_path: Path | None) -> None:
    """Compile ontology/ + data/ into a fresh Oxigraph store, swapped in only on success."""
    from .build import BuildError, build as run_build
    from .sources import DataError

    try:
        report = run_build(store_path)
    except DataError as exc:
        _fail(f"build failed: {len(exc.errors)} problem(s) in data/; the previous store is unchanged\n{exc}")
    except BuildError as exc:
        _fail(f"build failed; the previous store is unchanged\n{exc}")
    click.echo(f"built {report.store} in {report.seconds:.2f} s ({report.total} triples)")
    for graph, n in report.graph_counts.items():
        click.echo(f"  {n:>7}  {graph}")
    click.echo("records: " + ", ".join(f"{k} {v}" for k, v in report.coverage.items()))
    click.echo(f"quotes verified: {report.quotes_verified}")
    click.echo("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))


@main.command()
def validate() -> None:
    """Check the data sources (schema, references, vocabulary, quotes, SHACL) without building."""
    from .build import load_sources, ontology_quads
    from .compile import compile_all
    from .sources import DataError
    from .vocabulary import load_vocabulary

    try:
        registry = load_sources()
    except DataError as exc:
        _fail(f"{len(exc.errors)} problem(s):\n{exc}")
    try:
        from . import shacl
    except ImportError:  # TEMPORARY while the SHACL module is being written
        click.echo(f"ok: {len(registry.files)} data files valid (SHACL module not available yet)")
        return
    report = shacl.validate_quads(ontology_quads() + compile_all(registry, load_vocabulary()))
    if not report.conforms:
        _fail("SHACL validation failed:\n" + report.text)
    click.echo(f"ok: {len(registry.files)} data files valid; SHACL conforms")


@main.command()
def stats() -> None:
    """Coverage of the curated data: records per kind and per review section, quotes verified."""
    from .build import coverage, load_sources, quote_count
    from .sources import DataError

    try:
        registry = load_sources()
    except DataError as exc:
        _fail(f"{len(exc.errors)} problem(s):\n{exc}")
    from .stats import by_section

    click.echo("records: " + ", ".join(f"{k} {v}" for k, v in coverage(registry).items()))
    click.echo(f"quotes verified: {quote_count(registry)}")
    for section, kinds in by_section(registry).items():
        click.echo(f"  {section:<10} " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
