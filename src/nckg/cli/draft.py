"""`nckg draft TEXT`: propose records (clusters, measurements, comparisons) with their quotes from a plain text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def _read(path: str) -> str:
    """The text to draft from: a UTF-8 file, or stdin for "-"; one-line errors."""
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(f"{path}: no such file")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise click.ClickException(f"{path}: the file is empty")
    return text


def _write(path: Path, text: str, what: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write the {what} to {path}: {exc.strerror or exc}") from None


@click.command()
@click.argument("text", required=False)
@click.option("--doi", default=None, help="DOI of the text's document (quotes then cite it with quoted_from).")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Write the YAML draft here (default: stdout, the report then goes to stderr).")
@click.option("--html", "html_path", type=click.Path(path_type=Path), default=None,
              help="Also write the curator's view: the text with every proposed record highlighted.")
@click.option("--evaluate", is_flag=True,
              help="Instead: draft the review and compare with the curated measurements (bench/results/draft-eval).")
def draft(text: str | None, doi: str | None, output: Path | None, html_path: Path | None, evaluate: bool) -> None:
    """Draft records from a plain-text paper, abstract or section (TEXT, or - for stdin).

    Every record is marked `status: draft` with a confidence; `nckg validate` refuses it until a curator has
    checked it against its quote and removed both keys (docs/curation.md)."""
    if evaluate:
        from nckg.draft.evaluate import evaluate as run, markdown

        click.echo(markdown(run(), "nckg draft --evaluate"), nl=False)
        return
    if text is None:
        raise click.ClickException("give the text to draft (a file, or - for stdin), or --evaluate")
    if doi is not None and not _DOI.match(doi):
        raise click.ClickException(f"--doi {doi!r} is not a DOI (10.NNNN/…)")
    from nckg.draft.html import render
    from nckg.draft.pipeline import draft as run_draft
    from nckg.draft.writer import report, to_yaml

    result = run_draft(_read(text), doi=doi)
    command = "nckg draft " + (text if text != "-" else "-") + (f" --doi {doi}" if doi else "")
    if output:
        _write(output, to_yaml(result, command), "draft")
    else:
        click.echo(to_yaml(result, command), nl=False)
    if html_path:
        _write(html_path, render(result, f"Draft of {Path(text).name if text != '-' else 'stdin'}"), "HTML view")
    click.echo(report(result), err=output is None)
