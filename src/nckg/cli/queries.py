"""`nckg queries`: list, run, check and document the competency-question catalogue (queries/*.rq)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nckg.cli.stores import open_store, store_option
from nckg.model import catalogue
from nckg.model import catalogue_docs
from nckg.model import catalogue_fixtures

FORMATS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json",
           "xml": "application/sparql-results+xml"}


def _load() -> dict[str, catalogue.CatalogueQuery]:
    try:
        return catalogue.load_catalogue()
    except catalogue.CatalogueError as error:
        raise click.ClickException(str(error)) from None


@click.group("queries")
def queries() -> None:
    """The competency-question catalogue: parameterised SPARQL queries in queries/*.rq."""


@queries.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--tag", default=None, help="Only questions with this tag.")
def list_queries(fmt: str, tag: str | None) -> None:
    """List the questions (id, title, question, parameters)."""
    items = [q for q in _load().values() if tag is None or tag in q.tags]
    if fmt == "json":
        click.echo(json.dumps([q.to_dict() for q in items], ensure_ascii=False, indent=1))
        return
    for q in items:
        params = ", ".join(f"{p.name}={p.default if p.default is not None else '*'}" for p in q.parameters)
        click.echo(f"{q.id}  [{', '.join(q.tags)}]{'  (' + params + ')' if params else ''}")
        click.echo(f"    {q.question}")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        if name in values:
            raise click.BadParameter(f"{name!r} given twice", param_hint="--param")
        values[name] = value
    return values


@queries.command("run")
@click.argument("query_id")
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]), default="table",
              show_default=True)
@store_option
def run_query(query_id: str, pairs: tuple[str, ...], fmt: str, store_path: Path | None) -> None:
    """Run question QUERY_ID with --param name=value (validated and bound as typed RDF terms)."""
    _load()
    try:
        query = catalogue.get_query(query_id)
    except catalogue.UnknownQuery as error:
        raise click.ClickException(f"{error}; see `nckg queries list`") from None
    values = _parse_params(pairs)
    try:
        for name in values:  # unknown names are refused before any store is opened
            query.parameter(name)
        store = open_store(store_path)
        bindings = query.bind(values, store)
    except catalogue.ParameterError as error:
        raise click.BadParameter(str(error), param_hint="--param") from None
    result = store.query(query.body, substitutions=bindings)
    if fmt == "table":
        names, rows = catalogue.table(result)
        click.echo(catalogue.text_table(names, rows), nl=False)
        return
    click.echo(store.serialize(result, FORMATS[fmt]), nl=False)  # bytes: written to the binary stream


@queries.command("check")
@click.argument("query_ids", nargs=-1)
@store_option
def check(query_ids: tuple[str, ...], store_path: Path | None) -> None:
    """Run each question's expected-answer fixture (queries/expected/<id>.yaml) against the store."""
    ids = list(query_ids) or list(_load())
    store = open_store(store_path)
    failed = 0
    for query_id in ids:
        try:
            problems = catalogue_fixtures.check_expected(store, query_id)
        except (catalogue.CatalogueError, catalogue.UnknownQuery) as error:
            problems = [str(error)]
        failed += bool(problems)
        click.echo(f"{'ok  ' if not problems else 'FAIL'} {query_id}")
        for problem in problems:
            click.echo(f"     {problem}")
    if failed:
        raise click.ClickException(f"{failed} of {len(ids)} questions do not give the expected answer")


@queries.command("doc")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Where to write the catalogue document (default: docs/catalogue.md).")
@store_option
def doc(output: Path | None, store_path: Path | None) -> None:
    """Write the catalogue document: every question with a sample of its answer from the store."""
    _load()
    path = catalogue_docs.write_catalogue_document(open_store(store_path), output)
    click.echo(f"wrote {path}")


@queries.command("examples")
@click.option("--endpoint", default="https://w3id.org/nckg/sparql", show_default=True,
              help="The SPARQL endpoint the examples target (schema:target).")
def examples(endpoint: str) -> None:
    """Print the catalogue as SHACL sparql-examples (Turtle), as served at /.well-known/sparql-examples."""
    _load()
    click.echo(catalogue_docs.examples_turtle(endpoint=endpoint).decode("utf-8"), nl=False)
