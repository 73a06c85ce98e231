"""The /ontology HTML page for the site: pyLODE's documentation rendered once per ontology state (by `nckg build`,
kept as a file beside the store versions) and split into its scoped stylesheet and its body, for the site's layout.

Rendering takes about a second and the page is ~650 KB, so `nckg build` writes it (`write_cache`, through the
pipeline's `beside` hook: the build stage does not import the model) and the server only reads it (`cached_html`);
a missing or stale file (the ontology changed, or a store built without the CLI) is rendered and written once, on
the first request.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from nckg import config
from nckg.model import ontology_docs
from nckg.sources.ontology import ontology_dir

SCOPE = "#ontology-doc"  # the element the documentation sits in on the site's page
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


@lru_cache(maxsize=4)
def state_key(root: Path | None = None) -> str:
    """A digest of what the documentation is made from: the ontology files and the example queries (once per
    process and ontology folder, like the rendering itself: the files change with a deployment, not at run time)."""
    digest = hashlib.sha256()
    examples = config.queries_dir() / ontology_docs.EXAMPLES_DIR
    for path in sorted([*(root or ontology_dir()).rglob("*.ttl"), *examples.glob("*.rq")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_path(directory: Path) -> Path:
    return directory / f"ontology-{state_key(ontology_dir())}.html"


def write_cache(directory: Path) -> Path:
    """Render the documentation into `directory` (the store versions' folder); older renderings are removed."""
    path = cache_path(directory)
    if not path.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(ontology_docs.render_html(), encoding="utf-8")
        partial.replace(path)
    for old in directory.glob("ontology-*.html"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def cached_html(directory: Path | None) -> str:
    """The documentation page: read from the build's file when there is one, else rendered (and written)."""
    if directory is not None:
        try:
            return _read(cache_path(directory))
        except OSError:
            try:
                return _read(write_cache(directory))
            except OSError:  # a read-only folder: render in memory
                pass
    return ontology_docs.render_html()


def term_anchor(iri: str, directory: Path | None) -> str | None:
    """The fragment of a term's entry on the page `cached_html(directory)` serves (None: not documented)."""
    return ontology_docs.anchors_of(cached_html(directory)).get(iri)


@lru_cache(maxsize=2)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def site_parts(page: str) -> tuple[str, str]:
    """(stylesheet scoped to SCOPE, body) of a documentation page, so that pyLODE's rules for body, h1, h2 … do not
    restyle the site's header and navigation."""
    css = "\n".join(_STYLE.findall(page))
    body = _BODY.search(page)
    return scope_css(css), body.group(1) if body else page


def scope_css(css: str) -> str:
    """Every rule's selectors prefixed with SCOPE (`body` and `html` become SCOPE itself)."""
    def rule(match: re.Match) -> str:
        selectors = []
        for selector in match.group(1).split(","):
            selector = " ".join(selector.split())
            if not selector:
                continue
            selectors.append(SCOPE if selector in ("body", "html") else f"{SCOPE} {selector}")
        return f"{', '.join(selectors)} {{{match.group(2)}}}"
    return _RULE.sub(rule, css)
