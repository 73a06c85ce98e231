"""Source documents: the texts under data/sources/ that curated quotes are checked against, found by DOI."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from nckg import config
from nckg.sources import quotes
from nckg.sources.schema import DocumentRecord
from nckg.sources.loading import DOCUMENTS_DIR, DataError, SourceError, line_of, parse_yaml


@dataclass(frozen=True)
class SourceDocument:
    """One source document: its record (DOI, licence, attribution …) and its text."""

    record: DocumentRecord
    path: Path  # the record's YAML file

    @property
    def doi(self) -> str:
        return self.record.doi.lower()

    @property
    def text_path(self) -> Path:
        return self.path.parent / self.record.text

    def text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")

    @cached_property
    def normalised(self) -> str:
        """The text in quote-comparison form (`quotes.normalise`)."""
        return quotes.normalise(self.text())

    def contains(self, quote: str) -> bool:
        """True when the quote occurs in the text (after normalisation)."""
        needle = quotes.normalise(quote)
        return bool(needle) and needle in self.normalised


def documents_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or config.data_dir()) / DOCUMENTS_DIR


def _load_one(path: Path) -> SourceDocument:
    root, record = parse_yaml(path, DocumentRecord)
    document = SourceDocument(record, path)
    if not document.text_path.is_file():
        raise DataError([SourceError(path, line_of(root, ("text",)), f"text file {record.text} is missing")])
    digest = hashlib.sha256(document.text_path.read_bytes()).hexdigest()
    if digest != record.sha256:
        raise DataError([SourceError(path, line_of(root, ("sha256",)),
                                     f"sha256 of {record.text} is {digest}, the record says {record.sha256}")])
    return document


_CACHE: dict[tuple, dict[str, SourceDocument]] = {}


def load_documents(data_dir: Path | None = None) -> dict[str, SourceDocument]:
    """Every source document under data/sources/, by lower-case DOI (cached per folder and file state).

    Raises DataError naming file and line for a malformed record, a missing text or a checksum mismatch."""
    folder = documents_dir(data_dir)
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    key = (folder, tuple((p, p.stat().st_mtime_ns) for p in paths))
    if key in _CACHE:
        return _CACHE[key]
    found, errors = {}, []
    for path in paths:
        try:
            document = _load_one(path)
        except DataError as exc:
            errors.extend(exc.errors)
            continue
        if document.doi in found:
            errors.append(SourceError(path, 1, f"DOI {document.doi} has a document already "
                                               f"({found[document.doi].path.name})"))
        found[document.doi] = document
    if errors:
        raise DataError(errors)
    _CACHE[key] = found
    return found
