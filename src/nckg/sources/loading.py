"""Load the curated YAML sources with line numbers and validate them against the schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator, TypeVar

import yaml
from pydantic import ValidationError

from nckg import config
from nckg.sources import formula
from nckg.namespaces import REVIEW_DOI
from nckg.sources.schema import DataFile, Record

M = TypeVar("M", bound=Record)
DOCUMENTS_DIR = "sources"  # data/sources/: source documents and their records, not curated data files

@dataclass(frozen=True)
class SourceError:
    """One problem in one data file, located by line."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.relative_to(config.project_root())
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


class DataError(Exception):
    """Raised when the data sources are malformed; carries every problem found."""

    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class SourceFile:
    """A parsed and schema-valid data file, with its YAML node tree for line look-ups."""

    path: Path
    data: DataFile
    root: yaml.Node

    @property
    def doi(self) -> str:
        """The source document of the file's statements (topic files: the review)."""
        return (self.data.source.doi if self.data.source else REVIEW_DOI).lower()

    def error(self, loc: tuple, message: str) -> SourceError:
        return SourceError(self.path, line_of(self.root, loc), message)


def line_of(root: yaml.Node, loc: tuple) -> int:
    """1-based line of the YAML node at a pydantic-style location path (best match)."""
    node = root
    for key in loc:
        child = _child(node, key)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _child(node: yaml.Node, key) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def _location(loc: tuple) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in loc).lstrip(".")


def parse_yaml(path: Path, model: type[M]) -> tuple[yaml.Node, M]:
    """Parse one YAML mapping and validate it against a schema model; raises DataError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        raise DataError([SourceError(path, 1, f"not UTF-8 text: {exc.reason}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError([SourceError(path, line, f"YAML syntax error: {problem}")]) from exc
    if root is None:
        raise DataError([SourceError(path, 1, "empty data file")])
    if not isinstance(raw, dict):
        raise DataError([SourceError(path, 1, "a data file must be a mapping of record lists")])
    try:
        return root, model.model_validate(raw)
    except ValidationError as exc:
        errors = [SourceError(path, line_of(root, tuple(item["loc"])), f"{_location(tuple(item['loc']))}: {item['msg']}")
                  for item in exc.errors()]
        raise DataError(errors) from exc


def load_file(path: Path) -> SourceFile:
    """Parse and validate one curated data file; raises DataError naming file and line."""
    root, data = parse_yaml(path, DataFile)
    return SourceFile(path, data, root)


def data_files(data_dir: Path | None = None) -> list[Path]:
    """Every YAML source under data/, in a stable order."""
    root = data_dir or config.data_dir()
    return sorted(p for p in root.rglob("*.yaml") if p.is_file() and p.relative_to(root).parts[0] != DOCUMENTS_DIR)


def load_all(data_dir: Path | None = None) -> list[SourceFile]:
    """Load every data file; collects the problems of all files before raising."""
    loaded, errors = [], []
    for path in data_files(data_dir):
        try:
            loaded.append(load_file(path))
        except DataError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DataError(errors)
    return loaded


@dataclass
class Registry:
    """Every record of every file, indexed by kind and id, with where it was defined."""

    files: list[SourceFile]
    clusters: dict = field(default_factory=dict)
    ligands: dict = field(default_factory=dict)
    chemicals: dict = field(default_factory=dict)
    syntheses: dict = field(default_factory=dict)
    coordination_modes: dict = field(default_factory=dict)
    publications: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)  # source documents by DOI (nckg.sources.documents), set by the loader

    @cached_property
    def ligand_records(self) -> dict:
        """Ligand id -> Ligand record (without the file it came from)."""
        return {key: record for key, (_, record) in self.ligands.items()}

    @cached_property
    def cluster_labels(self) -> dict[str, str]:
        """Cluster id -> its unique display label (`nckg.sources.formula.display_labels`)."""
        return formula.display_labels([(cl, source.data.source.ref if source.data.source else None)
                               for source, _, cl in self.records("clusters")])

    @cached_property
    def doi_by_reference(self) -> dict[int, str]:
        """Review reference number -> DOI of that reference."""
        return {record.ref: doi for doi, (_, record) in self.publications.items() if record.ref}

    def records(self, kind: str) -> Iterator[tuple[SourceFile, int, object]]:
        """(file, index, record) for every record of a kind (a DataFile field name)."""
        for source in self.files:
            for index, record in enumerate(getattr(source.data, kind)):
                yield source, index, record
