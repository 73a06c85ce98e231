"""The curated ("real") graph as N-Quads for the benchmark stores: the built store when there is one, else the
ontology plus whatever data files compile right now (best effort: the data is being curated while benchmarks run)."""

from __future__ import annotations

import time
from pathlib import Path

from pyoxigraph import RdfFormat, serialize


def real_quads() -> tuple[list, dict]:
    """(quads, info) where info says where they came from and what was skipped."""
    from nckg import config  # noqa: PLC0415
    from nckg.store.graph import GraphStore  # noqa: PLC0415

    started = time.perf_counter()
    built = config.store_path()
    if (built.resolve() / "CURRENT").is_file():
        store = GraphStore.open(built)
        quads = list(store.store)
        return quads, {"source": f"built store {built.resolve().name}", "quads": len(quads),
                       "seconds": round(time.perf_counter() - started, 2)}
    return _compiled(started)


def _compiled(started: float) -> tuple[list, dict]:
    from nckg.sources import checks
    from nckg.build import compile
    from nckg.sources import loading as sources  # noqa: PLC0415
    from nckg.build.pipeline import ontology_quads  # noqa: PLC0415
    from nckg.sources.vocabulary import load_vocabulary  # noqa: PLC0415

    quads = ontology_quads()
    info: dict = {"ontology_quads": len(quads), "skipped_files": {}}
    try:
        from nckg.build.pipeline import load_sources  # noqa: PLC0415
        registry = load_sources(verify_quotes=False)
        info["source"] = "ontology + all data files compiled (no inferred graph)"
    except Exception:  # noqa: BLE001 - data in flux: keep every file that loads and compiles on its own
        files = []
        for path in sources.data_files():
            try:
                files.append(sources.load_file(path))
            except Exception as error:  # noqa: BLE001
                info["skipped_files"][path.name] = str(error).splitlines()[0][:200]
        registry, _ = checks.build_registry(files)
        info["source"] = "ontology + the data files that compile on their own (no inferred graph)"
    vocabulary = load_vocabulary()
    for source in registry.files:
        try:
            quads += compile.compile_file(source, registry, vocabulary)
        except Exception as error:  # noqa: BLE001
            info["skipped_files"][source.path.name] = f"{type(error).__name__}: {error}"[:200]
    quads = list(dict.fromkeys(quads))
    info.update(quads=len(quads), files=len(registry.files) - len(info["skipped_files"]),
                seconds=round(time.perf_counter() - started, 2))
    return quads, info


def write_real_nquads(path: Path) -> dict:
    """Write the curated graph to `path` as N-Quads; returns the info of real_quads()."""
    quads, info = real_quads()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    serialize(quads, str(path), format=RdfFormat.N_QUADS)
    return info


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(write_real_nquads(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/real.nq")), indent=2))
