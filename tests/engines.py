"""SPARQL servers started on 127.0.0.1 for the tests and the bench, and stopped again: `oxigraph serve` (PyPI
package `oxigraph`) and Virtuoso open source (Debian package `virtuoso-opensource`: `virtuoso-t`, `isql-vt`).

Each runs in a private temporary folder (database files, virtuoso.ini) on free ports, in its own process group,
with a bounded start-up wait; `stop()` kills the process group and removes the folder. No system service is used.
Every engine is described by the URLs nckg needs: `query_url` (NCKG_SPARQL_URL), `update_url` (SPARQL UPDATE)
and `gsp_url` (Graph Store Protocol)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal

from nckg.model import catalogue

START_TIMEOUT = 90.0  # seconds: Virtuoso creates its database on the first start (~5-20 s on a loaded machine)


@dataclass
class Engine:
    """A running SPARQL server: its name, endpoints, process and private folder."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str
    process: subprocess.Popen
    folder: Path
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    def stop(self) -> None:
        """Kill the server's process group and remove its folder."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def kill(self) -> None:
        """Kill the server's process group at once (SIGKILL: no shutdown work), keeping its folder."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def restart(engine: Engine, timeout: float = START_TIMEOUT) -> None:
    """Kill the engine (SIGKILL) and start it again on its folder, ports and command (`extra["command"]`)."""
    engine.kill()
    for lock in engine.folder.rglob("*.lck"):  # Virtuoso's lock file outlives a killed server
        lock.unlink()
    with engine.log.open("ab") as out:
        engine.process = subprocess.Popen(engine.extra["command"], cwd=engine.folder, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
    _wait_until_answering(engine, timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def virtuoso_binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


def _wait_until_answering(engine: Engine, timeout: float) -> None:
    """Poll the query endpoint with ASK {} until it answers 200 (bounded by `timeout`)."""
    deadline = time.monotonic() + timeout
    probe = engine.query_url + "?query=ASK%7B%7D"
    while True:
        try:
            request = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if engine.process.poll() is not None or time.monotonic() > deadline:
            tail = engine.log.read_text(errors="replace")[-800:] if engine.log and engine.log.exists() else ""
            engine.stop()
            raise RuntimeError(f"{engine.name} did not start within {timeout:.0f} s: {tail}")
        time.sleep(0.2)


def start_oxigraph(timeout: float = START_TIMEOUT) -> Engine:
    """`oxigraph serve --union-default-graph` on a free port with a private database folder."""
    return _oxigraph("serve", Path(tempfile.mkdtemp(prefix="nckg-oxigraph-")), [], timeout)


def start_oxigraph_read_only(writer: Engine, timeout_s: int = 30, timeout: float = START_TIMEOUT) -> Engine:
    """The deployment guide's read-only server: `oxigraph serve-read-only --timeout-s` on the database `writer`
    wrote (stopped first: a read-only server beside a writing one is undefined), on a new port. Stopping it
    removes the folder."""
    writer.kill()
    return _oxigraph("serve-read-only", writer.folder, ["--timeout-s", str(timeout_s)], timeout)


def _oxigraph(mode: str, folder: Path, options: list[str], timeout: float) -> Engine:
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("the `oxigraph` server binary is not installed (pip install oxigraph)")
    port = free_port()
    log = folder / "server.log"
    command = [binary, mode, "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", *options]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    engine = Engine("oxigraph", base + "/query", base + "/update", base + "/store", process, folder, log,
                    {"command": command})
    _wait_until_answering(engine, timeout)
    return engine


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {db}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
SingleCPU = 0
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
MaxQueryMem = 1G
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/vsp
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {max_seconds}
DeferInferenceRulesInit = 0
"""

# What the anonymous SPARQL user needs for SPARQL UPDATE on /sparql and for the Graph Store Protocol on
# /sparql-graph-crud (the default permissions let "nobody" read only), and the union of all graphs as the
# default graph, which Virtuoso does by default; the checkpoint procedure nckg calls after an upload
# (queries/virtuoso-checkpoint.rq).
VIRTUOSO_GRANTS = """\
GRANT SPARQL_UPDATE TO "SPARQL";
GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";
GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
CREATE PROCEDURE DB.DBA.NCKG_CHECKPOINT () { exec ('checkpoint'); return 1; };
GRANT EXECUTE ON DB.DBA.NCKG_CHECKPOINT TO "SPARQL";
"""


# The production set-up (server/README.md, "Virtuoso"): the anonymous user reads only; the upload user may write
# through the authenticated endpoints and call the checkpoint procedure. UPLOAD_USER / UPLOAD_PASSWORD are the
# test's (NCKG_UPLOAD_USER / NCKG_UPLOAD_PASSWORD for nckg).
UPLOAD_USER, UPLOAD_PASSWORD = "nckg_upload", "test-only-password"
VIRTUOSO_SECURE = f"""\
DB.DBA.USER_CREATE ('{UPLOAD_USER}', '{UPLOAD_PASSWORD}');
GRANT SPARQL_UPDATE TO "{UPLOAD_USER}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{UPLOAD_USER}', 7);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
CREATE PROCEDURE DB.DBA.NCKG_CHECKPOINT () {{ exec ('checkpoint'); return 1; }};
GRANT EXECUTE ON DB.DBA.NCKG_CHECKPOINT TO "{UPLOAD_USER}";
"""


def isql(engine: Engine, script: str, timeout: float = 60.0) -> str:
    """Run SQL statements through `isql-vt` on the engine's ISQL port (dba/dba of a fresh database)."""
    command = [engine.extra["isql"], f"127.0.0.1:{engine.extra['isql_port']}", "dba", "dba"]
    done = subprocess.run(command, input=script + "\nEXIT;\n", capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or "*** Error" in done.stdout or "*** Error" in done.stderr:
        raise RuntimeError(f"isql-vt failed: {(done.stdout + done.stderr)[-800:]}")
    return done.stdout


def start_virtuoso(timeout: float = START_TIMEOUT, buffers: int = 85000, max_seconds: int = 300,
                   secure: bool = False) -> Engine:
    """Virtuoso open source in the foreground (`virtuoso-t +foreground`) with a private database and ini in a
    temporary folder, on free HTTP and ISQL ports; SPARQL UPDATE and the Graph Store Protocol granted to the
    anonymous SPARQL user, or with `secure` the production set-up of server/README.md (VIRTUOSO_SECURE: /sparql
    read-only, writes only as UPLOAD_USER through the Digest-authenticated /sparql-auth and
    /sparql-graph-crud-auth, whose URLs are then the engine's update_url and gsp_url). `buffers` x 8 KiB is its
    page cache (85 000: ~660 MiB, enough for 100 k clusters)."""
    binaries = virtuoso_binaries()
    if binaries is None:
        raise FileNotFoundError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    server, isql_binary = binaries
    folder = Path(tempfile.mkdtemp(prefix="nckg-virtuoso-"))
    db = folder / "db"
    (db / "vsp").mkdir(parents=True)
    http_port, isql_port = free_port(), free_port()
    while isql_port == http_port:
        isql_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, http_port=http_port, isql_port=isql_port, buffers=buffers,
                                       dirty=buffers * 3 // 4, max_seconds=max_seconds))
    log = folder / "server.log"
    command = [server, "+configfile", str(ini), "+foreground"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    engine = Engine("virtuoso", base + "/sparql", base + "/sparql", base + "/sparql-graph-crud", process, folder,
                    log, {"isql": isql_binary, "isql_port": isql_port, "command": command})
    _wait_until_answering(engine, timeout)
    try:
        isql(engine, VIRTUOSO_SECURE if secure else VIRTUOSO_GRANTS)
        if secure:
            engine.update_url, engine.gsp_url = base + "/sparql-auth", base + "/sparql-graph-crud-auth"
    except Exception:
        engine.stop()
        raise
    return engine


def comparable_cell(term) -> str:
    """Text of a result cell comparable across engines: blank node labels differ between stores, and so does the
    order of the items of a GROUP_CONCAT (SPARQL leaves it undefined), so those are sorted (items separated by
    " | ", "; " or ", ", or IRIs separated by spaces)."""
    if isinstance(term, BlankNode):
        return "_:b"
    if isinstance(term, Literal):
        for separator in (" | ", "; ", ", "):
            if separator in term.value:
                return separator.join(sorted(term.value.split(separator)))
        parts = term.value.split(" ")
        if len(parts) > 1 and all(p.startswith(("http://", "https://")) for p in parts):  # a list of IRIs
            return " ".join(sorted(parts))
    return str(term)


def comparable_rows(result) -> list[tuple]:
    """A query answer as sorted rows of comparable cells (nckg.model.catalogue.table: ASK answers become one row)."""
    names, rows = catalogue.table(result)
    return sorted(tuple(comparable_cell(r.get(n)) for n in names) for r in rows)


def start(name: str, **options) -> Engine:
    return {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}[name](**options)


XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
VIRTUOSO_DECIMAL_PLACES = 15  # Virtuoso 7.2 keeps xsd:decimal values to 15 fractional digits


def as_engine_stores(name: str, quads) -> list:
    """The quads as engine `name` stores them, by design: Virtuoso rounds xsd:decimal literals to 15 fractional
    digits (QUDT's eV conversion multiplier 1.602176634e-19 becomes 0); the others keep every quad as it is."""
    from decimal import Decimal

    from pyoxigraph import Quad

    if name != "virtuoso":
        return list(quads)
    out = []
    for q in quads:
        o = q.object
        if isinstance(o, Literal) and o.datatype.value == XSD_DECIMAL:
            rounded = Decimal(o.value).quantize(Decimal(1).scaleb(-VIRTUOSO_DECIMAL_PLACES)).normalize()
            o = Literal(format(rounded, "f"), datatype=o.datatype)
        out.append(Quad(q.subject, q.predicate, o, q.graph_name))
    return out
