"""An in-memory LRU of serialized query answers, and the ETags derived from the same keys (no Flask here).

A key is (kind, normalised query text, dataset, representation, store version): the representation is what the
client asked for (Accept header / `format=`), the store version the directory the store symlink points at or the
version marker of a remote store (nckg.store.backend.handle_version). A rebuild swaps in a new version, so every key -
and every ETag - changes with it: old entries are never hit again and age out of the LRU.

ETags are computed from the key alone, so a conditional request can be answered 304 before any query runs. They
are weak (`W/"..."`): the same key always gives an equivalent answer, though blank node labels of a CONSTRUCT may
differ between two evaluations. Queries whose answer is not a function of the data (RAND, NOW, UUID, STRUUID) or
that call another endpoint (SERVICE) are never cached and get no ETag (see `cacheable`).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from nckg.store.limits import uses_keyword

# Comments are dropped, runs of whitespace outside strings and IRIs collapse to one space (strings keep theirs).
_STRING = (r"""'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
           r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\"""")
_IRI = r"""<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"""
_LEX = re.compile(rf"""(?P<keep>\\.|{_STRING}|{_IRI})|(?P<gap>(?:\s+|\#[^\n]*)+)""", re.DOTALL)
VOLATILE = ("RAND", "NOW", "UUID", "STRUUID", "SERVICE")


def normalise_query(text: str) -> str:
    """The query text with comments removed and whitespace outside strings and IRIs collapsed (same meaning)."""
    def replace(match: re.Match) -> str:
        if match.group("keep"):
            return match.group()
        return " "
    return _LEX.sub(replace, text).strip()


def cacheable(sparql: str) -> bool:
    """Whether the answer depends only on the query, the dataset and the store version."""
    return not any(uses_keyword(sparql, word) for word in VOLATILE)


def make_key(kind: str, text: str, dataset: tuple = (), representation: str = "", version: str = "") -> tuple:
    return (kind, normalise_query(text), tuple(dataset), representation.strip(), version)


def etag_for(key: tuple) -> str:
    """The (weak) entity tag of the answer to `key`, without the `W/` prefix and quotes."""
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Entry:
    """A serialized answer: status, body and the response headers the view set."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class ResultCache:
    """A thread-safe LRU of `maxsize` entries (0: nothing is kept), with hit / miss counters."""

    def __init__(self, maxsize: int = 256, max_body: int = 4 * 1024 * 1024):
        self.maxsize, self.max_body = max(0, int(maxsize)), int(max_body)
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.stores = self.evictions = 0
        self._version: str | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, entry: Entry) -> bool:
        """Keep `entry` (False when the cache is off or the body is over max_body)."""
        if self.maxsize == 0 or len(entry.body) > self.max_body:
            return False
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            self.stores += 1
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
                self.evictions += 1
        return True

    def observe(self, version: str) -> None:
        """Drop every entry when the store version changes (a rebuild): they could never be hit again."""
        if version != self._version:
            with self._lock:
                if version != self._version:
                    if self._version is not None:
                        self._entries.clear()
                    self._version = version

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def stats(self) -> dict[str, int]:
        return {"size": len(self._entries), "maxsize": self.maxsize, "hits": self.hits, "misses": self.misses,
                "stores": self.stores, "evictions": self.evictions}
